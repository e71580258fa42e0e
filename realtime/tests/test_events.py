import json

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

from realtime.events import publish

pytestmark = pytest.mark.django_db


def _listen(group: str) -> str:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group, channel)
    return channel


def _receive(channel: str):
    import asyncio

    layer = get_channel_layer()

    async def receive():
        return await asyncio.wait_for(layer.receive(channel), timeout=1)

    return async_to_sync(receive)()


def test_publish_sends_type_data_and_timestamp_after_commit(django_capture_on_commit_callbacks):
    channel = _listen("dashboard")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            publish("dashboard", "system_notification", {"message": "hello"})

    assert len(callbacks) == 1
    message = json.loads(_receive(channel)["text"])
    assert message["type"] == "system_notification"
    assert message["data"] == {"message": "hello"}
    assert message["timestamp"]


def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                publish("dashboard", "system_notification", {"message": "never"})
                raise RuntimeError("write failed")

    assert callbacks == []


def test_a_payload_that_cannot_be_serialized_fails_where_it_is_built():
    with pytest.raises(TypeError):
        publish("dashboard", "system_notification", {"bad": object()})


@pytest.mark.redis
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL")
def test_an_idle_receive_on_redis_outlasts_the_blocking_pop_without_a_timeout_error():
    """The layer blocks 5 s per receive; the Redis client must not give up first."""
    import asyncio

    layer = get_channel_layer()

    async def idle_then_receive():
        channel = await layer.new_channel()
        receiving = asyncio.ensure_future(layer.receive(channel))
        await asyncio.sleep(layer.brpop_timeout + 1.5)
        await layer.send(channel, {"type": "broadcast", "text": "late"})
        return await asyncio.wait_for(receiving, timeout=5)

    assert async_to_sync(idle_then_receive)()["text"] == "late"
