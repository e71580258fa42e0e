"""Every write to a graphic, its lock and its archive state.

Each service runs in one transaction, takes the graphic row with `select_for_update()` (so
concurrent writers queue on it) and publishes its event through `realtime.events.publish`.
Taking and ending a lock, the dashboard's most frequent writes, are one statement each: taking
locks the graphic row inside that statement; ending touches only the session's lock row.
"""

import copy
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.roles import is_administrator
from core.errors import Conflict, NotFound
from graphics.canvas import EMPTY_CANVAS, canvas_clean
from graphics.models import (
    DEFAULT_LAYER,
    TRANSITION_MAX_MS,
    ArchiveEntry,
    CanvasLock,
    Graphic,
    Transition,
    new_overlay_key,
)
from graphics.payloads import graphic_json, lock_json
from graphics.selectors import live_lock_of
from realtime import events
from realtime.events import DASHBOARD_GROUP, graphic_group, publish
from tournaments.selectors import tournament_exists, tournament_get

TITLE_MAX = 255
REASON_MAX = 500


def _clean_title(title, field: str = "title") -> str:
    title = (title or "").strip() if isinstance(title, str) else title
    if not isinstance(title, str) or not title:
        raise ValidationError({field: ["must not be empty"]})
    if len(title) > TITLE_MAX:
        raise ValidationError({field: [f"must be at most {TITLE_MAX} characters ({len(title)} given)"]})
    return title


def _clean_event_name(event_name, field: str = "event_name") -> str:
    event_name = (event_name or "").strip()
    if len(event_name) > TITLE_MAX:
        raise ValidationError({field: [f"must be at most {TITLE_MAX} characters"]})
    return event_name


LAYER_MAX = 64
NAME_MAX = 150


def _clean_layer(layer) -> str:
    if layer is None:
        return DEFAULT_LAYER
    if not isinstance(layer, str):
        raise ValidationError({"layer": ["must be a string"]})
    layer = layer.strip() or DEFAULT_LAYER
    if len(layer) > LAYER_MAX:
        raise ValidationError({"layer": [f"must be at most {LAYER_MAX} characters"]})
    return layer


def _clean_transition(value, field: str) -> str:
    if value is None:
        return Transition.NONE
    if value not in Transition.values:
        raise ValidationError({field: [f"must be one of {', '.join(Transition.values)}"]})
    return value


def _clean_duration(value) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= TRANSITION_MAX_MS:
        raise ValidationError({"transition_duration_ms": [
            f"must be a whole number of milliseconds from 0 to {TRANSITION_MAX_MS}"]})
    return value


# The program fields of a graphic: where and how it goes on air; cleaned by these.
PROGRAM_FIELDS = {
    "layer": _clean_layer,
    "transition_in": lambda value: _clean_transition(value, "transition_in"),
    "transition_out": lambda value: _clean_transition(value, "transition_out"),
    "transition_duration_ms": _clean_duration,
}


def _tournament(tournament_id):
    if tournament_id is None:
        return None
    try:
        # Held until the graphic's write commits: a tournament deleted meanwhile waits for it
        # (and then unbinds the graphic), or was deleted first and is refused here.
        return tournament_get(tournament_id=tournament_id, hold=True)
    except NotFound:
        raise ValidationError({"tournament_id": [f"No tournament with id {tournament_id}."]})


# Shared pieces ------------------------------------------------------------------------------

def _name_of(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return user.player_name


def _locked_graphic(graphic_id, *fields: str) -> Graphic:
    """The graphic row, locked until the transaction ends; with `fields`, only those are read
    (the lock routes need no canvas)."""
    rows = Graphic.objects.select_for_update().filter(pk=graphic_id)
    graphic = (rows.only(*fields) if fields else rows).first() if str(graphic_id).isdigit() else None
    if graphic is None:
        raise NotFound(f"Graphic {graphic_id} not found.")
    return graphic


def _lock_conflict(lock: CanvasLock, action: str) -> Conflict:
    return Conflict(
        f"Graphic {lock.graphic_id} is locked by {lock.locked_by or 'another session'} until "
        f"{lock.expires_at.isoformat()}; {action}.",
        code="locked", locked_by=lock.locked_by, expires_at=lock.expires_at.isoformat(),
    )


def _refuse_if_locked_by_other(graphic: Graphic, session_id: str | None, action: str) -> None:
    """A live lock of another session refuses the write; no session_id counts as another."""
    lock = live_lock_of(graphic.pk)
    if lock is not None and lock.session_id != session_id:
        raise _lock_conflict(lock, action)


def _publish_graphic(event_type: str, graphic: Graphic) -> None:
    data = graphic_json(graphic, overlay_base=settings.PUBLIC_BASE_URL)
    publish((DASHBOARD_GROUP, graphic_group(graphic.pk)), event_type, data)


def _save_revision(graphic: Graphic, *, user, reason: str, fields: list[str]) -> None:
    graphic.version += 1
    graphic._history_user = user if getattr(user, "is_authenticated", False) else None
    graphic._change_reason = reason
    graphic.save(update_fields=[*fields, "version", "updated_at"])


def _save_state(graphic: Graphic, fields: list[str]) -> None:
    """A state change (archive, on air, key) that is not a content revision."""
    graphic.skip_history_when_saving = True
    try:
        graphic.save(update_fields=[*fields, "updated_at"])
    finally:
        del graphic.skip_history_when_saving


# Graphics -----------------------------------------------------------------------------------

def graphic_create(*, user, title, event_name: str = "", data_json=None,
                   tournament_id: int | None = None, reason: str = "created", **program) -> Graphic:
    """Create a graphic (version 1, first revision; `reason` says why in its history).

    Validates the title, event name and canvas (EMPTY_CANVAS when none, null or {} is given), the
    tournament and the PROGRAM_FIELDS given (`layer`, `transition_in`, `transition_out`,
    `transition_duration_ms`; absent ones take the defaults: layer "main", no transition);
    publishes `graphic_created`.
    """
    unknown = set(program) - set(PROGRAM_FIELDS)
    if unknown:
        raise ValidationError({name: ["is not a field of a graphic"] for name in sorted(unknown)})
    with transaction.atomic(durable=True):
        graphic = Graphic(
            title=_clean_title(title),
            event_name=_clean_event_name(event_name),
            data_json=canvas_clean(copy.deepcopy(EMPTY_CANVAS) if data_json in (None, {}) else data_json),
            tournament=_tournament(tournament_id),
            created_by=user if getattr(user, "is_authenticated", False) else None,
            created_by_name=_name_of(user),
            **{name: PROGRAM_FIELDS[name](value) for name, value in program.items()},
        )
        graphic._history_user = graphic.created_by
        graphic._change_reason = reason[:REASON_MAX]
        graphic.save()
        _publish_graphic(events.GRAPHIC_CREATED, graphic)
    return graphic


UPDATABLE = ("title", "event_name", "data_json", "tournament_id", *PROGRAM_FIELDS)


def _update(graphic: Graphic, *, user, session_id, expected_version, changes: dict,
            reason: str) -> Graphic:
    if graphic.archived:
        raise Conflict(f"Graphic {graphic.pk} is archived; restore it before editing.", code="archived")
    if session_id:
        _refuse_if_locked_by_other(graphic, session_id, "your session does not hold its lock")
    if expected_version is not None and expected_version != graphic.version:
        raise Conflict(
            f"Graphic {graphic.pk} is at version {graphic.version}, not {expected_version}; "
            "reload it and apply your change again.",
            code="version_conflict", current_version=graphic.version,
        )
    fields = []
    if "title" in changes:
        graphic.title = _clean_title(changes["title"])
        fields.append("title")
    if "event_name" in changes:
        graphic.event_name = _clean_event_name(changes["event_name"])
        fields.append("event_name")
    if "data_json" in changes:
        graphic.data_json = canvas_clean(changes["data_json"])
        fields.append("data_json")
    if "tournament_id" in changes:
        graphic.tournament = _tournament(changes["tournament_id"])
        fields.append("tournament")
    layer_before = graphic.layer
    for name, clean in PROGRAM_FIELDS.items():
        if name in changes:
            setattr(graphic, name, clean(changes[name]))
            fields.append(name)
    if graphic.on_air and graphic.layer != layer_before:
        _clear_layer_for(graphic, user=user, reason=f"cleared: {graphic.title} moved to layer {graphic.layer}")
    _save_revision(graphic, user=user, reason=reason, fields=fields)
    _publish_graphic(events.GRAPHIC_UPDATED, graphic)
    return graphic


def graphic_update(*, graphic_id, user, changes: dict, session_id: str | None = None,
                   expected_version: int | None = None, reason: str = "saved") -> Graphic:
    """Apply a partial change (title, event_name, data_json, tournament_id, PROGRAM_FIELDS);
    `reason` says why in its history ("saved via API").

    Refuses (409) an archived graphic, a `session_id` that is not the live lock's, and an
    `expected_version` that is not the current one (`version_conflict` with `current_version`).
    Validates every field as `graphic_create`. Bumps the version, keeps a revision and
    publishes `graphic_updated`. A graphic on air moved to another `layer` stays on air and
    clears the graphic on air there (`off_air` first), as a take on that layer would.
    """
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise ValidationError({name: ["cannot be changed"] for name in sorted(unknown)})
    with transaction.atomic(durable=True):
        graphic = _locked_graphic(graphic_id)
        return _update(graphic, user=user, session_id=session_id,
                       expected_version=expected_version, changes=changes, reason=reason[:REASON_MAX])


def graphic_revision_restore(*, graphic_id, history_id, user, session_id: str | None = None,
                             expected_version: int | None = None) -> Graphic:
    """Bring back a revision's title, event name, canvas and tournament as a new revision.

    Refuses as `graphic_update`; 404 when the revision is not one of this graphic's.
    """
    with transaction.atomic(durable=True):
        graphic = _locked_graphic(graphic_id)
        revision = graphic.history.filter(history_id=history_id).first() \
            if str(history_id).isdigit() else None
        if revision is None:
            raise NotFound(f"Graphic {graphic.pk} has no revision {history_id}.")
        tournament_id = revision.tournament_id
        if tournament_id is not None and not tournament_exists(tournament_id=tournament_id):
            tournament_id = None  # the tournament has been deleted since
        changes = {"title": revision.title, "event_name": revision.event_name,
                   "data_json": revision.data_json, "tournament_id": tournament_id,
                   **{name: getattr(revision, name) for name in PROGRAM_FIELDS}}
        return _update(graphic, user=user, session_id=session_id, expected_version=expected_version,
                       changes=changes, reason=f"reverted to version {revision.version}")


def graphic_duplicate(*, graphic_id, user, new_title: str | None = None,
                      new_event_name: str | None = None) -> Graphic:
    """A new graphic with a copy of the canvas; title defaults to "<title> (Copy)".

    Publishes `graphic_created`.
    """
    with transaction.atomic(durable=True):
        source = _locked_graphic(graphic_id)
        title = new_title if new_title else f"{source.title} (Copy)"[:TITLE_MAX]
        graphic = Graphic(
            title=_clean_title(title, "new_title"),
            event_name=_clean_event_name(
                source.event_name if new_event_name is None else new_event_name, "new_event_name"),
            data_json=source.data_json,
            tournament=source.tournament,
            **{name: getattr(source, name) for name in PROGRAM_FIELDS},
            created_by=user if getattr(user, "is_authenticated", False) else None,
            created_by_name=_name_of(user),
        )
        graphic._history_user = graphic.created_by
        graphic._change_reason = f"duplicated from graphic {source.pk}"
        graphic.save()
        _publish_graphic(events.GRAPHIC_CREATED, graphic)
    return graphic


def _archive_entry(graphic: Graphic, action: str, user, reason: str = "") -> ArchiveEntry:
    return ArchiveEntry.objects.create(
        graphic=graphic if action != ArchiveEntry.Action.DELETED else None,
        graphic_ref=graphic.pk, graphic_title=graphic.title, action=action, reason=reason,
        user=user if getattr(user, "is_authenticated", False) else None, username=_name_of(user),
    )


def graphic_archive(*, graphic_id, user, reason: str = "", session_id: str | None = None) -> Graphic:
    """Archive (soft delete) a graphic with an optional reason (at most 500 characters).

    Refuses (409) an already archived graphic and a live lock of another session (no
    `session_id` counts as another). Takes it off air, ends its lock (`lock_released`), records
    an ArchiveEntry and publishes `graphic_archived`.
    """
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [f"must be at most {REASON_MAX} characters"]})
    with transaction.atomic(durable=True):
        graphic = _locked_graphic(graphic_id)
        if graphic.archived:
            raise Conflict(f"Graphic {graphic.pk} is already archived.", code="already_archived")
        _refuse_if_locked_by_other(graphic, session_id, "it cannot be archived")
        lock = CanvasLock.objects.filter(graphic=graphic).first()
        if lock is not None:
            _release(lock, "archived")
        graphic.archived, graphic.archived_at, graphic.on_air = True, timezone.now(), False
        _save_state(graphic, ["archived", "archived_at", "on_air"])
        _archive_entry(graphic, ArchiveEntry.Action.ARCHIVED, user, reason)
        graphic.archive_reason = reason
        _publish_graphic(events.GRAPHIC_ARCHIVED, graphic)
    return graphic


def graphic_restore(*, graphic_id, user) -> Graphic:
    """Bring an archived graphic back. Refuses (409) one that is not archived.

    Records an ArchiveEntry and publishes `graphic_restored`.
    """
    with transaction.atomic(durable=True):
        graphic = _locked_graphic(graphic_id)
        if not graphic.archived:
            raise Conflict(f"Graphic {graphic.pk} is not archived.", code="not_archived")
        graphic.archived, graphic.archived_at = False, None
        _save_state(graphic, ["archived", "archived_at"])
        _archive_entry(graphic, ArchiveEntry.Action.RESTORED, user)
        _publish_graphic(events.GRAPHIC_RESTORED, graphic)
    return graphic


def graphic_delete_permanently(*, graphic_id, user, session_id: str | None = None) -> ArchiveEntry:
    """Remove a graphic for good (Administrator only), keeping an ArchiveEntry with its title.

    Refuses (409) while another session holds a live lock. Publishes `graphic_deleted`
    `{id, title}`.
    """
    if not is_administrator(user):
        raise PermissionDenied("Only an Administrator can delete a graphic permanently.")
    with transaction.atomic(durable=True):
        graphic = _locked_graphic(graphic_id)
        _refuse_if_locked_by_other(graphic, session_id, "it cannot be deleted")
        entry = _archive_entry(graphic, ArchiveEntry.Action.DELETED, user)
        ArchiveEntry.objects.filter(graphic=graphic).update(graphic=None)
        data = {"id": graphic.pk, "title": graphic.title}
        graphic.delete()
        publish((DASHBOARD_GROUP, graphic_group(data["id"])), events.GRAPHIC_DELETED, data)
    return entry


def _save_air(graphic: Graphic, *, user, on_air: bool, reason: str) -> None:
    """On air or off air: kept in the history with its reason, the version stays."""
    graphic.on_air = on_air
    graphic._history_user = user if getattr(user, "is_authenticated", False) else None
    graphic._change_reason = reason[:REASON_MAX]
    graphic.save(update_fields=["on_air", "updated_at"])
    _publish_graphic(events.ON_AIR if on_air else events.OFF_AIR, graphic)


def _locked_with_layer(graphic_id) -> tuple[Graphic, list[Graphic]]:
    """The graphic and every other graphic of its layer, locked in id order: two takes on one
    layer queue on the same rows (so the layer ends with one graphic on air), and never
    deadlock."""
    layer = (Graphic.objects.filter(pk=graphic_id).values_list("layer", flat=True).first()
             if str(graphic_id).isdigit() else None)
    if layer is None:
        raise NotFound(f"Graphic {graphic_id} not found.")
    rows = list(Graphic.objects.select_for_update().filter(Q(pk=graphic_id) | Q(layer=layer)).order_by("pk"))
    graphic = next((row for row in rows if row.pk == int(graphic_id)), None)
    if graphic is None:
        raise NotFound(f"Graphic {graphic_id} not found.")
    known = [row.pk for row in rows]
    rows += (_locked_layer(graphic.layer, known=known) if graphic.layer != layer  # moved meanwhile
             else _arrivals(graphic.layer, known=known))
    return graphic, [row for row in rows if row.pk != graphic.pk and row.layer == graphic.layer]


def _locked_layer(layer: str, *, known: list[int]) -> list[Graphic]:
    """The graphics of `layer` other than `known`, locked in id order as a take locks them, and
    then those on air that arrived while this waited for the locks."""
    rows = list(Graphic.objects.select_for_update().filter(layer=layer).exclude(pk__in=known).order_by("pk"))
    return rows + _arrivals(layer, known=[*known, *(row.pk for row in rows)])


def _arrivals(layer: str, *, known: list[int]) -> list[Graphic]:
    """Graphics on air on `layer` that the rows locked before missed: moved onto it by a
    transaction this one waited for, which committed after those rows were read (a second
    statement reads what is committed now)."""
    return list(Graphic.objects.select_for_update().filter(layer=layer, on_air=True)
                .exclude(pk__in=known).order_by("pk"))


def _clear_on_air(rows: list[Graphic], *, user, reason: str) -> None:
    """Every graphic of `rows` that is on air goes off air (`off_air` for each)."""
    for other in rows:
        if other.on_air:
            _save_air(other, user=user, on_air=False, reason=reason)


def _clear_layer_for(graphic: Graphic, *, user, reason: str) -> None:
    """An on-air graphic moved to another layer keeps that layer to one graphic on air: every
    other graphic on air there is cleared. Its rows are locked as a take locks them, so a take
    there and this move queue one after the other and the later one clears the earlier one's
    graphic."""
    _clear_on_air(_locked_layer(graphic.layer, known=[graphic.pk]), user=user, reason=reason)


def graphic_set_on_air(*, graphic_id, user, on_air: bool) -> Graphic:
    """Take a graphic on air (`on_air`) or clear it (`off_air`); overlays show or hide it.

    Taking clears, in the same transaction, every other graphic on air on the same layer
    (`off_air` for each, before the taken graphic's `on_air`). Refuses (409) to take an archived
    graphic on air. Not a content revision: the version stays; the history records it.
    Taking a graphic already on air, or clearing one that is off air, only sends the event again.
    """
    with transaction.atomic(durable=True):
        graphic, layer_rows = _locked_with_layer(graphic_id) if on_air else (_locked_graphic(graphic_id), [])
        if on_air and graphic.archived:
            raise Conflict(f"Graphic {graphic.pk} is archived; restore it first.", code="archived")
        _clear_on_air(layer_rows, user=user, reason=f"cleared: {graphic.title} taken on layer {graphic.layer}")
        if graphic.on_air == on_air:  # nothing changes; the event tells late overlays again
            _publish_graphic(events.ON_AIR if on_air else events.OFF_AIR, graphic)
        else:
            _save_air(graphic, user=user, on_air=on_air,
                      reason=f"taken on air (layer {graphic.layer})" if on_air else "cleared from air")
    return graphic


def graphic_overlay_key_rotate(*, graphic_id, user) -> Graphic:
    """Give the graphic a new overlay key; overlays on the old key are cut off.

    Publishes `overlay_key_rotated` `{id}` to the graphic's group and `graphic_updated` to
    the dashboard.
    """
    with transaction.atomic(durable=True):
        graphic = _locked_graphic(graphic_id)
        graphic.overlay_key = new_overlay_key()
        _save_state(graphic, ["overlay_key"])
        publish(graphic_group(graphic.pk), events.OVERLAY_KEY_ROTATED, {"id": graphic.pk})
        publish(DASHBOARD_GROUP, events.GRAPHIC_UPDATED,
                graphic_json(graphic, overlay_base=settings.PUBLIC_BASE_URL))
    return graphic


# Locks --------------------------------------------------------------------------------------

def _clean_session(session_id) -> str:
    if not isinstance(session_id, str) or not session_id.strip():
        raise ValidationError({"session_id": ["is required"]})
    if len(session_id) > 128:
        raise ValidationError({"session_id": ["must be at most 128 characters"]})
    return session_id


def _publish_lock(event_type: str, data: dict) -> None:
    publish(DASHBOARD_GROUP, event_type, data)


def _clean_holder_name(name) -> str:
    if name is None:
        return ""
    if not isinstance(name, str):
        raise ValidationError({"user_name": ["must be a string"]})
    name = name.strip()
    if len(name) > NAME_MAX:
        raise ValidationError({"user_name": [f"must be at most {NAME_MAX} characters"]})
    return name


# One statement takes the lock: the graphic row is locked first (as by every writer of a graphic
# or its lock, so racing sessions queue on it and no two orders deadlock) and must not be
# archived; then the lock row is inserted, or updated when it is this session's own or has
# expired. This session renewing its live lock keeps when and by whom it was taken (a new
# `user_name` renames the holder). Nothing comes back when the graphic is missing or archived
# or another session's lock is live.
_ACQUIRE = """
    INSERT INTO {lock} (graphic_id, session_id, user_id, locked_by, locked_at, expires_at)
    SELECT id, %(session_id)s, %(user_id)s, %(locked_by)s, %(now)s, %(expires_at)s
    FROM {graphic} WHERE id = %(graphic_id)s AND NOT archived {for_update}
    ON CONFLICT (graphic_id) DO UPDATE SET
        locked_at = CASE WHEN {renewal} THEN {lock}.locked_at ELSE excluded.locked_at END,
        user_id = CASE WHEN {renewal} THEN {lock}.user_id ELSE excluded.user_id END,
        locked_by = CASE WHEN {renewal} AND %(holder_name)s = '' THEN {lock}.locked_by
                         ELSE excluded.locked_by END,
        session_id = excluded.session_id,
        expires_at = excluded.expires_at
    WHERE {lock}.session_id = excluded.session_id OR {lock}.expires_at <= excluded.locked_at
    RETURNING *"""

LOCK_ATTEMPTS = 3


@cache
def _acquire_sql() -> str:
    lock = CanvasLock._meta.db_table
    return _ACQUIRE.format(
        lock=lock, graphic=Graphic._meta.db_table,
        for_update="FOR UPDATE" if connection.features.has_select_for_update else "",
        renewal=f"({lock}.session_id = excluded.session_id AND {lock}.expires_at > excluded.locked_at)")


def lock_acquire(*, graphic_id, session_id: str, user, holder_name: str | None = None) -> CanvasLock:
    """Lock a graphic for `session_id` for LOCK_TTL_SECONDS, held by `holder_name` (the person
    at the editor, e.g. the dashboard's `user_name`), else the account's display name.

    The same session re-acquiring extends its lock; an expired lock is taken over; another
    session's live lock refuses (409 `locked` with `locked_by` and `expires_at`). The graphic
    row is locked first, so racing sessions queue and exactly one wins. Refuses an archived
    graphic (409). Publishes `lock_acquired` to the dashboard.
    """
    session_id = _clean_session(session_id)
    holder_name = _clean_holder_name(holder_name)
    if not str(graphic_id).isdigit():
        raise NotFound(f"Graphic {graphic_id} not found.")
    params = {
        "graphic_id": int(graphic_id), "session_id": session_id, "holder_name": holder_name,
        "user_id": user.pk if getattr(user, "is_authenticated", False) else None,
        "locked_by": holder_name or _name_of(user) or "anonymous",
    }
    for _ in range(LOCK_ATTEMPTS):
        now = timezone.now()
        params["now"] = connection.ops.adapt_datetimefield_value(now)
        params["expires_at"] = connection.ops.adapt_datetimefield_value(
            now + timedelta(seconds=settings.LOCK_TTL_SECONDS))
        with transaction.atomic(durable=True):
            lock = next(iter(CanvasLock.objects.raw(_acquire_sql(), params)), None)
            if lock is not None:
                _publish_lock(events.LOCK_ACQUIRED, lock_json(lock, session_id=None))
                return lock
        # Refused; unless for a reason that still holds, the other lock has ended (or expired)
        # since: try again, at the new time.
        _refuse_acquire(graphic_id)
    raise Conflict(f"Graphic {graphic_id} changed hands while it was being locked; try again.",
                   code="locked")


def _refuse_acquire(graphic_id) -> None:
    """Why the lock was not taken: no such graphic, archived, or another session's live lock."""
    archived = Graphic.objects.filter(pk=graphic_id).values_list("archived", flat=True).first()
    if archived is None:
        raise NotFound(f"Graphic {graphic_id} not found.")
    if archived:
        raise Conflict(f"Graphic {graphic_id} is archived; it cannot be locked.", code="archived")
    other = live_lock_of(graphic_id)
    if other is not None:
        raise _lock_conflict(other, "try again when it is released")


def lock_refresh(*, graphic_id, session_id: str, user) -> CanvasLock:
    """Extend this session's live lock by LOCK_TTL_SECONDS; 404 when it holds none."""
    session_id = _clean_session(session_id)
    with transaction.atomic(durable=True):
        graphic = _locked_graphic(graphic_id, "archived")
        lock = live_lock_of(graphic.pk)
        if lock is None or lock.session_id != session_id:
            raise NotFound(f"This session holds no live lock on graphic {graphic.pk}.",
                           code="lock_not_found")
        lock.expires_at = timezone.now() + timedelta(seconds=settings.LOCK_TTL_SECONDS)
        lock.save(update_fields=["expires_at"])
    return lock


def _publish_released(lock: CanvasLock, reason: str) -> None:
    _publish_lock(events.LOCK_RELEASED,
                  {"graphic_id": lock.graphic_id, "locked_by": lock.locked_by, "reason": reason})


def _release(lock: CanvasLock, reason: str) -> None:
    lock.delete()
    _publish_released(lock, reason)


def lock_release(*, graphic_id, session_id: str, user) -> bool:
    """End this session's lock; True when there was one. Idempotent.

    Refuses (409) to end another session's live lock. Publishes `lock_released`.
    """
    session_id = _clean_session(session_id)
    if not str(graphic_id).isdigit():
        raise NotFound(f"Graphic {graphic_id} not found.")
    with transaction.atomic(durable=True):
        # One statement ends this session's lock, live or expired.
        lock = next(iter(CanvasLock.objects.raw(
            f"DELETE FROM {CanvasLock._meta.db_table} WHERE graphic_id = %s AND session_id = %s "
            "RETURNING *", [int(graphic_id), session_id])), None)
        if lock is not None:
            _publish_released(lock, "released")
            return True
    if not Graphic.objects.filter(pk=graphic_id).exists():
        raise NotFound(f"Graphic {graphic_id} not found.")
    other = live_lock_of(graphic_id)
    if other is not None:
        raise _lock_conflict(other, "only its session can release it")
    return False


def lock_break(*, graphic_id, user) -> bool:
    """End whichever session's lock (Administrator only); True when there was a live one.

    Publishes `lock_released` with the reason, so the holder's editor learns of it.
    """
    if not is_administrator(user):
        raise PermissionDenied("Only an Administrator can break a lock.")
    with transaction.atomic(durable=True):
        graphic = _locked_graphic(graphic_id, "archived")
        lock = live_lock_of(graphic.pk)
        if lock is None:
            CanvasLock.objects.filter(graphic=graphic).delete()
            return False
        _release(lock, f"broken by {_name_of(user) or 'an administrator'}")
    return True


def locks_cleanup() -> int:
    """Delete every expired lock; answers how many. Publishes `lock_released` for each."""
    with transaction.atomic(durable=True):
        # Graphic rows first, as every other lock writer does, so no two orders deadlock.
        graphic_ids = CanvasLock.objects.filter(expires_at__lte=timezone.now()).values("graphic_id")
        list(Graphic.objects.select_for_update().filter(pk__in=graphic_ids).order_by("pk").values("pk"))
        expired = list(CanvasLock.objects.filter(expires_at__lte=timezone.now()))
        for lock in expired:
            _release(lock, "expired")
    return len(expired)
