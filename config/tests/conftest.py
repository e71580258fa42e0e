import asyncio
import json

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from config.models import Configuration
from realtime.events import DASHBOARD_GROUP


class EventListener:
    """A dashboard client on the channel layer: collects the events sent to the group."""

    def __init__(self, group: str):
        self.layer = get_channel_layer()
        self.channel = async_to_sync(self.layer.new_channel)()
        async_to_sync(self.layer.group_add)(group, self.channel)

    def events(self) -> list[dict]:
        async def drain():
            received = []
            while True:
                try:
                    message = await asyncio.wait_for(self.layer.receive(self.channel), 0.2)
                except TimeoutError:
                    return received
                received.append(json.loads(message["text"]))

        return async_to_sync(drain)()


@pytest.fixture
def dashboard_events():
    return EventListener(DASHBOARD_GROUP)


def make_configuration(key: str, value, *, category: str = "general",
                       description: str = "") -> Configuration:
    return Configuration.objects.create(key=key, value=value, category=category,
                                        description=description)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The staff fixtures set passwords; a slow hasher only slows these tests down."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
