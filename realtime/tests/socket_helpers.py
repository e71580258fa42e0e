"""Helpers for socket tests: publish the way services do, read close codes."""

import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from accounts.roles import ROLES
from galdash.asgi import application
from realtime.events import publish


@database_sync_to_async
def publish_committed(group: str, event_type: str, data) -> None:
    """What a service does: publish inside its transaction; sent when it commits."""
    with transaction.atomic():
        publish(group, event_type, data)


async def open_socket(path: str, origin: str | None = None) -> WebsocketCommunicator:
    headers = [(b"origin", origin.encode())] if origin else []
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def receive(communicator: WebsocketCommunicator, timeout: float = 2) -> dict:
    return json.loads(await communicator.receive_from(timeout=timeout))


async def close_code(communicator: WebsocketCommunicator, timeout: float = 2) -> int:
    """Skips messages until the server closes; answers the close code."""
    while True:
        output = await communicator.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            await communicator.disconnect(code=output.get("code") or 1000)
            return output.get("code")


@pytest.fixture
def role_groups(transactional_db):
    """The role groups a migration creates; a transactional test's flush removes them."""
    from django.contrib.auth.models import Group

    for role in ROLES:
        Group.objects.get_or_create(name=role)


async def eventually(check, timeout: float = 3):
    """Polls the sync `check()` until it answers something truthy (presence reaches Redis in
    batches, a fraction of a second after the socket changes)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await database_sync_to_async(check)()
        if result or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(0.05)
