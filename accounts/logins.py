"""Login attempts: the master-password backend, the failed-login limit (django-axes) and the
audit log of every attempt, API and admin alike.

Every login goes through `django.contrib.auth.authenticate`, so django-axes counts failures
per account and per client address and refuses a locked one before any password is checked.
Successful logins never count. AuthLog gets one row per attempt: failures (refused ones
included) from Django's `user_login_failed` signal, admin logins from `user_logged_in`, token
logins from the login services.
"""

import hmac

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape

from accounts.models import User
from accounts.services import dashboard_account, record_attempt
from core.api import error_body
from core.middleware import is_api_path


class MasterPasswordBackend:
    """`authenticate(request, master_password=...)`: the shared dashboard account, when the
    password equals DASHBOARD_MASTER_PASSWORD (compared in constant time) and the account is
    active."""

    def authenticate(self, request, master_password: str | None = None):
        expected = settings.DASHBOARD_MASTER_PASSWORD
        if master_password is None or not expected:
            return None
        if not hmac.compare_digest(master_password.encode(), expected.encode()):
            return None
        user = dashboard_account()
        return user if user.is_active else None

    def get_user(self, user_id):
        return User.objects.filter(pk=user_id).first()


def attempted_username(request, credentials: dict | None) -> str | None:
    """The account an attempt is counted against (AXES_USERNAME_CALLABLE): the name typed, or
    the dashboard account for the master password."""
    if credentials:
        if "master_password" in credentials:
            return settings.DASHBOARD_ACCOUNT_USERNAME
        return credentials.get("username")
    return request.POST.get("username")


def cool_off_seconds(request=None) -> int:
    return int(get_cool_off(request).total_seconds())


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """429 with Retry-After (AXES_LOCKOUT_CALLABLE): the API's error envelope under /api/ and
    /auth/, a short page for the admin."""
    seconds = cool_off_seconds(request)
    detail = f"Too many failed logins; try again in {seconds} seconds."
    if is_api_path(request.path_info):
        response = JsonResponse(error_body(detail, "throttled"), status=429)
    else:
        response = HttpResponse(f"<!doctype html><title>Too many failed logins</title>"
                                f"<p>{escape(detail)}</p>", status=429)
    response["Retry-After"] = str(seconds)
    return response


def _method(request, credentials: dict) -> str:
    if "master_password" in credentials:
        return "master_password"
    if request is not None and request.path_info.startswith("/admin/"):
        return "admin"
    return "password"


@receiver(user_login_failed, dispatch_uid="accounts.auth_log.failed")
def _log_failure(sender, credentials, request=None, **kwargs):
    username = attempted_username(request, credentials) or ""
    record_attempt(request=request, user=User.objects.filter(username=username).first(),
                   username=username, method=_method(request, credentials), success=False)


@receiver(user_logged_in, dispatch_uid="accounts.auth_log.session")
def _log_session_login(sender, request, user, **kwargs):
    record_attempt(request=request, user=user, username=user.get_username(), method="admin",
                   success=True)
