import ipaddress
import logging
import re
import time
import uuid

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponseBadRequest, JsonResponse
from django.urls import Resolver404, resolve

from core import read_tokens
from core.api import error_body

request_logger = logging.getLogger("galdash.request")

API_PREFIXES = ("/api/", "/auth/")
DOUBLED_API_PREFIX = "/api/v1/v1/"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIXES)


def _address(value: str) -> str | None:
    """An IP address from one X-Forwarded-For entry (a port or brackets allowed)."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1:value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(peer: str | None, forwarded_for: str, trusted_proxies: int) -> str | None:
    """The client's address: the socket's peer, unless `trusted_proxies` reverse proxies
    stand in front; then the entry the outermost of them appended to X-Forwarded-For (the
    N-th from the right). Entries left of it are whatever the client sent and never used.
    With fewer entries than proxies, or a malformed one, the peer stays."""
    if trusted_proxies <= 0 or not forwarded_for:
        return peer
    entries = [entry for entry in forwarded_for.split(",") if entry.strip()]
    if len(entries) < trusted_proxies:
        return peer
    return _address(entries[-trusted_proxies]) or peer


def client_ip(request) -> str | None:
    """The client address of a request (set by ClientAddressMiddleware)."""
    return request.META.get("REMOTE_ADDR")


class ClientAddressMiddleware:
    """Puts the client's address in REMOTE_ADDR, once, for everyone after it (login limits,
    AuthLog). daphne runs without `--proxy-headers`, which would trust the left-most, spoofable
    X-Forwarded-For entry; TRUSTED_PROXY_COUNT says how many proxies to trust instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META["REMOTE_ADDR"] = client_address(
            request.META.get("REMOTE_ADDR"), request.META.get("HTTP_X_FORWARDED_FOR", ""),
            settings.TRUSTED_PROXY_COUNT)
        return self.get_response(request)


class RequestContextMiddleware:
    """Request id, `X-Process-Time` and one log line per request.

    The log line holds the method, the path without its query string (which may carry an
    overlay key or a token), the status and the time taken.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response["X-Request-ID"] = request.request_id
        response["X-Process-Time"] = f"{elapsed_ms:.2f}ms"
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        request_logger.info(
            "%s %s %s %.1fms id=%s",
            request.method, request.path, response.status_code, elapsed_ms, request.request_id,
        )
        return response


class ReadTokensTogetherMiddleware:
    """A request's read tokens share one statement (`core.read_tokens.together`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with read_tokens.together():
            return self.get_response(request)


# What stays up with ENABLE_DASHBOARD=false: the overlays' read of a graphic, by route name.
OVERLAY_VIEW_ROUTE = "graphic-view"


def _is_overlay_view(path: str) -> bool:
    try:
        return resolve(path).url_name == OVERLAY_VIEW_ROUTE
    except Resolver404:
        return False


def _resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


class ApiGuardMiddleware:
    """What every route shares before a view runs.

    - Paths answer with and without a trailing slash (no redirect, so a POST keeps its body),
      and `/api/v1/v1/<path>` exactly as `/api/v1/<path>`.
    - Under /api/ and /auth/: bodies over the limit get 413, unknown routes and crashes get
      the JSON error envelope instead of an HTML page.
    - `ENABLE_DASHBOARD=false` turns /api/v1/ off (503); the overlay view stays up.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith(DOUBLED_API_PREFIX):
            # The dashboard's relative fetches arrive through its own rewrite with the prefix
            # doubled; they are answered exactly as the single prefix (and stay out of the schema).
            path = request.path_info = "/api/v1/" + path[len(DOUBLED_API_PREFIX):]
            request.path = f"{request.META.get('SCRIPT_NAME', '').rstrip('/')}{path}"
        if not _resolves(path):
            toggled = path[:-1] if path.endswith("/") else f"{path}/"
            if len(toggled) > 1 and _resolves(toggled):
                request.path_info = toggled
        if not is_api_path(path):
            return self.get_response(request)

        if not settings.ENABLE_DASHBOARD and path.startswith("/api/v1/") and not _is_overlay_view(
            request.path_info
        ):
            return JsonResponse(
                error_body("The dashboard API is disabled on this server.", "dashboard_disabled"),
                status=503,
            )
        if request.META.get("HTTP_TRANSFER_ENCODING") and not request.META.get("CONTENT_LENGTH"):
            # Django and DRF read a body only up to its Content-Length: without one the change
            # would be lost while the request succeeds. daphne (core.server) supplies it.
            return JsonResponse(
                error_body("A request body needs a Content-Length.", "length_required"),
                status=411,
            )
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_BODY_MAX_BYTES:
            return JsonResponse(
                error_body(
                    f"Request body is too large ({length} bytes; the limit is "
                    f"{settings.REQUEST_BODY_MAX_BYTES}).",
                    "payload_too_large",
                ),
                status=413,
            )
        response = self.get_response(request)
        if response.status_code == 404 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return JsonResponse(
                error_body(f"No route matches {request.method} {path}.", "not_found"), status=404
            )
        return response

    def process_exception(self, request, exception):
        if not is_api_path(request.path_info):
            return None
        logging.getLogger("galdash.errors").exception(
            "Unhandled error on %s %s", request.method, request.path
        )
        return JsonResponse(
            error_body("Internal server error; it has been logged.", "server_error"), status=500
        )


class AllowedHostMiddleware:
    """A Host outside ALLOWED_HOSTS answers 400 before anything else asks for it: the JSON
    envelope under /api/ and /auth/, plain text elsewhere, and one warning line in the log
    instead of Django's traceback."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            request.get_host()
        except DisallowedHost:
            host = request.META.get("HTTP_HOST", "")
            logging.getLogger("galdash.security").warning(
                "Refused %s %s: Host %r is not in ALLOWED_HOSTS", request.method, request.path, host[:200])
            detail = "The Host header names a host this server does not serve."
            if is_api_path(request.path_info):
                return JsonResponse(error_body(detail, "bad_host"), status=400)
            return HttpResponseBadRequest(detail, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

