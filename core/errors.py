"""Domain errors raised by services; `core.api.exception_handler` turns them into the
error envelope. Services raise these (or Django's ValidationError / PermissionDenied), never
DRF exceptions."""


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, detail: str, *, code: str | None = None, retry_after: int | None = None,
                 **extra):
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code
        self.retry_after = retry_after
        self.extra = extra


class Conflict(DomainError):
    status = 409
    code = "conflict"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


class Unavailable(DomainError):
    status = 503
    code = "unavailable"


class UpstreamTimeout(DomainError):
    status = 504
    code = "upstream_timeout"
