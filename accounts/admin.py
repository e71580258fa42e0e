from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import AuthLog, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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
class AuthLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "username", "method", "success", "ip", "user_agent")
    list_filter = ("success", "method")
    search_fields = ("username", "ip", "user_agent")
    list_select_related = ("user",)
    readonly_fields = [f.name for f in AuthLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
