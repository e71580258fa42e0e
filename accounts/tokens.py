"""How a request's bearer token becomes a user."""

from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken


class TokenAuthentication(JWTAuthentication):
    """simplejwt's access-token authentication (the token names its user by primary key)."""


class OptionalTokenAuthentication(TokenAuthentication):
    """For public routes that answer more to a token holder: a missing, expired or refused
    token reads the route as anyone does, never a 401 (a public page must keep working)."""

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except (AuthenticationFailed, InvalidToken):
            return None
