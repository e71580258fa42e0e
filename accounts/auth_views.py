from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

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
from accounts.tokens import OptionalTokenAuthentication, TokenAuthentication


class MasterLoginView(APIView):
    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(request=MasterLoginInput, responses=TokenPairOutput, tags=["auth"])
    def post(self, request):
        body = MasterLoginInput(data=request.data)
        body.is_valid(raise_exception=True)
        # The Django request: django-axes marks a locked-out client on it (429 on the way out).
        return Response(services.login_with_master_password(
            request=request._request, password=body.validated_data["master_password"]))


class PasswordLoginView(APIView):
    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(request=PasswordLoginInput, responses=TokenPairOutput, tags=["auth"])
    def post(self, request):
        body = PasswordLoginInput(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(services.login_with_password(
            request=request._request, username=body.validated_data["username"],
            password=body.validated_data["password"]))


class RefreshView(APIView):
    authentication_classes = [TokenAuthentication]  # tokens come from tokens, never from an admin session
    permission_classes = [permissions.AllowAny]

    @extend_schema(request=RefreshInput, responses=TokenPairOutput, tags=["auth"])
    def post(self, request):
        body = RefreshInput(data=request.data or {})
        body.is_valid(raise_exception=True)
        return Response(services.tokens_refresh(
            refresh_token=body.validated_data.get("refresh_token"), user=request.user))


class LogoutView(APIView):
    # Logging out with an expired or refused access token still works (as anyone).
    authentication_classes = [OptionalTokenAuthentication]
    permission_classes = [permissions.AllowAny]

    @extend_schema(request=RefreshInput, responses=MessageOutput, tags=["auth"])
    def post(self, request):
        body = RefreshInput(data=request.data or {})
        body.is_valid(raise_exception=True)
        services.logout(refresh_token=body.validated_data.get("refresh_token"),
                        user=request.user if request.user.is_authenticated else None)
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
