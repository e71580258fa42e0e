"""Logins, tokens and the audit log of login attempts."""

import hmac

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.db import transaction
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import AuthLog, User
from accounts.roles import can_write, roles_of
from core.errors import DomainError, Unavailable


class AuthenticationFailed(DomainError):
    status = 401
    code = "authentication_failed"


def token_pair_for(user: User) -> dict:
    """A fresh refresh/access pair carrying `sub`, `roles` and `read_only`."""
    refresh = RefreshToken.for_user(user)
    refresh["roles"] = roles_of(user)
    refresh["read_only"] = not can_write(user)
    access = refresh.access_token
    return {
        "access_token": str(access),
        "refresh_token": str(refresh),
        "token_type": "bearer",
        "expires_in": int(settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()),
        "username": user.username,
        "roles": refresh["roles"],
    }


def auth_log_record(*, user: User | None, username: str, method: str, ip: str | None,
                    user_agent: str, success: bool) -> AuthLog:
    return AuthLog.objects.create(
        user=user, username=username[:150], method=method, ip=ip or None,
        user_agent=user_agent[:300], success=success,
    )


def dashboard_account() -> User:
    """The shared account behind the master password, with the role from settings."""
    with transaction.atomic():
        user, created = User.objects.get_or_create(
            username=settings.DASHBOARD_ACCOUNT_USERNAME,
            defaults={"display_name": "Dashboard", "is_staff": False},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            group, _ = Group.objects.get_or_create(name=settings.DASHBOARD_ACCOUNT_ROLE)
            user.groups.add(group)
    return user


def login_with_master_password(*, password: str, ip: str | None, user_agent: str) -> dict:
    """Log in as the shared dashboard account. 503 when no master password is configured,
    401 (and a failed AuthLog row) on a wrong one; the comparison is constant-time."""
    expected = settings.DASHBOARD_MASTER_PASSWORD
    if not expected:
        raise Unavailable(
            "Master-password login is disabled: DASHBOARD_MASTER_PASSWORD is not set.",
            code="master_password_disabled",
        )
    username = settings.DASHBOARD_ACCOUNT_USERNAME
    if not hmac.compare_digest(password.encode(), expected.encode()):
        auth_log_record(user=None, username=username, method="master_password", ip=ip,
                        user_agent=user_agent, success=False)
        raise AuthenticationFailed("Invalid master password.")
    user = dashboard_account()
    if not user.is_active:
        auth_log_record(user=user, username=username, method="master_password", ip=ip,
                        user_agent=user_agent, success=False)
        raise AuthenticationFailed("The dashboard account is deactivated.")
    auth_log_record(user=user, username=username, method="master_password", ip=ip,
                    user_agent=user_agent, success=True)
    return token_pair_for(user)


def login_with_password(*, username: str, password: str, ip: str | None,
                        user_agent: str) -> dict:
    """Log in a personal staff account; 401 and a failed AuthLog row otherwise."""
    user = authenticate(username=username, password=password)
    if user is None:
        known = User.objects.filter(username=username).first()
        auth_log_record(user=known, username=username, method="password", ip=ip,
                        user_agent=user_agent, success=False)
        raise AuthenticationFailed("Invalid username or password.")
    auth_log_record(user=user, username=username, method="password", ip=ip,
                    user_agent=user_agent, success=True)
    return token_pair_for(user)


def _active_user(username: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise AuthenticationFailed("The account of this token no longer exists or is inactive.",
                                   code="user_inactive")
    return user


def tokens_refresh(*, refresh_token: str | None, user: User | None) -> dict:
    """New token pair from a refresh token (rotated: the old one is blacklisted) or, as the
    existing dashboard does, from a still-valid access token (`user`)."""
    if refresh_token:
        try:
            refresh = RefreshToken(refresh_token)
        except TokenError as error:
            raise AuthenticationFailed(f"Refresh token refused: {error}.",
                                       code="token_not_valid") from error
        owner = _active_user(refresh[settings.SIMPLE_JWT["USER_ID_CLAIM"]])
        refresh.blacklist()
        return token_pair_for(owner)
    if user is not None and user.is_authenticated:
        return token_pair_for(user)
    raise AuthenticationFailed("Send a refresh_token or a valid bearer access token.",
                               code="not_authenticated")


def logout(*, refresh_token: str | None) -> None:
    """Blacklist the refresh token when one is sent; an empty logout succeeds."""
    if not refresh_token:
        return
    try:
        RefreshToken(refresh_token).blacklist()
    except TokenError:
        pass  # already invalid or blacklisted: the session is over either way
