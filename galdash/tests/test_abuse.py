"""Abuse on a real daphne process: each attack is refused cleanly and the server keeps
answering everyone else afterwards."""

import asyncio
import json

import httpx
import pytest
import websockets
from channels.db import database_sync_to_async

from accounts.models import AuthLog, User
from conftest import access_token, make_user
from graphics.models import Graphic
from realtime.tests.socket_helpers import role_groups  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("role_groups")]

NESTED = "[" * 100_000 + "]" * 100_000


@pytest.fixture
def server(daphne_server):
    return daphne_server("abuse", LOGIN_FAILURE_LIMIT=5)


@pytest.fixture
def graphic(transactional_db):
    return Graphic.objects.create(title="Scoreboard", data_json={"elements": []}, version=1)


def still_serves(server, token: str | None = None) -> None:
    assert httpx.get(f"{server.url}/health", timeout=5).status_code == 200
    if token:
        response = httpx.get(f"{server.url}/api/v1/graphics",
                             headers={"Authorization": f"Bearer {token}"}, timeout=5)
        assert response.status_code == 200, response.text


def overlay_url(server, graphic: Graphic, key: str | None = None) -> str:
    return f"{server.ws_url}/ws/overlay/{graphic.pk}/?key={key or graphic.overlay_key}"


def test_login_brute_force_is_throttled_with_retry_after_and_every_attempt_logged(
    server, editor
):
    answers = [httpx.post(f"{server.url}/auth/token",
                          json={"username": editor.username, "password": f"guess-{n}"}, timeout=5)
               for n in range(8)]

    assert [answer.status_code for answer in answers] == [401] * 4 + [429] * 4
    refused = answers[-1]
    assert refused.json()["code"] == "throttled"
    assert int(refused.headers["Retry-After"]) > 0
    # Refused attempts are logged too.
    assert AuthLog.objects.filter(username=editor.username, success=False).count() == 8
    still_serves(server, access_token(editor))


def test_a_body_over_the_limit_gets_413(server, editor):
    response = httpx.put(f"{server.url}/api/v1/graphics/1",
                         headers={"Authorization": f"Bearer {access_token(editor)}",
                                  "Content-Type": "application/json"},
                         content=b'{"title": "' + b"x" * (6 * 1024 * 1024) + b'"}', timeout=20)

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    still_serves(server, access_token(editor))


def test_deeply_nested_json_in_a_graphic_gets_400(server, editor, graphic):
    token = access_token(editor)
    response = httpx.put(
        f"{server.url}/api/v1/graphics/{graphic.pk}",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        content='{"data_json": {"elements": ' + NESTED + "}}", timeout=10)

    assert response.status_code == 400, response.text
    assert "detail" in response.json()
    graphic.refresh_from_db()
    assert graphic.version == 1
    still_serves(server, token)


def test_deeply_nested_json_in_a_login_gets_400(server, editor):
    response = httpx.post(f"{server.url}/auth/token", headers={"Content-Type": "application/json"},
                          content='{"username": ' + NESTED + "}", timeout=10)

    assert response.status_code == 400, response.text
    assert "detail" in response.json()
    still_serves(server, access_token(editor))


async def socket_refuses_frame(url: str, frame: str | bytes) -> None:
    """Sends the frame; the server either closes the socket or answers an error."""
    async with websockets.connect(url, max_size=None) as socket:
        first = json.loads(await asyncio.wait_for(socket.recv(), 3))
        try:
            # The server may close while a huge frame is still on its way.
            await socket.send(frame)
            answer = json.loads(await asyncio.wait_for(socket.recv(), 5))
        except websockets.ConnectionClosed:
            return
        assert answer["type"] == "error" or first["type"] == "snapshot", answer


@pytest.mark.parametrize("frame", [b"\x00\xff" * 1024, "x" * (2 * 1024 * 1024),
                                   b"\x89" * (2 * 1024 * 1024)],
                         ids=["binary", "huge-text", "huge-binary"])
async def test_huge_or_binary_frames_on_both_sockets_are_refused(server, editor, graphic, frame):
    token = await database_sync_to_async(access_token)(editor)

    # A bystander stays connected throughout; it keeps answering.
    async with websockets.connect(overlay_url(server, graphic)) as bystander:
        assert json.loads(await asyncio.wait_for(bystander.recv(), 3))["type"] == "snapshot"
        await socket_refuses_frame(f"{server.ws_url}/ws/dashboard/?token={token}", frame)
        await socket_refuses_frame(overlay_url(server, graphic), frame)
        async with websockets.connect(overlay_url(server, graphic)) as overlay:
            assert json.loads(await asyncio.wait_for(overlay.recv(), 3))["type"] == "snapshot"
        await bystander.send(json.dumps({"type": "ping"}))
        assert json.loads(await asyncio.wait_for(bystander.recv(), 3))["type"] == "pong"
    await asyncio.to_thread(still_serves, server, token)


async def test_deeply_nested_json_on_the_dashboard_socket_gets_an_error_and_stays_open(
    server, editor
):
    token = await database_sync_to_async(access_token)(editor)

    async with websockets.connect(f"{server.ws_url}/ws/dashboard/?token={token}") as socket:
        await asyncio.wait_for(socket.recv(), 3)
        await socket.send(NESTED)
        answer = json.loads(await asyncio.wait_for(socket.recv(), 3))
        await socket.send(json.dumps({"type": "ping"}))
        pong = json.loads(await asyncio.wait_for(socket.recv(), 3))

    assert answer["type"] == "error"
    assert pong["type"] == "pong"


async def test_three_hundred_sockets_at_once_from_one_client(server, graphic):
    async def one():
        try:
            socket = await websockets.connect(overlay_url(server, graphic), open_timeout=10)
        except (TimeoutError, OSError, websockets.InvalidHandshake) as error:
            return error
        try:
            return json.loads(await asyncio.wait_for(socket.recv(), 10))["type"]
        except (TimeoutError, websockets.ConnectionClosed) as error:
            return error
        finally:
            await socket.close()

    outcomes = await asyncio.gather(*(one() for _ in range(300)))

    accepted = [outcome for outcome in outcomes if outcome == "snapshot"]
    refused = [outcome for outcome in outcomes if outcome != "snapshot"]
    assert all(isinstance(outcome, Exception) for outcome in refused), refused[:3]
    assert len(accepted) + len(refused) == 300
    assert len(accepted) > 0
    async with httpx.AsyncClient() as client:
        assert (await client.get(f"{server.url}/health", timeout=5)).status_code == 200


@pytest.mark.parametrize("fate", ["deleted", "deactivated"])
async def test_tokens_of_a_gone_user_are_refused_on_rest_and_socket(server, editor, fate):
    victim = await database_sync_to_async(make_user)("gone-editor", "Editor", is_staff=True)
    token = await database_sync_to_async(access_token)(victim)
    if fate == "deleted":
        await database_sync_to_async(victim.delete)()
    else:
        await database_sync_to_async(User.objects.filter(pk=victim.pk).update)(is_active=False)

    async with httpx.AsyncClient() as client:
        response = await client.get(f"{server.url}/api/v1/graphics",
                                    headers={"Authorization": f"Bearer {token}"})
    async with websockets.connect(f"{server.ws_url}/ws/dashboard/?token={token}") as socket:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:
                await asyncio.wait_for(socket.recv(), 3)

    assert response.status_code == 401
    assert response.json()["code"]
    assert closed.value.rcvd.code == 4001
    await asyncio.to_thread(still_serves, server,
                            await database_sync_to_async(access_token)(editor))


async def test_a_rotated_overlay_key_cuts_off_socket_page_and_view(server, editor, graphic):
    token = await database_sync_to_async(access_token)(editor)
    old_key = graphic.overlay_key
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as client:
        rotated = await client.post(f"{server.url}/api/v1/graphics/{graphic.pk}/overlay-key")
    new_key = (await database_sync_to_async(Graphic.objects.get)(pk=graphic.pk)).overlay_key

    async with websockets.connect(overlay_url(server, graphic, old_key)) as socket:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:
                await asyncio.wait_for(socket.recv(), 3)
    async with httpx.AsyncClient() as anonymous:
        page = await anonymous.get(f"{server.url}/overlay/{graphic.pk}?key={old_key}")
        view = await anonymous.get(f"{server.url}/api/v1/graphics/{graphic.pk}/view?key={old_key}")
        new_view = await anonymous.get(
            f"{server.url}/api/v1/graphics/{graphic.pk}/view?key={new_key}")

    assert rotated.status_code == 200
    assert new_key != old_key
    assert closed.value.rcvd.code == 4004
    assert page.status_code in (401, 404)
    assert view.status_code in (401, 404)
    assert new_view.status_code == 200
    async with websockets.connect(overlay_url(server, graphic, new_key)) as overlay:
        assert json.loads(await asyncio.wait_for(overlay.recv(), 3))["type"] == "snapshot"
