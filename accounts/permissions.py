"""Who may do what, from the league roles (`accounts.roles`): DRF permissions for the API and
the admin's `LeagueRoleAdmin`, one convention for both."""

from django.contrib import admin
from rest_framework import permissions

from accounts.roles import ADMINISTRATOR, EDITOR, VIEWER, can_write, has_role, is_administrator


class IsReader(permissions.BasePermission):
    """Any valid token (R)."""

    message = "Authentication credentials were not provided or are invalid."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated)


class IsWriter(IsReader):
    """Administrator or Editor (W)."""

    message = "This action needs the Editor or Administrator role."

    def has_permission(self, request, view):
        return super().has_permission(request, view) and can_write(request.user)


class ReadAnyWriteEditor(IsReader):
    """Safe methods need a token (R); writes need the Editor or Administrator role (W)."""

    message = IsWriter.message

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        return request.method in permissions.SAFE_METHODS or can_write(request.user)


class IsAdministrator(IsReader):
    """Administrator only (A)."""

    message = "This action needs the Administrator role."

    def has_permission(self, request, view):
        return super().has_permission(request, view) and is_administrator(request.user)


class LeagueRoleAdmin:
    """Every ModelAdmin and inline follows the league roles, as the API's permissions do: any
    role reads, `write_role` and above add and change, `delete_role` and above delete; staff
    without a league role see nothing. `None` as a role means nobody (a read-only page). Roles
    rank Administrator > Editor > Viewer."""

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


# The graphics admin's first name for the convention.
RolePermissions = LeagueRoleAdmin


class ReadOnlyAdmin(LeagueRoleAdmin):
    """A record nobody edits by hand (logs, corrections, snapshots)."""

    write_role = None
    delete_role = None


class AdministratorAdmin(LeagueRoleAdmin):
    """Staff management and security records: Administrators only."""

    view_role = ADMINISTRATOR
    write_role = ADMINISTRATOR
    delete_role = ADMINISTRATOR


def with_league_roles(model_admin_class: type[admin.ModelAdmin],
                      roles: type[LeagueRoleAdmin] = AdministratorAdmin) -> type[admin.ModelAdmin]:
    """A third-party ModelAdmin (auth groups, token blacklist) under the league roles."""
    return type(model_admin_class.__name__, (roles, model_admin_class), {})
