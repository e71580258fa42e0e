"""A flooding or vanishing overlay: message budget (4029), resyncs coalesced, and presence that
ends with the socket however it ends, or expires when its pings stop."""

import asyncio
import json
import time

import httpx
import pytest
import websockets
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from conftest import access_token
from galdash.asgi import application
from graphics.models import Graphic
from realtime import presence
from realtime.consumers import CLOSE_TOO_MANY_MESSAGES
from realtime.tests.socket_helpers import role_groups  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("role_groups")]


@pytest.fixture
def graphic(transactional_db):
    return Graphic.objects.create(title="G", data_json={"elements": []}, version=1)


def overlay_url(server, graphic) -> str:
    return f"{server.ws_url}/ws/overlay/{graphic.pk}/?key={graphic.overlay_key}"


async def test_a_ping_flood_is_closed_4029_and_others_keep_their_socket(daphne_server, graphic):
    server = await database_sync_to_async(daphne_server)("flood", WS_MESSAGE_BURST="60",
                                                           WS_MESSAGES_PER_SECOND="5")
    async with websockets.connect(overlay_url(server, graphic)) as bystander:
        await asyncio.wait_for(bystander.recv(), 5)
        async with websockets.connect(overlay_url(server, graphic), max_queue=None) as flooder:
            await asyncio.wait_for(flooder.recv(), 5)
            ping = json.dumps({"type": "ping"})
            pongs = 0
            try:
                for _ in range(2000):
                    await flooder.send(ping)
                while True:
                    if json.loads(await asyncio.wait_for(flooder.recv(), 5))["type"] == "pong":
                        pongs += 1
            except websockets.ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd else None

        assert code == CLOSE_TOO_MANY_MESSAGES
        assert pongs < 200  # the burst and what the rate refilled, not 2000
        await bystander.send(ping)
        assert json.loads(await asyncio.wait_for(bystander.recv(), 5))["type"] == "pong"


async def test_a_resync_flood_is_coalesced(graphic):
    communicator = WebsocketCommunicator(application, f"/ws/overlay/{graphic.pk}/?key={graphic.overlay_key}")
    assert (await communicator.connect())[0]
    assert json.loads(await communicator.receive_from(3))["type"] == "snapshot"

    for _ in range(40):
        await communicator.send_to(text_data=json.dumps({"type": "resync"}))
    snapshots = 0
    while not await communicator.receive_nothing(1):
        snapshots += json.loads(await communicator.receive_from())["type"] == "snapshot"
    await communicator.disconnect()

    assert 1 <= snapshots <= 3, snapshots  # not 40 canvases re-read and re-sent


async def test_an_overlay_killed_without_a_disconnect_leaves_the_list(graphic):
    communicator = WebsocketCommunicator(application, f"/ws/overlay/{graphic.pk}/?key={graphic.overlay_key}")
    assert (await communicator.connect())[0]
    await communicator.receive_from(3)
    assert [record["graphic_id"] for record in presence.local_records()] == [graphic.pk]

    communicator.future.cancel()  # what daphne does to an instance slow to stop
    with pytest.raises(asyncio.CancelledError):
        await communicator.future
    await asyncio.sleep(0)

    assert presence.local_records() == []


async def test_an_overlay_that_stops_pinging_expires_from_the_list(daphne_server, graphic, editor):
    server = await database_sync_to_async(daphne_server)("presence", PRESENCE_TTL_SECONDS="2")
    token = await database_sync_to_async(access_token)(editor)

    async def listed() -> int:
        async with httpx.AsyncClient(timeout=5) as client:
            response = await client.get(f"{server.url}/api/v1/overlays?graphic_id={graphic.pk}",
                                        headers={"Authorization": f"Bearer {token}"})
        return len(response.json()["overlays"] if isinstance(response.json(), dict) else response.json())

    async with websockets.connect(overlay_url(server, graphic)) as silent, \
            websockets.connect(overlay_url(server, graphic)) as pinging:
        await silent.recv(), await pinging.recv()
        await asyncio.sleep(0.5)
        assert await listed() == 2  # positive control
        deadline = time.monotonic() + 3.5
        while time.monotonic() < deadline:
            await pinging.send(json.dumps({"type": "ping"}))
            await pinging.recv()
            await asyncio.sleep(0.5)
        assert await listed() == 1
