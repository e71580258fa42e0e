"""The Django admin for graphics: another caller of `graphics.services`, so an admin edit
takes locks into account, bumps the version, keeps a revision and reaches the overlays."""

import json

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from simple_history.admin import SimpleHistoryAdmin

from accounts.permissions import LeagueRoleAdmin, ReadOnlyAdmin
from accounts.roles import is_administrator
from core.admin import SERVICE_ERRORS, ServiceTransactions, error_text
from core.errors import DomainError
from graphics import payloads, selectors, services
from graphics.canvas import canvas_clean
from graphics.models import ArchiveEntry, CanvasLock, Graphic
from realtime.presence import overlay_clients


def _admin_session(request) -> str:
    """The lock session of an admin page: the admin never holds a canvas lock, so any live
    lock refuses its writes."""
    return f"admin:{request.user.pk}"


def _clean_up_expired_locks(model_admin: admin.ModelAdmin, request) -> None:
    count = services.locks_cleanup()
    model_admin.message_user(request, f"Removed {count} expired lock(s).", messages.SUCCESS)


def _lock_text(lock: CanvasLock) -> str:
    until = timezone.localtime(lock.expires_at).strftime("%H:%M:%S %Z")
    return f"{lock.locked_by or 'another session'} until {until}"


class CanvasField(forms.JSONField):
    """data_json as indented JSON, checked against the canvas shape of DESIGN 7.1."""

    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, indent=2, ensure_ascii=False)

    def validate(self, value):
        super().validate(value)
        try:
            canvas_clean(value)
        except ValidationError as error:
            raise ValidationError([f"{field.removeprefix('data_json.')}: {message}"
                                   for field, messages_ in error.message_dict.items()
                                   for message in messages_])
        except DomainError as error:
            raise ValidationError(error.detail)


class GraphicForm(forms.ModelForm):
    data_json = CanvasField(widget=forms.Textarea(attrs={
        "rows": 28, "cols": 100, "spellcheck": "false", "class": "canvas-json",
        "style": "font-family: monospace; width: 95%;"}))
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Graphic
        fields = ("title", "event_name", "tournament", "data_json")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            lock = selectors.live_lock_of(self.instance.pk)
            if lock is not None:
                raise ValidationError(
                    f"This graphic is locked by {_lock_text(lock)}; save again when the lock is "
                    "released (or break it from the Canvas locks page).")
            loaded = cleaned.get("loaded_version")
            current = Graphic.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            if loaded is not None and current != loaded:
                raise ValidationError(
                    f"Someone saved this graphic meanwhile (version {current}, you loaded {loaded}); "
                    "reload the page and apply your change again.")
        return cleaned


class ArchiveEntryInline(ReadOnlyAdmin, admin.TabularInline):
    model = ArchiveEntry
    fields = ("created_at", "action", "username", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False


@admin.register(Graphic)
class GraphicAdmin(LeagueRoleAdmin, ServiceTransactions, SimpleHistoryAdmin):
    form = GraphicForm
    change_form_template = "admin/graphics/graphic/change_form.html"
    list_display = ("title", "event_name", "on_air", "archived", "lock_holder", "version", "updated_at")
    list_filter = ("on_air", "archived", "event_name", "tournament")
    search_fields = ("title", "event_name")
    list_select_related = ("canvas_lock",)
    readonly_fields = ("version", "on_air", "archived", "archived_at", "lock_holder", "connected_overlays",
                       "created_by_name", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("title", "event_name", "tournament", "data_json", "loaded_version")}),
        ("State", {"fields": ("version", "on_air", "archived", "archived_at", "lock_holder",
                              "connected_overlays", "created_by_name", "created_at", "updated_at")}),
    )
    inlines = [ArchiveEntryInline]
    history_list_display = ["version", "title", "history_change_reason"]
    actions = ["take_on_air", "clear_from_air", "archive", "restore", "duplicate", "rotate_overlay_key",
               "clean_up_expired_locks"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # permanent delete goes one graphic at a time
        return actions

    @admin.display(description="locked by")
    def lock_holder(self, graphic: Graphic) -> str:
        try:
            lock = graphic.canvas_lock
        except CanvasLock.DoesNotExist:
            return "-"
        return _lock_text(lock) if lock.expires_at > timezone.now() else "-"

    @admin.display(description="connected overlays")
    def connected_overlays(self, graphic: Graphic) -> str:
        """What a producer checks before going live: is the OBS source connected and current?"""
        clients = overlay_clients(graphic.pk)
        if not clients:
            return "None connected"
        return format_html_join(
            "\n", "<div>{} · connected {} · last ping {} · showing version {}{}</div>",
            ((client["client"] or "unknown client", client["connected_at"], client["last_ping"] or "-",
              client["version"] if client["version"] is not None else "-",
              "" if client["version"] in (None, graphic.version) else " (stale)")
             for client in clients),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        graphic = Graphic.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if graphic is not None:
            base = settings.PUBLIC_BASE_URL or request.build_absolute_uri("/").rstrip("/")
            extra_context = {**(extra_context or {}),
                             "overlay_url": payloads.overlay_url(graphic, overlay_base=base)}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        fields = form.cleaned_data
        if not change:
            graphic = services.graphic_create(
                user=request.user, title=fields["title"], event_name=fields.get("event_name", ""),
                data_json=fields["data_json"], tournament_id=fields["tournament"].pk if fields["tournament"] else None)
        else:
            changes = {name: fields[name] for name in ("title", "event_name", "data_json")
                       if name in form.changed_data}
            if "tournament" in form.changed_data:
                changes["tournament_id"] = fields["tournament"].pk if fields["tournament"] else None
            graphic = services.graphic_update(
                graphic_id=obj.pk, user=request.user, changes=changes, session_id=_admin_session(request),
                expected_version=fields.get("loaded_version"))
        obj.pk = graphic.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        services.graphic_delete_permanently(graphic_id=obj.pk, user=request.user,
                                            session_id=_admin_session(request))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Reverting saves the revision through the services as a new revision."""
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        if not self.has_change_permission(request):
            raise PermissionDenied
        try:
            graphic = services.graphic_revision_restore(graphic_id=object_id, history_id=version_id,
                                                        user=request.user, session_id=_admin_session(request))
        except SERVICE_ERRORS as error:
            self.message_user(request, error_text(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        self.message_user(request, f"Reverted; {graphic} is now at version {graphic.version}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:graphics_graphic_change", args=[graphic.pk]))

    def _each(self, request, queryset, verb: str, call) -> None:
        done = 0
        for graphic in queryset:
            try:
                call(graphic)
                done += 1
            except SERVICE_ERRORS as error:
                self.message_user(request, f"{graphic}: {error_text(error)}", messages.ERROR)
        if done:
            self.message_user(request, f"{verb} {done} graphic(s).", messages.SUCCESS)

    @admin.action(description="Take on air", permissions=["change"])
    def take_on_air(self, request, queryset):
        self._each(request, queryset, "Took on air", lambda g: services.graphic_set_on_air(
            graphic_id=g.pk, user=request.user, on_air=True))

    @admin.action(description="Clear from air", permissions=["change"])
    def clear_from_air(self, request, queryset):
        self._each(request, queryset, "Cleared", lambda g: services.graphic_set_on_air(
            graphic_id=g.pk, user=request.user, on_air=False))

    @admin.action(description="Archive", permissions=["change"])
    def archive(self, request, queryset):
        self._each(request, queryset, "Archived", lambda g: services.graphic_archive(
            graphic_id=g.pk, user=request.user, reason="archived from the admin",
            session_id=_admin_session(request)))

    @admin.action(description="Restore from the archive", permissions=["change"])
    def restore(self, request, queryset):
        self._each(request, queryset, "Restored", lambda g: services.graphic_restore(
            graphic_id=g.pk, user=request.user))

    @admin.action(description="Duplicate", permissions=["change"])
    def duplicate(self, request, queryset):
        self._each(request, queryset, "Duplicated", lambda g: services.graphic_duplicate(
            graphic_id=g.pk, user=request.user))

    @admin.action(description="Rotate overlay key (cuts off the old overlay URL)", permissions=["change"])
    def rotate_overlay_key(self, request, queryset):
        self._each(request, queryset, "Rotated the overlay key of", lambda g: services.graphic_overlay_key_rotate(
            graphic_id=g.pk, user=request.user))

    @admin.action(description="Clean up expired locks (all graphics)", permissions=["delete"])
    def clean_up_expired_locks(self, request, queryset):
        _clean_up_expired_locks(self, request)


@admin.register(CanvasLock)
class CanvasLockAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("graphic", "locked_by", "locked_at", "expires_at", "live")
    list_select_related = ("graphic",)
    search_fields = ("graphic__title", "locked_by")
    fields = ("graphic", "locked_by", "user", "locked_at", "expires_at")
    readonly_fields = fields
    actions = ["break_locks", "clean_up_expired"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(boolean=True)
    def live(self, lock: CanvasLock) -> bool:
        return lock.expires_at > timezone.now()

    def has_break_permission(self, request):
        return is_administrator(request.user)

    @admin.action(description="Break the selected locks", permissions=["break"])
    def break_locks(self, request, queryset):
        broken = sum(services.lock_break(graphic_id=graphic_id, user=request.user)
                     for graphic_id in queryset.values_list("graphic_id", flat=True))
        self.message_user(request, f"Broke {broken} live lock(s).", messages.SUCCESS)

    @admin.action(description="Clean up expired locks", permissions=["break"])
    def clean_up_expired(self, request, queryset):
        _clean_up_expired_locks(self, request)


@admin.register(ArchiveEntry)
class ArchiveEntryAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("created_at", "graphic_title", "graphic_ref", "action", "username", "reason")
    list_filter = ("action",)
    search_fields = ("graphic_title", "username", "reason")
    readonly_fields = [f.name for f in ArchiveEntry._meta.fields]
