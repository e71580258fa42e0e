"""Sockets on real daphne processes sharing Redis: cross-process delivery, group expiry,
backpressure and connect bursts. The test process publishes through the same Redis layer,
as a service in any process does."""

import asyncio
import json
import socket
import time

import httpx
import pytest
import websockets
from channels.db import database_sync_to_async
from django.conf import settings

from conftest import access_token
from graphics.models import Graphic
from realtime.events import graphic_group
from realtime.tests.socket_helpers import publish_committed, role_groups  # noqa: F401

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("role_groups"),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (processes share Redis)"),
]


@pytest.fixture
def graphic(transactional_db):
    return Graphic.objects.create(title="Scoreboard", data_json={"elements": []}, version=1)


def overlay_url(server, graphic: Graphic) -> str:
    return f"{server.ws_url}/ws/overlay/{graphic.pk}/?key={graphic.overlay_key}"


async def overlays_listed_by(server, token: str, graphic: Graphic, total: int,
                             timeout: float = 3) -> dict:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as client:
        while True:
            response = await client.get(f"{server.url}/api/v1/overlays?graphic_id={graphic.pk}")
            body = response.json()
            if body["total"] == total or time.monotonic() > deadline:
                return body
            await asyncio.sleep(0.1)


async def test_an_edit_through_process_a_reaches_overlays_on_a_and_b(
    daphne_server, graphic, editor
):
    first, second = daphne_server("a"), daphne_server("b")
    token = await database_sync_to_async(access_token)(editor)

    async with websockets.connect(overlay_url(first, graphic)) as on_first, \
            websockets.connect(overlay_url(second, graphic)) as on_second:
        for socket in (on_first, on_second):
            assert json.loads(await socket.recv())["type"] == "snapshot"
        async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as client:
            response = await client.put(f"{first.url}/api/v1/graphics/{graphic.pk}",
                                        json={"title": "Edited on A"})
        received = [json.loads(await asyncio.wait_for(socket.recv(), 5))
                    for socket in (on_first, on_second)]
        listed = await overlays_listed_by(first, token, graphic, total=2)

    assert response.status_code == 200
    assert [(message["type"], message["data"]["title"], message["data"]["version"])
            for message in received] == [("graphic_updated", "Edited on A", 2)] * 2
    assert listed["total"] == 2
    assert all(overlay["client"].startswith("127.0.0.1:") for overlay in listed["overlays"])


async def test_an_overlay_keeps_receiving_past_the_layers_group_expiry(daphne_server, graphic):
    server = daphne_server("expiry", CHANNEL_GROUP_EXPIRY_SECONDS=2)

    async with websockets.connect(overlay_url(server, graphic)) as socket:
        await socket.recv()
        await asyncio.sleep(5)  # more than twice the expiry
        await publish_committed(graphic_group(graphic.pk), "on_air", {"id": graphic.pk})

        assert json.loads(await asyncio.wait_for(socket.recv(), 5))["type"] == "on_air"


async def test_a_client_that_stops_reading_is_dropped_and_the_others_stay_on_time(
    daphne_server, graphic, viewer
):
    server = daphne_server("backpressure", WS_QUEUE_SIZE=10)
    token = await database_sync_to_async(access_token)(viewer)
    payload = "x" * 64_000
    count = 300

    # A small receive buffer (no autotuning) and `max_queue=1`: the library stops reading the
    # socket once one message waits unread, and the kernel soon stops accepting more.
    tcp = socket.socket()
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16_384)
    tcp.connect(("127.0.0.1", server.port))
    stalled = await websockets.connect(overlay_url(server, graphic), sock=tcp, max_queue=1,
                                       max_size=None)
    async with websockets.connect(overlay_url(server, graphic), max_size=None) as reader:
        await reader.recv()
        await overlays_listed_by(server, token, graphic, total=2)
        delays = []
        for number in range(count):
            sent = time.monotonic()
            await publish_committed(graphic_group(graphic.pk), "graphic_updated",
                                    {"id": graphic.pk, "version": number, "filler": payload})
            message = json.loads(await asyncio.wait_for(reader.recv(), 2))
            delays.append(time.monotonic() - sent)
            assert message["data"]["version"] == number
        remaining = await overlays_listed_by(server, token, graphic, total=1, timeout=5)

    assert remaining["total"] == 1, "the stalled client is still connected"
    assert max(delays) < 1.0
    stalled.transport.abort()


async def test_two_hundred_overlays_connecting_at_once_all_get_their_snapshot_and_updates(
    daphne_server, graphic
):
    server = daphne_server("burst")

    sockets = await asyncio.gather(*[websockets.connect(overlay_url(server, graphic))
                                     for _ in range(200)])
    snapshots = await asyncio.gather(*[socket.recv() for socket in sockets])
    await publish_committed(graphic_group(graphic.pk), "off_air", {"id": graphic.pk})
    updates = await asyncio.gather(*[asyncio.wait_for(socket.recv(), 5) for socket in sockets])

    assert {json.loads(message)["type"] for message in snapshots} == {"snapshot"}
    assert {json.loads(message)["type"] for message in updates} == {"off_air"}
    await asyncio.gather(*[socket.close() for socket in sockets])
