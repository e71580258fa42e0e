"""Admin conventions every app's ModelAdmin follows.

- `LeagueRoleAdmin`: access follows the league roles, as the API's permissions do: any role
  reads, `write_role` and above add and change, `delete_role` and above delete; staff without a
  league role see nothing. Roles rank Administrator > Editor > Viewer (`accounts.roles`).
- `ServiceTransactions`: the services open their own (durable) transaction, so the admin must
  not wrap its saves and deletes in one; a service refusing after the form's checks (a race) is
  shown as a message.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from accounts.roles import ADMINISTRATOR, EDITOR, VIEWER, has_role
from galdash.errors import DomainError

# A refusal a user can act on; PermissionDenied stays a 403.
SERVICE_ERRORS = (DomainError, ValidationError)


def error_text(error: Exception) -> str:
    """A service refusal as one line for an admin message."""
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return "; ".join(f"{field}: {message}" for field, problems in error.message_dict.items()
                             for message in problems)
        return "; ".join(error.messages)
    return str(getattr(error, "detail", None) or error)


class LeagueRoleAdmin:
    """Admin access by league role; `None` as a role means nobody (a read-only page)."""

    view_role: str | None = VIEWER
    write_role: str | None = EDITOR
    delete_role: str | None = ADMINISTRATOR

    @staticmethod
    def _allows(request, role: str | None) -> bool:
        user = request.user
        return role is not None and user.is_active and user.is_staff and has_role(user, role)

    def has_module_permission(self, request):
        return self._allows(request, self.view_role)

    def has_view_permission(self, request, obj=None):
        return self._allows(request, self.view_role)

    def has_add_permission(self, request, *args):
        return self._allows(request, self.write_role)

    def has_change_permission(self, request, obj=None):
        return self._allows(request, self.write_role)

    def has_delete_permission(self, request, obj=None):
        return self._allows(request, self.delete_role)


class ReadOnlyAdmin(LeagueRoleAdmin):
    """A record nobody edits by hand (logs, corrections, snapshots)."""

    write_role = None
    delete_role = None


class AdministratorAdmin(LeagueRoleAdmin):
    """Staff management and security records: Administrators only."""

    view_role = ADMINISTRATOR
    write_role = ADMINISTRATOR
    delete_role = ADMINISTRATOR


class ServiceTransactions:
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return self._changeform_view(request, object_id, form_url, extra_context)
        except SERVICE_ERRORS as error:
            self.message_user(request, error_text(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return self._delete_view(request, object_id, extra_context)
        except SERVICE_ERRORS as error:
            self.message_user(request, error_text(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def with_league_roles(model_admin_class: type[admin.ModelAdmin],
                      roles: type[LeagueRoleAdmin] = AdministratorAdmin) -> type[admin.ModelAdmin]:
    """A third-party ModelAdmin (auth groups, token blacklist) under the league roles."""
    return type(model_admin_class.__name__, (roles, model_admin_class), {})
