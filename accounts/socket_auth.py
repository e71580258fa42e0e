"""Socket authentication: the dashboard socket's JWT and its origin check."""

from functools import partial
from urllib.parse import parse_qs, urlsplit

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http.request import split_domain_port, validate_host
from rest_framework.exceptions import APIException

from accounts.roles import roles_of
from accounts.tokens import TokenAuthentication


def query_param(scope, name: str) -> str:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get(name)
    return values[0] if values else ""


def header(scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return ""


def _reason(error: APIException) -> str:
    return str(error.detail if isinstance(error.detail, str) else "Invalid token.")


@database_sync_to_async
def user_for_token(raw_token: str):
    """`(user, token, "")` for a valid access token naming an active user (roles loaded);
    `(None, None, reason)` otherwise."""
    if not raw_token:
        return None, None, "No token."
    authentication = TokenAuthentication()
    try:
        token = authentication.get_validated_token(raw_token.encode())
        user = authentication.get_user(token)
    except APIException as error:
        return None, None, _reason(error)
    roles_of(user)
    return user, token, ""


@database_sync_to_async
def session_end_reason(token) -> str:
    """Why a socket opened with `token` may no longer stream ("" while it may): the account
    was deactivated, deleted or logged out since."""
    try:
        TokenAuthentication().get_user(token)
    except APIException as error:
        return _reason(error)
    return ""


class JwtAuthMiddleware:
    """Puts the user of the access token (path `<token>` or `?token=`) in `scope["user"]`,
    or AnonymousUser and the reason in `scope["auth_error"]`; for a valid token also
    `token_expires_at` (epoch seconds) and `session_end_reason`, an async check the socket
    repeats while open."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        raw_token = scope.get("url_route", {}).get("kwargs", {}).get("token") or query_param(
            scope, "token"
        )
        user, token, reason = await user_for_token(raw_token)
        scope = dict(scope, user=user or AnonymousUser(), auth_error=reason)
        if token is not None:
            scope.update(token_expires_at=float(token["exp"]),
                         session_end_reason=partial(session_end_reason, token))
        return await self.inner(scope, receive, send)


DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin_key(origin: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin, the default port filled in; None when malformed."""
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "")
    if scheme not in DEFAULT_PORTS or not host:
        return None
    return scheme, host, port or DEFAULT_PORTS[scheme]


def _own_origin(scope) -> str:
    """The origin of this site's own pages as the browser saw them (behind a TLS proxy,
    `X-Forwarded-Proto: https`, as SECURE_PROXY_SSL_HEADER says)."""
    host = header(scope, b"host")
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return ""
    secure = scope.get("scheme") == "wss" or header(scope, b"x-forwarded-proto") == "https"
    return f"{'https' if secure else 'http'}://{host}"


def origin_allowed(origin: str, scope=None) -> bool:
    """No Origin (the Discord bot, scripts), or an origin equal in scheme, host and port to a
    configured one (CORS_ALLOWED_ORIGINS, CSRF_TRUSTED_ORIGINS) or to this site's own pages."""
    if not origin:
        return True
    key = _origin_key(origin)
    if key is None:
        return False
    allowed = [*settings.CORS_ALLOWED_ORIGINS, *settings.CSRF_TRUSTED_ORIGINS]
    if scope is not None:
        allowed.append(_own_origin(scope))
    return any(key == _origin_key(candidate) for candidate in allowed if candidate)


class DashboardOriginCheck:
    """Refuses the handshake (HTTP 403) of a browser page from a foreign origin, so another
    site cannot ride a user's token-bearing page."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        if origin_allowed(header(scope, b"origin"), scope):
            return await self.inner(scope, receive, send)
        await receive()  # websocket.connect
        await send({"type": "websocket.close"})
