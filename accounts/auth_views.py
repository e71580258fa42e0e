from drf_spectacular.utils import extend_schema
from rest_framework import permissions, throttling
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.authentication import JWTAuthentication

from accounts import services
from accounts.roles import can_write, roles_of
from accounts.serializers import (
    MasterLoginInput,
    MessageOutput,
    PasswordLoginInput,
    RefreshInput,
    TokenPairOutput,
    VerifyOutput,
)


class LoginThrottle(throttling.SimpleRateThrottle):
    """Login attempts per client IP."""

    scope = "login"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def _client(request) -> dict:
    return {
        "ip": request.META.get("REMOTE_ADDR"),
        "user_agent": request.headers.get("User-Agent", ""),
    }


class MasterLoginView(APIView):
    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [LoginThrottle]

    @extend_schema(request=MasterLoginInput, responses=TokenPairOutput, tags=["auth"])
    def post(self, request):
        body = MasterLoginInput(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(services.login_with_master_password(
            password=body.validated_data["master_password"], **_client(request)))


class PasswordLoginView(APIView):
    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [LoginThrottle]

    @extend_schema(request=PasswordLoginInput, responses=TokenPairOutput, tags=["auth"])
    def post(self, request):
        body = PasswordLoginInput(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(services.login_with_password(
            username=body.validated_data["username"],
            password=body.validated_data["password"], **_client(request)))


class RefreshView(APIView):
    authentication_classes = [JWTAuthentication]  # tokens come from tokens, never from an admin session
    permission_classes = [permissions.AllowAny]

    @extend_schema(request=RefreshInput, responses=TokenPairOutput, tags=["auth"])
    def post(self, request):
        body = RefreshInput(data=request.data or {})
        body.is_valid(raise_exception=True)
        return Response(services.tokens_refresh(
            refresh_token=body.validated_data.get("refresh_token"), user=request.user))


class LogoutView(APIView):
    permission_classes = [permissions.AllowAny]

    def get_authenticators(self):
        return []  # logging out with an expired access token must still work

    @extend_schema(request=RefreshInput, responses=MessageOutput, tags=["auth"])
    def post(self, request):
        body = RefreshInput(data=request.data or {})
        body.is_valid(raise_exception=True)
        services.logout(refresh_token=body.validated_data.get("refresh_token"))
        return Response({"message": "Logged out."})


class VerifyView(APIView):
    @extend_schema(responses=VerifyOutput, tags=["auth"])
    def get(self, request):
        user = request.user
        return Response({
            "valid": True,
            "username": user.username,
            "roles": roles_of(user),
            "read_only": not can_write(user),
        })
