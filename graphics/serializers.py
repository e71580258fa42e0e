"""Input shapes of the graphics API, and output shapes that answer exactly what
`graphics.payloads.graphic_json` builds (the fields are declared for the OpenAPI schema)."""

import io
import json
from collections.abc import Iterable

from django.conf import settings
from rest_framework import serializers

from graphics import payloads
from graphics.history import revision_changes
from graphics.models import TRANSITION_MAX_MS, Transition


def graphic_list_body(rows: Iterable[dict], *, overlay_base: str, page: dict | None = None) -> bytes:
    """`{graphics: [Graphic], total}` as JSON, each canvas spliced in as stored; with `page`
    (`{total, limit, offset}`) one page of the list. Built as one buffer from rows read a few at
    a time, so the peak is about the body once."""
    body = io.BytesIO()
    body.write(b'{"graphics":[')
    count = 0
    for row in rows:
        head = json.dumps(payloads.graphic_json_from_row(row, overlay_base=overlay_base),
                          ensure_ascii=False, separators=(",", ":"))
        body.write(f'{"," if count else ""}{head[:-1]},"data_json":'.encode())
        body.write(row["data_text"].encode())
        body.write(b"}")
        count += 1
    tail = page if page is not None else {"total": count}
    body.write(b"]," + json.dumps(tail, separators=(",", ":"))[1:].encode())
    return body.getvalue()


def overlay_base(request) -> str:
    """PUBLIC_BASE_URL, or this server as the request reached it."""
    return settings.PUBLIC_BASE_URL or request.build_absolute_uri("/").rstrip("/")


# Input --------------------------------------------------------------------------------------

GRAPHIC_PAGE_MAX = 100


class ProgramInput(serializers.Serializer):
    """Where and how a graphic goes on air; the services check the values."""

    layer = serializers.CharField(required=False, allow_blank=True, max_length=64,
                                  help_text='taking the graphic clears the others on air on its layer '
                                            '(default "main")')
    transition_in = serializers.ChoiceField(choices=Transition.values, required=False,
                                            help_text="played on take (default none)")
    transition_out = serializers.ChoiceField(choices=Transition.values, required=False,
                                             help_text="played on clear (default none)")
    transition_duration_ms = serializers.IntegerField(required=False, min_value=0, max_value=TRANSITION_MAX_MS)


class GraphicCreateInput(ProgramInput):
    title = serializers.CharField(allow_blank=True)
    event_name = serializers.CharField(allow_blank=True, required=False, default="")
    data_json = serializers.JSONField(required=False, allow_null=True,
                                      help_text="an object, or a string holding JSON; absent, null "
                                                "or {} make an empty canvas")
    tournament_id = serializers.IntegerField(required=False, allow_null=True)


class GraphicUpdateInput(ProgramInput):
    title = serializers.CharField(allow_blank=True, required=False)
    event_name = serializers.CharField(allow_blank=True, required=False)
    data_json = serializers.JSONField(required=False, help_text="an object, or a string holding JSON")
    tournament_id = serializers.IntegerField(required=False, allow_null=True)
    version = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                       help_text="the version this change was made on (or If-Match)")
    session_id = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=128)


class RevisionRestoreInput(serializers.Serializer):
    version = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    session_id = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=128)


class DuplicateInput(serializers.Serializer):
    new_title = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    new_event_name = serializers.CharField(required=False, allow_null=True, allow_blank=True)


class OptionalSessionInput(serializers.Serializer):
    session_id = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=128)


class SessionInput(serializers.Serializer):
    session_id = serializers.CharField(max_length=128)


class LockInput(SessionInput):
    user_name = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=150,
                                      help_text="who holds the lock (else the account's display name)")


class ArchiveInput(OptionalSessionInput):
    reason = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=500)


class GraphicListQuery(serializers.Serializer):
    include_archived = serializers.BooleanField(required=False, default=False)
    event_name = serializers.CharField(required=False, allow_blank=True)
    q = serializers.CharField(required=False, allow_blank=True)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=GRAPHIC_PAGE_MAX,
                                     help_text="with `offset`: one page of the list, which then "
                                               "also answers `limit` and `offset`")
    offset = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1)


# Output -------------------------------------------------------------------------------------

class LockOutput(serializers.Serializer):
    id = serializers.IntegerField()
    graphic_id = serializers.IntegerField()
    session_id = serializers.CharField(help_text="the real id only to the session holding it; "
                                                 "a fixed masked placeholder to everyone else")
    locked = serializers.BooleanField()
    locked_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    locked_by = serializers.CharField()
    user_name = serializers.CharField(help_text="the same as locked_by (the old backend's name)")

    def to_representation(self, instance):
        return payloads.lock_json(instance, session_id=self.context.get("session_id"))


class GraphicOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    event_name = serializers.CharField()
    data_json = serializers.JSONField()
    created_by = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    archived = serializers.BooleanField()
    version = serializers.IntegerField()
    on_air = serializers.BooleanField()
    overlay_url = serializers.CharField()
    tournament_id = serializers.IntegerField(allow_null=True)
    layer = serializers.CharField()
    transition_in = serializers.ChoiceField(choices=Transition.values)
    transition_out = serializers.ChoiceField(choices=Transition.values)
    transition_duration_ms = serializers.IntegerField()
    canvas_lock = LockOutput(allow_null=True)

    def to_representation(self, instance):
        return payloads.graphic_json(instance, overlay_base=self.context["overlay_base"])


class GraphicSummaryOutput(GraphicOutput):
    data_json = None  # an on-air listing leaves the canvases out

    def to_representation(self, instance):
        return instance


class OnAirLayerOutput(serializers.Serializer):
    layer = serializers.CharField()
    graphics = GraphicSummaryOutput(many=True)


class OnAirOutput(serializers.Serializer):
    layers = OnAirLayerOutput(many=True)
    total = serializers.IntegerField(help_text="graphics on air")


class ArchivedGraphicOutput(GraphicOutput):
    archived_at = serializers.DateTimeField()
    archive_reason = serializers.CharField()

    def to_representation(self, instance):
        return payloads.archived_graphic_json(instance, overlay_base=self.context["overlay_base"])


class GraphicListOutput(serializers.Serializer):
    graphics = GraphicOutput(many=True)
    total = serializers.IntegerField()


class ArchiveListOutput(serializers.Serializer):
    archives = ArchivedGraphicOutput(many=True)
    total = serializers.IntegerField()
    can_delete = serializers.BooleanField()


class GraphicViewOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    data_json = serializers.JSONField()
    standings = serializers.ListField(
        child=serializers.DictField(),
        help_text="the standings its players/scores/placements elements draw: its tournament's, "
                  "or for a graphic bound to none the default ones of /players/ranked")


class RevisionListSerializer(serializers.ListSerializer):
    """Revisions newest first, each with what it changed compared with the one before it (the
    oldest of a page asks the database for its predecessor)."""

    def to_representation(self, data):
        records = list(data)
        for newer, older in zip(records, [*records[1:], None], strict=True):
            newer.changes = revision_changes(older if older is not None else newer.prev_record, newer)
        return super().to_representation(records)


class RevisionOutput(serializers.Serializer):
    revision_id = serializers.IntegerField(source="history_id")
    version = serializers.IntegerField()
    title = serializers.CharField()
    event_name = serializers.CharField()
    data_json = serializers.JSONField()
    tournament_id = serializers.IntegerField(allow_null=True)
    changed_at = serializers.DateTimeField(source="history_date")
    changed_by = serializers.SerializerMethodField()
    change_reason = serializers.CharField(source="history_change_reason", allow_null=True,
                                          help_text='why: "saved via API", "reverted to version 3", ...')
    changes = serializers.ListField(child=serializers.CharField(),
                                    help_text='what changed: "title: A → B", "moved title to (300, 40)", ...')

    class Meta:
        list_serializer_class = RevisionListSerializer

    def get_changed_by(self, revision) -> str:
        user = revision.history_user
        return user.player_name if user else ""


class RevisionListOutput(serializers.Serializer):
    revisions = RevisionOutput(many=True)
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    per_page = serializers.IntegerField()


class ArchiveResultOutput(serializers.Serializer):
    success = serializers.BooleanField()
    message = serializers.CharField()
    graphic_id = serializers.IntegerField()
    archived_at = serializers.DateTimeField(required=False)
    restored_at = serializers.DateTimeField(required=False)


class DeleteResultOutput(serializers.Serializer):
    success = serializers.BooleanField()
    message = serializers.CharField()
    graphic_id = serializers.IntegerField()


class LockStatusOutput(serializers.Serializer):
    locked = serializers.BooleanField()
    lock_info = LockOutput(allow_null=True)
    can_edit = serializers.BooleanField()


class LockListOutput(serializers.Serializer):
    locks = LockOutput(many=True)
    total = serializers.IntegerField()


class LockReleaseOutput(serializers.Serializer):
    success = serializers.BooleanField()
    message = serializers.CharField()


# `GET /events`: a bare, sorted array of the distinct non-empty event names (a raw schema: a
# serializer can only describe an object).
EventListOutput = {"type": "array", "items": {"type": "string"}}


class OverlayKeyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    overlay_url = serializers.CharField()


class CleanupOutput(serializers.Serializer):
    message = serializers.CharField()
    cleaned_count = serializers.IntegerField()
