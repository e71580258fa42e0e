"""Staff and members: Administrators manage accounts and roles; every league role can look a
member up (the registrations of a tournament pick members)."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import AuthLog, User
from accounts.permissions import AdministratorAdmin, with_league_roles
from accounts.roles import ADMINISTRATOR, VIEWER


@admin.register(User)
class UserAdmin(AdministratorAdmin, BaseUserAdmin):
    view_role = VIEWER
    list_display = ("username", "display_name", "discord_id", "riot_id", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "is_superuser", "groups")
    search_fields = ("username", "display_name", "discord_id", "riot_id", "email")
    fieldsets = BaseUserAdmin.fieldsets + (
        ("League member", {"fields": ("display_name", "discord_id", "riot_id", "puuid")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        ("League member", {"fields": ("display_name", "discord_id", "riot_id")}),
    )


@admin.register(AuthLog)
class AuthLogAdmin(AdministratorAdmin, admin.ModelAdmin):
    write_role = None
    delete_role = ADMINISTRATOR
    list_display = ("created_at", "username", "method", "success", "ip", "user_agent")
    list_filter = ("success", "method")
    search_fields = ("username", "ip", "user_agent")
    list_select_related = ("user",)
    readonly_fields = [f.name for f in AuthLog._meta.fields]


# Other apps' pages (registered before this module: their apps come first in INSTALLED_APPS):
# staff management and security records, Administrators only.
for model in (Group, OutstandingToken, BlacklistedToken, AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(model):
        model_admin = type(admin.site.get_model_admin(model))
        admin.site.unregister(model)
        admin.site.register(model, with_league_roles(model_admin))
