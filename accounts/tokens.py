"""How a request's bearer token becomes a user, and when a token no longer may.

The active user a valid access token names is kept in this process with the accounts read
token (`accounts.models.ReadToken`, see `core.read_tokens`: database triggers change it in the
transaction of every write to a user, a user's groups or a group, from any process) and used
again only while a fresh read of the token answers the same. One indexed read of a one-row
table replaces loading the user and their roles, and a user deactivated, deleted, logged out or
given other roles by any process is refused or re-read by the very next request in every
process. Each request gets its own copy of the user. Inactive or unknown users are never kept.

A token whose signature and claims checked out is kept too (`_verified`): checking them again is
the same answer for the same text until it expires, which is checked on every use.
"""

from functools import lru_cache

from django.conf import settings
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import AccessToken, Token, TokenError
from rest_framework_simplejwt.utils import aware_utcnow

from accounts.models import ReadToken, User
from accounts.roles import roles_of
from core import read_tokens
from core.token_cache import TokenCache

ISSUED_AT_CLAIM = "issued_at"  # the issue time to the microsecond (`iat` is whole seconds)


def issued_at(token) -> float:
    return float(token.get(ISSUED_AT_CLAIM, token.get("iat", 0)))


def revoked(token, user) -> bool:
    """Issued before the account's last logout with a bearer token."""
    cut_off = user.tokens_valid_after
    return cut_off is not None and issued_at(token) < cut_off.timestamp()


_FIELDS = tuple(field.attname for field in User._meta.concrete_fields)
# (field values in _FIELDS order, league roles) by the token's user id.
_users = TokenCache(max_bytes=settings.TOKEN_USERS_KEPT * 1024, size=lambda kept: 1024)


def _copy(kept) -> User:
    values, roles = kept
    user = User.from_db("default", _FIELDS, values)
    user._league_roles = list(roles)
    return user


@lru_cache(maxsize=4096)
def _verified(raw_token: bytes) -> AccessToken:
    """The access token if its signature and claims are valid (TokenError if not: not kept)."""
    return AccessToken(raw_token)


class TokenAuthentication(JWTAuthentication):
    """simplejwt's access-token authentication (the token names its user by primary key; an
    inactive or deleted user is refused), refusing tokens issued before a logout; the user and
    the checked token are kept (above)."""

    def get_validated_token(self, raw_token: bytes) -> Token:
        try:
            token = _verified(raw_token)
            token.check_exp(current_time=aware_utcnow())  # now, not when it was first checked
            return token
        except TokenError:  # simplejwt's own check answers why
            return super().get_validated_token(raw_token)

    def _user(self, validated_token) -> User:
        user_id = validated_token.get(api_settings.USER_ID_CLAIM)
        token = read_tokens.current(ReadToken)
        kept = _users.get(user_id, token) if user_id is not None else None
        if kept is not None:
            return _copy(kept)
        user = super().get_user(validated_token)  # refuses unknown and inactive users
        if token is not None:  # kept: its roles are read now, once, instead of by each request
            _users.put(user_id, token, (tuple(getattr(user, name) for name in _FIELDS),
                                        tuple(roles_of(user))))
        return user

    def get_user(self, validated_token):
        user = self._user(validated_token)
        if revoked(validated_token, user):
            raise AuthenticationFailed("This token was issued before the account logged out.",
                                       code="token_revoked")
        return user


class OptionalTokenAuthentication(TokenAuthentication):
    """For routes that answer anyone and a little more to a token holder: a missing, expired
    or refused token reads the route as anyone does, never a 401 (a public page, a logout)."""

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except (AuthenticationFailed, InvalidToken):
            return None


class TokenScheme(SimpleJWTScheme):
    """In the OpenAPI schema: simplejwt's bearer JWT (`jwtAuth`)."""

    target_class = "accounts.tokens.TokenAuthentication"


class OptionalTokenScheme(SimpleJWTScheme):
    """The same bearer JWT where a route also answers anyone (`jwtAuthOptional`)."""

    target_class = "accounts.tokens.OptionalTokenAuthentication"
    name = "jwtAuthOptional"
