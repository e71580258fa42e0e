"""Reads of graphics, locks and archive entries; their JSON shapes are in `graphics.payloads`."""

import hmac
from collections.abc import Iterator

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from core.errors import DomainError, NotFound
from graphics.models import ArchiveEntry, CanvasLock, Graphic
from graphics.payloads import ROW_FIELDS, graphic_json_from_row, lock_json


class OverlayKeyRequired(DomainError):
    status = 401
    code = "overlay_key_required"


# Canvases read from the database at once by the graphics list (each up to 5 MB).
LIST_CHUNK_ROWS = 4


def graphic_list(*, include_archived: bool = False, event_name: str | None = None,
                 q: str | None = None) -> QuerySet[Graphic]:
    """Graphics, newest `updated_at` first, each with its lock in the same query."""
    graphics = Graphic.objects.select_related("canvas_lock").order_by("-updated_at", "-id")
    if not include_archived:
        graphics = graphics.filter(archived=False)
    if event_name:
        graphics = graphics.filter(event_name=event_name)
    if q:
        graphics = graphics.filter(Q(title__icontains=q) | Q(event_name__icontains=q))
    return graphics


def graphic_list_rows(*, limit: int | None = None, offset: int = 0, **filters) -> Iterator[dict]:
    """`graphic_list` as ROW_FIELDS plus `data_text`, the canvas as the stored JSON text: the
    list answers hundreds of canvases, so it neither builds models nor decodes and re-encodes
    them, and reads them a few at a time. `limit`/`offset` take one page of it."""
    rows = graphic_list(**filters).values(*ROW_FIELDS, data_text=Cast("data_json", TextField()))
    if limit is not None or offset:
        rows = rows[offset: offset + limit if limit is not None else None]
    return rows.iterator(chunk_size=LIST_CHUNK_ROWS)


def graphic_count(**filters) -> int:
    return graphic_list(**filters).count()


def on_air_by_layer(*, overlay_base: str) -> list[dict]:
    """`[{layer, graphics: [Graphic without data_json]}]`: what is on air, layers by name, each
    layer's graphics most recently changed first."""
    rows = (Graphic.objects.filter(on_air=True, archived=False).select_related("canvas_lock")
            .order_by("layer", "-updated_at", "-id").values(*ROW_FIELDS))
    layers: dict[str, list[dict]] = {}
    for row in rows:
        layers.setdefault(row["layer"], []).append(graphic_json_from_row(row, overlay_base=overlay_base))
    return [{"layer": layer, "graphics": graphics} for layer, graphics in layers.items()]


def on_air_on_layer(*, layer: str) -> list[dict]:
    """`[{id, title}]` of the graphics on air on `layer`."""
    return list(Graphic.objects.filter(layer=layer, on_air=True, archived=False).order_by("pk")
                .values("id", "title"))


def graphic_get(*, graphic_id) -> Graphic:
    graphic = (Graphic.objects.select_related("canvas_lock").filter(pk=graphic_id).first()
               if str(graphic_id).isdigit() else None)
    if graphic is None:
        raise NotFound(f"Graphic {graphic_id} not found.")
    return graphic


def overlay_key_allows(graphic: Graphic, key: str | None) -> bool:
    """The overlay-key rule: the graphic's overlay key, unless OVERLAY_REQUIRE_KEY is off."""
    return not settings.OVERLAY_REQUIRE_KEY or hmac.compare_digest(
        graphic.overlay_key.encode(), (key or "").encode())


def graphic_for_view(*, graphic_id, key: str | None, user) -> Graphic:
    """A graphic for an overlay: needs its overlay key or a logged-in user (unless
    OVERLAY_REQUIRE_KEY is off), else OverlayKeyRequired (401). Archived or unknown: NotFound."""
    graphic = graphic_get(graphic_id=graphic_id)
    if graphic.archived:
        raise NotFound(f"Graphic {graphic_id} not found.")
    allowed = (user is not None and user.is_authenticated) or overlay_key_allows(graphic, key)
    if not allowed:
        raise OverlayKeyRequired(f"Graphic {graphic_id} needs its overlay key (?key=) or a token.")
    return graphic


def archive_list() -> QuerySet[Graphic]:
    """Archived graphics, most recently archived first, with the reason of their archiving."""
    reason = (ArchiveEntry.objects.filter(graphic=OuterRef("pk"), action=ArchiveEntry.Action.ARCHIVED)
              .order_by("-created_at", "-id").values("reason")[:1])
    return (Graphic.objects.filter(archived=True).select_related("canvas_lock")
            .annotate(archive_reason=Subquery(reason)).order_by("-archived_at", "-id"))


def event_names() -> list[str]:
    return list(Graphic.objects.exclude(event_name="").order_by("event_name")
                .values_list("event_name", flat=True).distinct())


def live_lock_of(graphic_id) -> CanvasLock | None:
    return CanvasLock.objects.filter(graphic_id=graphic_id, expires_at__gt=timezone.now()).first()


def live_locks() -> QuerySet[CanvasLock]:
    return CanvasLock.objects.filter(expires_at__gt=timezone.now()).order_by("graphic_id")


def lock_status(*, graphic_id, session_id: str | None) -> dict:
    """`{locked, lock_info, can_edit}` as seen by `session_id`."""
    graphic_get(graphic_id=graphic_id)
    lock = live_lock_of(graphic_id)
    return {
        "locked": lock is not None,
        "lock_info": lock_json(lock, session_id=session_id) if lock else None,
        "can_edit": lock is None or (bool(session_id) and lock.session_id == session_id),
    }


def graphic_revisions(*, graphic: Graphic) -> QuerySet:
    """The graphic's revisions, newest first, with who made them."""
    return graphic.history.select_related("history_user").order_by("-history_date", "-history_id")


def graphic_titles(*, graphic_ids) -> dict[int, str]:
    return dict(Graphic.objects.filter(pk__in=graphic_ids).values_list("pk", "title"))
