"""Who may do what, from the league roles (`accounts.roles`): DRF permissions for the API and
the admin's `RolePermissions`."""

from rest_framework import permissions

from accounts.roles import can_write, is_administrator, roles_of


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


class RolePermissions:
    """Admin pages follow the league roles: any role reads, Editor and Administrator write."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and bool(roles_of(request.user))

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, *args):
        return self.has_module_permission(request) and can_write(request.user)

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request) and is_administrator(request.user)
