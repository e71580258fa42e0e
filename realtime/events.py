"""The one way to send a real-time event, and the names of the events.

`publish(groups, type, data)` is called from services inside their transaction. The message
`{type, data, timestamp}` is serialized once, here, for every group it goes to (one text, one
timestamp), so a payload that cannot be serialized fails where it is built; it is sent on
`transaction.on_commit`, so a rolled-back write never reaches a screen. `send` is the point
every event passes on its way to the channel layer.
"""

import json
import logging
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

DASHBOARD_GROUP = "dashboard"

# Events of the `dashboard` group (a dashboard socket may subscribe to each of these) ...
GRAPHIC_CREATED = "graphic_created"
GRAPHIC_UPDATED = "graphic_updated"
GRAPHIC_ARCHIVED = "graphic_archived"
GRAPHIC_RESTORED = "graphic_restored"
GRAPHIC_DELETED = "graphic_deleted"
LOCK_ACQUIRED = "lock_acquired"
LOCK_RELEASED = "lock_released"
ON_AIR = "on_air"
OFF_AIR = "off_air"
TOURNAMENT_UPDATE = "tournament_update"
USER_UPDATE = "user_update"
CONFIGURATION_UPDATE = "configuration_update"
PLACEMENT_UPDATE = "placement_update"
STANDINGS_UPDATE = "standings_update"
SYSTEM_NOTIFICATION = "system_notification"
OVERLAY_CONNECTED = "overlay_connected"
OVERLAY_DISCONNECTED = "overlay_disconnected"
# ... and of a graphic's group only.
OVERLAY_KEY_ROTATED = "overlay_key_rotated"

DASHBOARD_EVENTS = frozenset({
    GRAPHIC_CREATED, GRAPHIC_UPDATED, GRAPHIC_ARCHIVED, GRAPHIC_RESTORED, GRAPHIC_DELETED,
    LOCK_ACQUIRED, LOCK_RELEASED, ON_AIR, OFF_AIR, TOURNAMENT_UPDATE, USER_UPDATE,
    CONFIGURATION_UPDATE, PLACEMENT_UPDATE, STANDINGS_UPDATE, SYSTEM_NOTIFICATION,
    OVERLAY_CONNECTED, OVERLAY_DISCONNECTED,
})


def graphic_group(graphic_id) -> str:
    return f"graphic.{graphic_id}"


def tournament_group(tournament_id) -> str:
    return f"tournament.{tournament_id}"


def encode(event_type: str, data) -> str:
    message = {"type": event_type, "data": data, "timestamp": timezone.now().isoformat()}
    return json.dumps(message, cls=DjangoJSONEncoder, separators=(",", ":"))


def send_now(group: str, event_type: str, text: str) -> None:
    """Hand the serialized message to the layer; each process's hub fans it out
    (`realtime.hub`)."""
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "broadcast", "group": group, "event": event_type, "text": text}
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:  # a down channel layer must never undo a committed write
        logger.exception("Could not deliver a real-time event to %s", group)


def send(groups: tuple[str, ...], event_type: str, text: str) -> None:
    """Every committed event passes here, once, on its way to each of its groups."""
    for group in groups:
        send_now(group, event_type, text)


def publish(groups: str | Iterable[str], event_type: str, data) -> None:
    """Send `{type, data, timestamp}` to `groups` (one group or several) once the current
    transaction commits."""
    groups = (groups,) if isinstance(groups, str) else tuple(groups)
    text = encode(event_type, data)
    transaction.on_commit(lambda: send(groups, event_type, text))
