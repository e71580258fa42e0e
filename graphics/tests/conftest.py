"""Builders and an event listener for the graphics tests."""

import asyncio
import json

import pytest
from channels.layers import get_channel_layer

from galdash.realtime import DASHBOARD_GROUP, graphic_group
from graphics import services


def canvas(*elements, **extra) -> dict:
    return {"elements": list(elements), **extra}


def text_element(element_id: str = "t1", **extra) -> dict:
    return {"id": element_id, "type": "text", "x": 10, "y": 20, "content": "Hello", **extra}


def list_element(element_id: str = "p1", kind: str = "players", **extra) -> dict:
    return {"id": element_id, "type": kind, "x": 100, "y": 200, "spacing": 40, "previewCount": 8, **extra}


def make_graphic(user, title: str = "Lobby standings", event_name: str = "Week 1", data_json=None, **fields):
    return services.graphic_create(user=user, title=title, event_name=event_name,
                                   data_json=data_json if data_json is not None else canvas(text_element()),
                                   **fields)


class EventListener:
    """Joins channel layer groups and answers the `{type, data, timestamp}` messages they got.

    One event loop for the whole test, so the in-memory layer's queues stay on one loop."""

    def __init__(self):
        self.layer = get_channel_layer()
        self.loop = asyncio.new_event_loop()
        self.channels: dict[str, str] = {}

    def listen(self, *groups: str) -> "EventListener":
        for group in groups:
            channel = self.loop.run_until_complete(self.layer.new_channel())
            self.loop.run_until_complete(self.layer.group_add(group, channel))
            self.channels[group] = channel
        return self

    def listen_graphic(self, graphic_id) -> "EventListener":
        return self.listen(graphic_group(graphic_id))

    def received(self, group: str = DASHBOARD_GROUP) -> list[dict]:
        async def drain():
            messages = []
            while True:
                try:
                    message = await asyncio.wait_for(self.layer.receive(self.channels[group]), 0.2)
                except TimeoutError:
                    return messages
                messages.append(json.loads(message["text"]))

        return self.loop.run_until_complete(drain())

    def types(self, group: str = DASHBOARD_GROUP) -> list[str]:
        return [message["type"] for message in self.received(group)]

    def close(self) -> None:
        for group, channel in self.channels.items():
            self.loop.run_until_complete(self.layer.group_discard(group, channel))
        self.loop.close()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The shared user fixtures set passwords; the production hasher would cost ~0.5 s a user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def events():
    listener = EventListener().listen(DASHBOARD_GROUP)
    yield listener
    listener.close()
