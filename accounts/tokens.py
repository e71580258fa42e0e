"""How a request's bearer token becomes a user, and when a token no longer may."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken

ISSUED_AT_CLAIM = "issued_at"  # the issue time to the microsecond (`iat` is whole seconds)


def issued_at(token) -> float:
    return float(token.get(ISSUED_AT_CLAIM, token.get("iat", 0)))


def revoked(token, user) -> bool:
    """Issued before the account's last logout with a bearer token."""
    cut_off = user.tokens_valid_after
    return cut_off is not None and issued_at(token) < cut_off.timestamp()


class TokenAuthentication(JWTAuthentication):
    """simplejwt's access-token authentication (the token names its user by primary key; an
    inactive or deleted user is refused), refusing tokens issued before a logout."""

    def get_user(self, validated_token):
        user = super().get_user(validated_token)
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
