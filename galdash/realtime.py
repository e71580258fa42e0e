"""The one way to send a real-time event.

`publish(group, type, data)` is called from services inside their transaction. The message
`{type, data, timestamp}` is serialized once, here, so a payload that cannot be serialized
fails where it is built; it is sent on `transaction.on_commit`, so a rolled-back write never
reaches a screen.
"""

import json
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

DASHBOARD_GROUP = "dashboard"

# Event names.
PLACEMENT_UPDATE = "placement_update"


def graphic_group(graphic_id) -> str:
    return f"graphic.{graphic_id}"


def tournament_group(tournament_id) -> str:
    return f"tournament.{tournament_id}"


def encode(event_type: str, data) -> str:
    message = {"type": event_type, "data": data, "timestamp": timezone.now().isoformat()}
    return json.dumps(message, cls=DjangoJSONEncoder, separators=(",", ":"))


def send_now(group: str, event_type: str, text: str) -> None:
    """Hand the serialized message to the layer; each process's hub fans it out
    (`galdash.fanout`)."""
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "broadcast", "group": group, "event": event_type, "text": text}
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:  # a down channel layer must never undo a committed write
        logger.exception("Could not deliver a real-time event to %s", group)


def publish(group: str, event_type: str, data) -> None:
    """Send `{type, data, timestamp}` to `group` once the current transaction commits."""
    text = encode(event_type, data)
    transaction.on_commit(lambda: send_now(group, event_type, text))
