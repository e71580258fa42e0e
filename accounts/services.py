"""Logins, tokens and the audit log of login attempts."""

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import AuthLog, User
from accounts.roles import can_write, roles_of
from accounts.tokens import ISSUED_AT_CLAIM, revoked
from core.errors import DomainError, Unavailable


class AuthenticationFailed(DomainError):
    status = 401
    code = "authentication_failed"


def token_pair_for(user: User) -> dict:
    """A fresh refresh/access pair carrying `user_id` (the primary key), `roles` and
    `read_only`."""
    refresh = RefreshToken.for_user(user)
    refresh[ISSUED_AT_CLAIM] = refresh.current_time.timestamp()
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


def record_attempt(*, request, user: User | None, username: str, method: str,
                   success: bool) -> AuthLog:
    meta = request.META if request is not None else {}
    return AuthLog.objects.create(
        user=user, username=(username or "")[:150], method=method,
        ip=meta.get("REMOTE_ADDR") or None, user_agent=meta.get("HTTP_USER_AGENT", "")[:300],
        success=success,
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


def login_with_master_password(*, request, password: str) -> dict:
    """Log in as the shared dashboard account. 503 when no master password is configured,
    401 on a wrong one (or a deactivated account); failures are counted and logged by
    `accounts.logins`, a locked-out client gets 429 there."""
    if not settings.DASHBOARD_MASTER_PASSWORD:
        raise Unavailable(
            "Master-password login is disabled: DASHBOARD_MASTER_PASSWORD is not set.",
            code="master_password_disabled",
        )
    user = authenticate(request, master_password=password)
    if user is None:
        raise AuthenticationFailed("Invalid master password.")
    record_attempt(request=request, user=user, username=user.username, method="master_password",
                   success=True)
    return token_pair_for(user)


def login_with_password(*, request, username: str, password: str) -> dict:
    """Log in a personal staff account; 401 otherwise (counted and logged by
    `accounts.logins`)."""
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise AuthenticationFailed("Invalid username or password.")
    record_attempt(request=request, user=user, username=username, method="password",
                   success=True)
    return token_pair_for(user)


def _active_user(user_id) -> User:
    valid = isinstance(user_id, (int, str)) and str(user_id).isdigit()
    user = User.objects.filter(pk=int(user_id), is_active=True).first() if valid else None
    if user is None:
        raise AuthenticationFailed("The account of this token no longer exists or is inactive.",
                                   code="user_inactive")
    return user


def tokens_refresh(*, refresh_token: str | None, user: User | None) -> dict:
    """New token pair from a refresh token or, as the existing dashboard does, from a
    still-valid access token (`user`). A refresh token is rotated exactly once: its blacklist
    row is unique, so of parallel replays one wins and the others get 401. Tokens issued
    before the account's last logout with a bearer token are refused."""
    if refresh_token:
        try:
            refresh = RefreshToken(refresh_token)
        except TokenError as error:
            raise AuthenticationFailed(f"Refresh token refused: {error}.",
                                       code="token_not_valid") from error
        owner = _active_user(refresh.get(settings.SIMPLE_JWT["USER_ID_CLAIM"]))
        if revoked(refresh, owner):
            raise AuthenticationFailed("This token was issued before the account logged out.",
                                       code="token_revoked")
        with transaction.atomic(durable=True):
            outstanding = OutstandingToken.objects.filter(jti=refresh["jti"]).first()
            try:
                with transaction.atomic():
                    BlacklistedToken.objects.create(token=outstanding)
            except IntegrityError as error:  # another request rotated it first (or no row)
                raise AuthenticationFailed("Refresh token refused: it was already used.",
                                           code="token_not_valid") from error
            return token_pair_for(owner)
    if user is not None and user.is_authenticated:
        return token_pair_for(user)
    raise AuthenticationFailed("Send a refresh_token or a valid bearer access token.",
                               code="not_authenticated")


def logout(*, refresh_token: str | None, user: User | None = None) -> None:
    """Blacklist the refresh token when one is sent; an empty logout succeeds. With a valid
    bearer token (`user`), every token of that account issued until now is refused from here
    on (REST, refresh, sockets) and its outstanding refresh tokens are blacklisted."""
    if refresh_token:
        try:
            RefreshToken(refresh_token).blacklist()
        except TokenError:
            pass  # already invalid or blacklisted: the session is over either way
    if user is None or not user.is_authenticated:
        return
    now = timezone.now()
    with transaction.atomic(durable=True):
        User.objects.filter(pk=user.pk).update(tokens_valid_after=now)
        live = OutstandingToken.objects.filter(user_id=user.pk, expires_at__gt=now,
                                               blacklistedtoken__isnull=True)
        BlacklistedToken.objects.bulk_create([BlacklistedToken(token=token) for token in live],
                                             ignore_conflicts=True)
