"""JWT authentication that loads a token's user from the database only when users changed.

The active user a valid access token names is kept in this process with the accounts read
token (`accounts.models.ReadToken`, see `core.read_tokens`: database triggers change it in the
transaction of every write to a user, a user's groups or a group, from any process) and used
again only while a fresh read of the token answers the same. One indexed read of a one-row
table replaces loading the user and their roles, and a user deactivated, deleted or given other
roles by any process is refused or re-read by the very next request in every process. Each
request gets its own copy of the user. Inactive or unknown users are never kept.
"""

from django.conf import settings
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.utils import get_md5_hash_password

from accounts.models import ReadToken, User
from accounts.roles import roles_of
from core import read_tokens
from core.token_cache import TokenCache

_FIELDS = tuple(field.attname for field in User._meta.concrete_fields)
# (field values in _FIELDS order, league roles) by the token's user id.
_users = TokenCache(max_bytes=settings.TOKEN_USERS_KEPT * 1024, size=lambda kept: 1024)


def _copy(kept) -> User:
    values, roles = kept
    user = User.from_db("default", _FIELDS, values)
    user._league_roles = list(roles)
    return user


class TokenUserAuthentication(JWTAuthentication):
    """`JWTAuthentication` whose `get_user` answers a kept copy while users are unchanged."""

    def get_user(self, validated_token) -> User:
        user_id = validated_token.get(api_settings.USER_ID_CLAIM)
        token = read_tokens.current(ReadToken)
        kept = _users.get(user_id, token) if user_id is not None else None
        if kept is None:
            user = super().get_user(validated_token)  # refuses unknown and inactive users
            roles_of(user)
            kept = (tuple(getattr(user, name) for name in _FIELDS), tuple(user._league_roles))
            _users.put(user_id, token, kept)
            return user
        user = _copy(kept)
        if api_settings.CHECK_REVOKE_TOKEN and validated_token.get(
                api_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(user.password):
            raise AuthenticationFailed("The user's password has been changed.", code="password_changed")
        return user
