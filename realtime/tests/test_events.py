import asyncio
import json

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

from realtime.events import DASHBOARD_GROUP, graphic_group, publish

pytestmark = pytest.mark.django_db


def test_publish_reaches_the_channel_layer_after_commit(django_capture_on_commit_callbacks):
    """The layer itself, once: what `send` hands over is what a hub receives."""
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(DASHBOARD_GROUP, channel)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            publish(DASHBOARD_GROUP, "system_notification", {"message": "hello"})

    async def receive():
        return await asyncio.wait_for(layer.receive(channel), timeout=1)

    assert len(callbacks) == 1
    received = async_to_sync(receive)()
    assert (received["type"], received["group"], received["event"]) == (
        "broadcast", DASHBOARD_GROUP, "system_notification")
    message = json.loads(received["text"])
    assert message["type"] == "system_notification"
    assert message["data"] == {"message": "hello"}
    assert message["timestamp"]


def test_several_groups_get_one_encoding(events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            publish((DASHBOARD_GROUP, graphic_group(7)), "graphic_updated", {"id": 7})

    [(groups, message)] = events.sent
    assert groups == (DASHBOARD_GROUP, graphic_group(7))
    assert events.received(DASHBOARD_GROUP) == events.received(graphic_group(7)) == [message]


def test_nothing_is_sent_when_the_transaction_rolls_back(events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                publish(DASHBOARD_GROUP, "system_notification", {"message": "never"})
                raise RuntimeError("write failed")

    assert callbacks == [] and events.sent == []
    # Positive control: the same publish, committed, is sent.
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            publish(DASHBOARD_GROUP, "system_notification", {"message": "sent"})
    assert events.of_type("system_notification") == [{"message": "sent"}]


def test_a_payload_that_cannot_be_serialized_fails_where_it_is_built():
    with pytest.raises(TypeError):
        publish(DASHBOARD_GROUP, "system_notification", {"bad": object()})


@pytest.mark.redis
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL")
def test_an_idle_receive_on_redis_outlasts_the_blocking_pop_without_a_timeout_error():
    """The layer blocks 5 s per receive; the Redis client must not give up first."""
    layer = get_channel_layer()

    async def idle_then_receive():
        channel = await layer.new_channel()
        receiving = asyncio.ensure_future(layer.receive(channel))
        await asyncio.sleep(layer.brpop_timeout + 1.5)
        await layer.send(channel, {"type": "broadcast", "text": "late"})
        return await asyncio.wait_for(receiving, timeout=5)

    assert async_to_sync(idle_then_receive)()["text"] == "late"
