"""Reads of graphics, locks and archive entries, and the JSON shapes the API and the events
share (DESIGN section 5), so an event carries exactly what the API answers."""

import hmac

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from galdash.errors import DomainError, NotFound
from graphics.models import ArchiveEntry, CanvasLock, Graphic


class OverlayKeyRequired(DomainError):
    status = 401
    code = "overlay_key_required"


def iso(moment) -> str | None:
    """One time format for the API and the events alike (ISO 8601 with offset)."""
    return moment.isoformat() if moment else None


def overlay_url(graphic: Graphic, *, overlay_base: str) -> str:
    return f"{overlay_base.rstrip('/')}/overlay/{graphic.pk}/?key={graphic.overlay_key}"


def _lock_shape(*, id, graphic_id, session_id, locked_at, expires_at, locked_by) -> dict:
    return {"id": id, "graphic_id": graphic_id, "session_id": session_id,
            "locked": expires_at > timezone.now(), "locked_at": iso(locked_at),
            "expires_at": iso(expires_at), "locked_by": locked_by}


# What everyone but the holding session sees as a lock's `session_id`: always a string (the
# dashboard shows its first characters), never the real id (which would let anyone release it).
MASKED_SESSION_ID = "********"


def lock_json(lock: CanvasLock, *, session_id: str | None) -> dict:
    """CanvasLock; its real `session_id` only to the session holding it, MASKED_SESSION_ID to
    everyone else."""
    return _lock_shape(
        id=lock.pk, graphic_id=lock.graphic_id,
        session_id=lock.session_id if session_id and session_id == lock.session_id else MASKED_SESSION_ID,
        locked_at=lock.locked_at, expires_at=lock.expires_at, locked_by=lock.locked_by)


# The columns of a Graphic as the API shows it, its canvas aside; `graphic_list_rows` reads
# exactly these, `graphic_json` takes them from a model instance.
ROW_FIELDS = ("id", "title", "event_name", "created_by_name", "created_at", "updated_at", "archived",
              "version", "on_air", "overlay_key", "tournament_id", "canvas_lock__id",
              "canvas_lock__locked_at", "canvas_lock__expires_at", "canvas_lock__locked_by")


def graphic_json_from_row(row: dict, *, overlay_base: str) -> dict:
    """The Graphic of the API without `data_json`, from ROW_FIELDS. `canvas_lock` is the live
    lock (never its session id) or null."""
    live = row["canvas_lock__id"] is not None and row["canvas_lock__expires_at"] > timezone.now()
    return {
        "id": row["id"],
        "title": row["title"],
        "event_name": row["event_name"],
        "created_by": row["created_by_name"],
        "created_at": iso(row["created_at"]),
        "updated_at": iso(row["updated_at"]),
        "archived": row["archived"],
        "version": row["version"],
        "on_air": row["on_air"],
        "overlay_url": f"{overlay_base.rstrip('/')}/overlay/{row['id']}/?key={row['overlay_key']}",
        "tournament_id": row["tournament_id"],
        "canvas_lock": _lock_shape(
            id=row["canvas_lock__id"], graphic_id=row["id"], session_id=MASKED_SESSION_ID,
            locked_at=row["canvas_lock__locked_at"], expires_at=row["canvas_lock__expires_at"],
            locked_by=row["canvas_lock__locked_by"]) if live else None,
    }


def graphic_json(graphic: Graphic, *, overlay_base: str) -> dict:
    """The Graphic of the API."""
    try:
        lock = graphic.canvas_lock
    except CanvasLock.DoesNotExist:
        lock = None
    row = {name: getattr(graphic, name) for name in ROW_FIELDS if not name.startswith("canvas_lock__")}
    row.update({f"canvas_lock__{name}": getattr(lock, name) if lock else None
                for name in ("id", "locked_at", "expires_at", "locked_by")})
    return {**graphic_json_from_row(row, overlay_base=overlay_base), "data_json": graphic.data_json}


def archived_graphic_json(graphic: Graphic, *, overlay_base: str) -> dict:
    return {**graphic_json(graphic, overlay_base=overlay_base),
            "archived_at": iso(graphic.archived_at),
            "archive_reason": getattr(graphic, "archive_reason", "") or ""}


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


def graphic_list_rows(**filters) -> list[dict]:
    """`graphic_list` as ROW_FIELDS plus `data_text`, the canvas as the stored JSON text: the
    list answers hundreds of canvases, so it neither builds models nor decodes and re-encodes
    them."""
    return list(graphic_list(**filters).values(*ROW_FIELDS, data_text=Cast("data_json", TextField())))


def graphic_get(*, graphic_id) -> Graphic:
    graphic = (Graphic.objects.select_related("canvas_lock").filter(pk=graphic_id).first()
               if str(graphic_id).isdigit() else None)
    if graphic is None:
        raise NotFound(f"Graphic {graphic_id} not found.")
    return graphic


def graphic_for_view(*, graphic_id, key: str | None, user) -> Graphic:
    """A graphic for an overlay: needs its overlay key or a logged-in user (unless
    OVERLAY_REQUIRE_KEY is off), else OverlayKeyRequired (401). Archived or unknown: NotFound."""
    graphic = graphic_get(graphic_id=graphic_id)
    if graphic.archived:
        raise NotFound(f"Graphic {graphic_id} not found.")
    allowed = (not settings.OVERLAY_REQUIRE_KEY
               or (user is not None and user.is_authenticated)
               or (key is not None and hmac.compare_digest(key.encode(), graphic.overlay_key.encode())))
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
