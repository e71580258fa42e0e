"""The JSON shapes the API and the events share (DESIGN section 5), so an event carries exactly
what the API answers."""

from django.utils import timezone

from graphics.models import CanvasLock, Graphic


def iso(moment) -> str | None:
    """One time format for the API and the events alike (ISO 8601 with offset)."""
    return moment.isoformat() if moment else None


def overlay_url(graphic: Graphic, *, overlay_base: str) -> str:
    return overlay_url_of(graphic.pk, graphic.overlay_key, overlay_base=overlay_base)


def overlay_url_of(graphic_id: int, overlay_key: str, *, overlay_base: str) -> str:
    """The URL an OBS browser source loads: the one place it is written."""
    return f"{overlay_base.rstrip('/')}/overlay/{graphic_id}/?key={overlay_key}"


def _lock_shape(*, id, graphic_id, session_id, locked_at, expires_at, locked_by) -> dict:
    return {"id": id, "graphic_id": graphic_id, "session_id": session_id,
            "locked": expires_at > timezone.now(), "locked_at": iso(locked_at),
            "expires_at": iso(expires_at), "locked_by": locked_by, "user_name": locked_by}


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


# Where and how a graphic goes on air (added to the Graphic of the API and the overlay snapshot).
PROGRAM_FIELDS = ("layer", "transition_in", "transition_out", "transition_duration_ms")

# The columns of a Graphic as the API shows it, its canvas aside; `graphic_list_rows` reads
# exactly these, `graphic_json` takes them from a model instance.
ROW_FIELDS = ("id", "title", "event_name", "created_by_name", "created_at", "updated_at", "archived",
              "version", "on_air", "overlay_key", "tournament_id", *PROGRAM_FIELDS, "canvas_lock__id",
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
        "overlay_url": overlay_url_of(row["id"], row["overlay_key"], overlay_base=overlay_base),
        "tournament_id": row["tournament_id"],
        **{name: row[name] for name in PROGRAM_FIELDS},
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
