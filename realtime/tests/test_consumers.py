"""The dashboard socket, against the real ASGI application."""

import asyncio
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from rest_framework_simplejwt.tokens import AccessToken

from conftest import access_token, client_for
from realtime.consumers import wait_at_most
from realtime.events import DASHBOARD_GROUP
from realtime.hub import get_hub
from realtime.tests.socket_helpers import (
    close_code,
    eventually,
    open_socket,
    publish_committed,
    receive,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("role_groups")]


@pytest.fixture
def token(viewer):
    return access_token(viewer)


async def test_the_old_path_greets_with_connection_established(token):
    socket = await open_socket(f"/api/v1/ws/{token}")

    hello = await receive(socket)

    assert hello["type"] == "connection_established"
    assert hello["data"]["username"] == "vera-viewer"
    assert hello["data"]["roles"] == ["Viewer"]
    assert hello["timestamp"]
    await socket.disconnect()


async def test_the_query_token_path_answers_ping_with_pong(token):
    socket = await open_socket(f"/ws/dashboard/?token={token}")
    await receive(socket)

    await socket.send_json_to({"type": "ping"})

    assert (await receive(socket))["type"] == "pong"
    await socket.disconnect()


@pytest.mark.parametrize("path", ["/api/v1/ws/not-a-token", "/ws/dashboard/",
                                  "/ws/dashboard/?token=abc.def.ghi"])
async def test_a_bad_or_missing_token_closes_4001(db, path):
    socket = await open_socket(path)

    assert await close_code(socket) == 4001


async def test_an_expired_token_closes_4001(viewer):
    token = AccessToken.for_user(viewer)
    token.set_exp(lifetime=-timedelta(seconds=5))

    socket = await open_socket(f"/api/v1/ws/{token}")

    assert await close_code(socket) == 4001


async def test_a_deactivated_users_token_closes_4001(viewer, token):
    viewer.is_active = False
    await database_sync_to_async(viewer.save)(update_fields=["is_active"])

    socket = await open_socket(f"/api/v1/ws/{token}")

    assert await close_code(socket) == 4001


async def test_invalid_json_and_unknown_types_get_an_error_and_keep_the_socket(token):
    socket = await open_socket(f"/api/v1/ws/{token}")
    await receive(socket)

    await socket.send_to(text_data="{not json")
    invalid = await receive(socket)
    await socket.send_json_to({"type": "dance"})
    unknown = await receive(socket)
    await socket.send_json_to({"type": "ping"})

    assert invalid["type"] == "error" and "Invalid JSON" in invalid["data"]["message"]
    assert unknown["type"] == "error" and "dance" in unknown["data"]["message"]
    assert (await receive(socket))["type"] == "pong"
    await socket.disconnect()


async def test_every_dashboard_event_comes_until_the_client_subscribes(token):
    socket = await open_socket(f"/api/v1/ws/{token}")
    await receive(socket)

    await publish_committed(DASHBOARD_GROUP, "system_notification", {"message": "hi"})
    first = await receive(socket)
    await socket.send_json_to({"type": "subscribe", "event_type": "graphic_updated"})
    confirmed = await receive(socket)
    await publish_committed(DASHBOARD_GROUP, "system_notification", {"message": "filtered"})
    await publish_committed(DASHBOARD_GROUP, "graphic_updated", {"id": 7})
    wanted = await receive(socket)

    assert first["type"] == "system_notification"
    assert confirmed["type"] == "subscription_confirmed"
    assert confirmed["data"]["subscriptions"] == ["graphic_updated"]
    assert wanted == {"type": "graphic_updated", "data": {"id": 7},
                      "timestamp": wanted["timestamp"]}
    await socket.send_json_to({"type": "unsubscribe", "event_type": "graphic_updated"})
    assert (await receive(socket))["data"]["subscriptions"] == []
    await publish_committed(DASHBOARD_GROUP, "system_notification", {"message": "all again"})
    assert (await receive(socket))["data"] == {"message": "all again"}
    await socket.disconnect()


async def test_subscribing_to_an_unknown_event_type_is_an_error(token):
    socket = await open_socket(f"/api/v1/ws/{token}")
    await receive(socket)

    await socket.send_json_to({"type": "subscribe", "event_type": "nonsense"})

    answer = await receive(socket)
    assert answer["type"] == "error" and "graphic_updated" in answer["data"]["message"]
    await socket.disconnect()


async def test_an_idle_socket_gets_disconnecting_then_closes(token, settings):
    settings.WS_IDLE_TIMEOUT_SECONDS = 1
    socket = await open_socket(f"/api/v1/ws/{token}")
    await receive(socket)
    await asyncio.sleep(0.6)
    await socket.send_json_to({"type": "ping"})  # a message resets the clock
    await receive(socket)

    goodbye = await receive(socket, timeout=3)

    assert goodbye["type"] == "disconnecting"
    assert await close_code(socket) == 1000


async def test_a_disabled_dashboard_refuses_the_socket(token, settings):
    settings.ENABLE_DASHBOARD = False

    socket = await open_socket(f"/api/v1/ws/{token}")

    assert await close_code(socket) == 4503


async def test_a_foreign_origin_is_refused_and_allowed_ones_connect(token):
    from channels.testing import WebsocketCommunicator

    from galdash.asgi import application

    foreign = WebsocketCommunicator(application, f"/api/v1/ws/{token}",
                                    headers=[(b"origin", b"https://evil.example")])
    connected, _ = await foreign.connect()
    assert not connected

    for origin in ("http://localhost:3000", "http://127.0.0.1:8000"):
        socket = await open_socket(f"/api/v1/ws/{token}", origin=origin)
        assert (await receive(socket))["type"] == "connection_established"
        await socket.disconnect()


async def test_one_broadcast_reaches_the_process_once_and_every_socket_gets_it(token):
    before = set(await layer_group_members(DASHBOARD_GROUP))
    sockets = [await open_socket(f"/api/v1/ws/{token}") for _ in range(30)]
    for socket in sockets:
        await receive(socket)

    await publish_committed(DASHBOARD_GROUP, "system_notification", {"n": 1})

    received = [(await receive(socket))["data"] for socket in sockets]
    joined = set(await layer_group_members(DASHBOARD_GROUP)) - before
    hub_channel = get_hub().channel
    for socket in sockets:
        await socket.disconnect()
    assert received == [{"n": 1}] * 30
    assert joined == {hub_channel}
    assert set(await layer_group_members(DASHBOARD_GROUP)) == before


async def layer_group_members(group: str) -> list[str]:
    layer = get_channel_layer()
    if hasattr(layer, "groups"):  # in-memory
        return list(layer.groups.get(group, {}))
    connection = layer.connection(layer.consistent_hash(group))
    return [name.decode() for name in await connection.zrange(layer._group_key(group), 0, -1)]


async def test_ws_status_counts_dashboard_sockets_and_their_users(viewer, editor, token):
    editor_token = await database_sync_to_async(access_token)(editor)
    sockets = [await open_socket(f"/api/v1/ws/{value}") for value in (token, token, editor_token)]

    body = await eventually(lambda: status_when(viewer, active_connections=3))

    assert body["connected_users"] == 2
    assert body["scope"] == ("cluster" if settings.REDIS_URL else "process")
    assert body["timestamp"]
    for socket in sockets:
        await socket.disconnect()
    assert await eventually(lambda: status_when(viewer, active_connections=0))


def status_when(user, **expected) -> dict | None:
    response = client_for(user).get("/api/v1/ws/status")
    assert response.status_code == 200
    body = response.json()
    return body if all(body[key] == value for key, value in expected.items()) else None


def test_ws_status_needs_a_token(api_client):
    response = api_client.get("/api/v1/ws/status")

    assert response.status_code == 401
    assert response.json()["code"]


async def test_a_watch_cancelled_as_its_event_is_set_stops():
    # A dashboard socket's session watch waits on its recheck event: a socket that closes just
    # as a `user_update` about its account arrives cancels the watch as the event is set. The
    # watch must end then, not loop on checking a session whose socket is gone.
    event = asyncio.Event()
    watch = asyncio.ensure_future(wait_at_most(event, 10))
    await asyncio.sleep(0)
    event.set()
    watch.cancel()

    with pytest.raises(asyncio.CancelledError):
        await watch


async def test_a_watch_ends_when_its_event_is_set_or_its_time_is_up():
    event = asyncio.Event()
    waiting = asyncio.ensure_future(wait_at_most(event, 10))
    await asyncio.sleep(0)
    event.set()
    await asyncio.wait_for(waiting, 1)  # set: ends at once

    started = asyncio.get_running_loop().time()
    await wait_at_most(asyncio.Event(), 0.05)  # never set: ends after its time
    assert asyncio.get_running_loop().time() - started >= 0.05
