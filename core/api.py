"""DRF conventions shared by every app: the error envelope and pagination (role permissions:
`accounts.permissions`)."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, InterfaceError, OperationalError
from django.http import Http404
from django.utils.cache import get_conditional_response
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from core.errors import DomainError

logger = logging.getLogger(__name__)


def error_body(detail: str, code: str, errors: dict | None = None, **extra) -> dict:
    body = {"detail": detail, "code": code}
    if errors:
        body["errors"] = errors
    body.update(extra)
    return body


def precondition_answer(request, *, etag: str, last_modified: int | None = None,
                        changed: str) -> Response | None:
    """Django's conditional-request rules (`get_conditional_response`) for an answer with `etag`
    (and `last_modified`, epoch seconds): None when the whole answer is due, else a bare 304 to a
    matching If-None-Match or If-Modified-Since, or a 412 `precondition_failed` naming what
    `changed` to a failed If-Match or If-Unmodified-Since. The caller adds its headers."""
    answer = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if answer is None:
        return None
    if answer.status_code == status.HTTP_304_NOT_MODIFIED:
        return Response(status=status.HTTP_304_NOT_MODIFIED)
    return Response(error_body(f"{changed} changed since the version the request names.",
                               "precondition_failed"), status=answer.status_code)


def _flatten_errors(data, prefix: str = "") -> dict[str, list[str]]:
    """DRF/Django error structures as {"field.sub": [messages]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(_flatten_errors(value, name))
    elif isinstance(data, list) and data and all(not isinstance(i, (dict, list)) for i in data):
        flat[prefix or "non_field_errors"] = [str(item) for item in data]
    elif isinstance(data, list):
        for index, value in enumerate(data):
            if value:
                flat.update(_flatten_errors(value, f"{prefix}[{index}]" if prefix else str(index)))
    else:
        flat[prefix or "non_field_errors"] = [str(data)]
    return flat


def _validation_detail(errors: dict[str, list[str]]) -> str:
    parts = [
        message if field == "non_field_errors" else f"{field}: {message}"
        for field, messages in errors.items()
        for message in messages
    ]
    return "; ".join(parts) or "Invalid input."


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        response = Response(error_body(exc.detail, exc.code, **exc.extra), status=exc.status)
        if exc.retry_after is not None:
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, DjangoValidationError):
        raw = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(raw)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, (OperationalError, InterfaceError)):
        logger.warning("Database unavailable: %s", exc)
        response = Response(error_body("The database is unavailable; try again shortly.", "database_unavailable"),
                            status=503)
        response["Retry-After"] = "2"
        return response
    elif isinstance(exc, IntegrityError):
        # Services lock what they refer to; this is the backstop for a row deleted by a
        # concurrent request all the same (a foreign key checked at commit).
        logger.warning("Integrity error answered 409: %s", exc)
        return Response(error_body("What this request refers to was changed or deleted by another "
                                   "request meanwhile; reload and try again.", "conflict"), status=409)
    elif isinstance(exc, RecursionError):  # json.loads on a body nested thousands deep
        exc = exceptions.ParseError("JSON parse error - nested too deeply.")
    elif isinstance(exc, RequestDataTooBig):
        return Response(error_body("Request body is too large.", "payload_too_large"), status=413)

    from rest_framework.views import exception_handler as drf_exception_handler  # import cycle

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten_errors(exc.detail)
        response.data = error_body(_validation_detail(errors), "invalid", errors)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        if isinstance(detail, dict):
            detail = detail.get("detail", next(iter(detail.values()), "Error"))
            if isinstance(detail, list):
                detail = detail[0]
        response.data = error_body(str(detail), str(code))
    return response


class PageParams(serializers.Serializer):
    skip = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=0)
    limit = serializers.IntegerField(min_value=1, max_value=1000, default=100)


def paginate(request, queryset, key: str, serializer_class, context=None) -> dict:
    """`{key: [...], total, page, per_page}` from `skip` and `limit` query parameters."""
    params = PageParams(data=request.query_params)
    params.is_valid(raise_exception=True)
    skip, limit = params.validated_data["skip"], params.validated_data["limit"]
    total = queryset.count()
    rows = queryset[skip : skip + limit]
    return {
        key: serializer_class(rows, many=True, context=context or {"request": request}).data,
        "total": total,
        "page": skip // limit + 1,
        "per_page": limit,
    }

