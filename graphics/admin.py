"""The Django admin for graphics: another caller of `graphics.services`, so an admin edit
takes locks into account, bumps the version, keeps a revision and reaches the overlays."""

import json

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from accounts.permissions import LeagueRoleAdmin, ReadOnlyAdmin
from accounts.roles import is_administrator
from core.admin import SERVICE_ERRORS, ServiceTransactions, error_text
from core.errors import DomainError, NotFound
from graphics import payloads, selectors, services
from graphics.canvas import canvas_clean
from graphics.history import revision_changes
from graphics.models import ArchiveEntry, CanvasLock, Graphic
from graphics.overlay import overlay_client_line, tournament_standings
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
        fields = ("title", "event_name", "tournament", "layer", "transition_in", "transition_out",
                  "transition_duration_ms", "data_json")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
        for name in services.PROGRAM_FIELDS:  # left out: the graphic's defaults
            if name in self.fields:
                self.fields[name].required = False

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
    list_display = ("title", "event_name", "program", "archived", "lock_holder", "version", "updated_at")
    list_filter = ("on_air", "layer", "archived", "event_name", "tournament")
    search_fields = ("title", "event_name")
    list_select_related = ("canvas_lock",)
    readonly_fields = ("version", "on_air", "archived", "archived_at", "lock_holder", "connected_overlays",
                       "created_by_name", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("title", "event_name", "tournament", "data_json", "loaded_version")}),
        ("Program", {"fields": ("layer", "transition_in", "transition_out", "transition_duration_ms")}),
        ("State", {"fields": ("version", "on_air", "archived", "archived_at", "lock_holder",
                              "connected_overlays", "created_by_name", "created_at", "updated_at")}),
    )
    inlines = [ArchiveEntryInline]
    history_list_display = ["version", "title"]
    object_history_list_template = "admin/graphics/graphic/object_history_list.html"
    actions = ["take_on_air", "clear_from_air", "archive", "restore", "duplicate", "rotate_overlay_key",
               "clean_up_expired_locks"]

    def history_view(self, request, object_id, extra_context=None):
        if not str(object_id).isdigit():
            raise Http404("No graphic with this id.")
        return super().history_view(request, object_id, extra_context)

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

    def get_list_display(self, request):
        """Readers see what is on air; writers also get the Take / Clear button."""
        if self.has_change_permission(request):
            return self.list_display
        return tuple("program_state" if name == "program" else name for name in self.list_display)

    @admin.display(description="program", ordering="on_air")
    def program_state(self, graphic: Graphic) -> str:
        return f"{'ON AIR' if graphic.on_air else 'off air'} · {graphic.layer}"

    @admin.display(description="program", ordering="on_air")
    def program(self, graphic: Graphic) -> str:
        """On air or not, its layer, and the button that changes it (posts the changelist form to
        the take/clear page)."""
        action = "clear" if graphic.on_air else "take"
        return format_html(
            '<span class="program-state">{}</span> · {} '
            '<button type="submit" class="button program-{}" formaction="{}" formmethod="post">{}</button>',
            "ON AIR" if graphic.on_air else "off air", graphic.layer, action,
            reverse(f"admin:graphics_graphic_{action}", args=[graphic.pk]) + "?next=changelist",
            action.capitalize())

    @admin.display(description="connected overlays")
    def connected_overlays(self, graphic: Graphic) -> str:
        """What a producer checks before going live: is the OBS source connected and current?"""
        return format_html('<div id="connected-overlays">{}</div>', format_html_join(
            "\n", "<div>{}</div>", ((line,) for line in self._overlay_lines(graphic))) or "None connected")

    @staticmethod
    def _overlay_lines(graphic: Graphic) -> list[str]:
        now = timezone.now()
        return [overlay_client_line(client, current_version=graphic.version, now=now)
                for client in overlay_clients(graphic.pk)]

    @staticmethod
    def _program_text(graphic: Graphic) -> str:
        if graphic.on_air:
            return f"ON AIR on layer {graphic.layer}"
        others = selectors.on_air_on_layer(layer=graphic.layer)
        if not others:
            return f"Off air; nothing on air on layer {graphic.layer}"
        titles = ", ".join(other["title"] for other in others)
        return f"Off air; on air on layer {graphic.layer}: {titles} (Take clears it)"

    # Take / Clear and the live state of the change page ----------------------------------------

    def get_urls(self):
        return [
            path("<int:graphic_id>/take/", self.admin_site.admin_view(self.take_view),
                 name="graphics_graphic_take"),
            path("<int:graphic_id>/clear/", self.admin_site.admin_view(self.clear_view),
                 name="graphics_graphic_clear"),
            path("<int:graphic_id>/live/", self.admin_site.admin_view(self.live_view),
                 name="graphics_graphic_live"),
            *super().get_urls(),
        ]

    def _set_on_air(self, request, graphic_id: int, on_air: bool):
        if not self.has_change_permission(request):
            raise PermissionDenied
        try:
            graphic = services.graphic_set_on_air(graphic_id=graphic_id, user=request.user, on_air=on_air)
            self.message_user(request, f"{graphic}: {self._program_text(graphic)}.", messages.SUCCESS)
        except SERVICE_ERRORS as error:
            self.message_user(request, error_text(error), messages.ERROR)
        if request.GET.get("next") == "changelist":
            return HttpResponseRedirect(reverse("admin:graphics_graphic_changelist"))
        return HttpResponseRedirect(reverse("admin:graphics_graphic_change", args=[graphic_id]))

    @method_decorator(require_POST)
    def take_view(self, request, graphic_id: int):
        return self._set_on_air(request, graphic_id, True)

    @method_decorator(require_POST)
    def clear_view(self, request, graphic_id: int):
        return self._set_on_air(request, graphic_id, False)

    def live_view(self, request, graphic_id: int):
        """What the change page's preview follows (polled): the saved graphic, the standings of
        the tournament chosen in the form (`?tournament=`), the program state and the overlays."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            graphic = selectors.graphic_get(graphic_id=graphic_id)
        except NotFound as error:
            raise Http404(error.detail) from error
        tournament_id = graphic.tournament_id
        if "tournament" in request.GET:  # the form's choice, saved or not ("" for none)
            chosen = request.GET["tournament"]
            tournament_id = int(chosen) if chosen.isdigit() else None
        try:
            lock = graphic.canvas_lock
        except CanvasLock.DoesNotExist:
            lock = None
        return JsonResponse({
            "id": graphic.pk, "version": graphic.version, "title": graphic.title,
            "event_name": graphic.event_name, "data_json": graphic.data_json,
            "tournament_id": graphic.tournament_id, "on_air": graphic.on_air, "layer": graphic.layer,
            "program": self._program_text(graphic),
            "standings": tournament_standings(tournament_id),
            "overlays": self._overlay_lines(graphic),
            "locked_by": _lock_text(lock) if lock and lock.expires_at > timezone.now() else "",
        })

    # History: what each revision changed ------------------------------------------------------

    def set_history_delta_changes(self, request, page_obj, *args, **kwargs):
        records = list(page_obj.object_list)
        for newer, older in zip(records, [*records[1:], None], strict=True):
            if older is None:
                older = newer.prev_record
            newer.what_changed = revision_changes(older, newer)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        graphic = Graphic.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if graphic is not None:
            base = settings.PUBLIC_BASE_URL or request.build_absolute_uri("/").rstrip("/")
            overlay_url = payloads.overlay_url(graphic, overlay_base=base)
            extra_context = {
                **(extra_context or {}),
                "overlay_url": overlay_url,
                "preview_url": overlay_url.replace("/?key=", "/preview/?key=", 1),
                "program_text": self._program_text(graphic),
                "graphic_on_air": graphic.on_air,
                "can_take": self.has_change_permission(request),
                "preview_config": {
                    "liveUrl": reverse("admin:graphics_graphic_live", args=[graphic.pk]),
                    "standings": tournament_standings(graphic.tournament_id),
                    "version": graphic.version,
                },
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        fields = form.cleaned_data
        program = {name: fields[name] for name in services.PROGRAM_FIELDS if fields.get(name) not in (None, "")}
        if not change:
            graphic = services.graphic_create(
                user=request.user, title=fields["title"], event_name=fields.get("event_name", ""),
                data_json=fields["data_json"], tournament_id=fields["tournament"].pk if fields["tournament"] else None,
                reason="created in the admin", **program)
        else:
            changes = {name: fields[name] for name in ("title", "event_name", "data_json", *program)
                       if name in form.changed_data}
            if "tournament" in form.changed_data:
                changes["tournament_id"] = fields["tournament"].pk if fields["tournament"] else None
            graphic = services.graphic_update(
                graphic_id=obj.pk, user=request.user, changes=changes, session_id=_admin_session(request),
                expected_version=fields.get("loaded_version"), reason="saved in the admin")
        obj.pk = graphic.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        services.graphic_delete_permanently(graphic_id=obj.pk, user=request.user,
                                            session_id=_admin_session(request))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Reverting saves the revision through the services as a new revision."""
        # simple_history hands the URL's text to the query; PostgreSQL answered 500 to "abc".
        if not (str(object_id).isdigit() and str(version_id).isdigit()):
            raise Http404("No such version of this graphic.")
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
