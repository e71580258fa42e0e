import asyncio
import json

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


class Listener:
    """Receives what `publish` sends to one group on the channel layer."""

    def __init__(self, group: str):
        self.layer = get_channel_layer()
        self.channel = async_to_sync(self.layer.new_channel)()
        async_to_sync(self.layer.group_add)(group, self.channel)

    def messages(self) -> list[dict]:
        async def drain():
            received = []
            while True:
                try:
                    message = await asyncio.wait_for(self.layer.receive(self.channel), timeout=0.2)
                except TimeoutError:
                    return received
                received.append(json.loads(message["text"]))

        return async_to_sync(drain)()

    def of_type(self, event_type: str) -> list[dict]:
        return [m["data"] for m in self.messages() if m["type"] == event_type]


@pytest.fixture
def listen():
    return Listener

