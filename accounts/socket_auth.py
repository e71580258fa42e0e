"""Socket authentication: the dashboard socket's JWT and its origin check."""

from urllib.parse import parse_qs, urlsplit

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http.request import split_domain_port, validate_host
from rest_framework.exceptions import APIException
from rest_framework_simplejwt.authentication import JWTAuthentication

from accounts.roles import roles_of


def query_param(scope, name: str) -> str:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get(name)
    return values[0] if values else ""


def header(scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return ""


@database_sync_to_async
def user_for_token(raw_token: str):
    """The active user an access token names, with roles loaded; `(None, reason)` otherwise."""
    if not raw_token:
        return None, "No token."
    authentication = JWTAuthentication()
    try:
        user = authentication.get_user(authentication.get_validated_token(raw_token.encode()))
    except APIException as error:
        return None, str(error.detail if isinstance(error.detail, str) else "Invalid token.")
    roles_of(user)
    return user, ""


class JwtAuthMiddleware:
    """Puts the user of the access token (path `<token>` or `?token=`) in `scope["user"]`,
    or AnonymousUser and the reason in `scope["auth_error"]`."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        raw_token = scope.get("url_route", {}).get("kwargs", {}).get("token") or query_param(
            scope, "token"
        )
        user, reason = await user_for_token(raw_token)
        scope = dict(scope, user=user or AnonymousUser(), auth_error=reason)
        return await self.inner(scope, receive, send)


def origin_allowed(origin: str) -> bool:
    """No Origin (the Discord bot, scripts), a CORS origin, or a page of this site."""
    if not origin:
        return True
    if origin in settings.CORS_ALLOWED_ORIGINS:
        return True
    domain, _port = split_domain_port(urlsplit(origin).netloc)
    return bool(domain) and validate_host(domain, settings.ALLOWED_HOSTS)


class DashboardOriginCheck:
    """Refuses the handshake (HTTP 403) of a browser page from a foreign origin, so another
    site cannot ride a user's token-bearing page."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        if origin_allowed(header(scope, b"origin")):
            return await self.inner(scope, receive, send)
        await receive()  # websocket.connect
        await send({"type": "websocket.close"})
