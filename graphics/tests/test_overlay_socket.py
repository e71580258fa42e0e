"""The overlay socket, against the real ASGI application, fed the way services feed it:
`publish` inside a committed transaction."""

import pytest
from channels.db import database_sync_to_async

from conftest import access_token, client_for, make_user
from graphics import payloads
from graphics.models import Graphic
from realtime.events import DASHBOARD_GROUP, graphic_group, tournament_group
from realtime.presence import overlay_clients
from realtime.tests.socket_helpers import (  # noqa: F401 (role_groups is a fixture)
    close_code,
    eventually,
    open_socket,
    publish_committed,
    receive,
    role_groups,
)
from tournaments.models import Tournament

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("role_groups")]

CANVAS = {"elements": [{"id": "t1", "type": "text", "x": 10, "y": 20, "content": "Round 1"}]}


@pytest.fixture
def graphic(transactional_db):
    created = Graphic.objects.create(title="Lower third", data_json=CANVAS, version=3, on_air=True)
    # Its (absent) lock loaded now: the async tests build its payload without a query.
    return Graphic.objects.select_related("canvas_lock").get(pk=created.pk)


def overlay_path(graphic: Graphic, key: str | None = None) -> str:
    return f"/ws/overlay/{graphic.pk}/?key={graphic.overlay_key if key is None else key}"


def graphic_json(graphic: Graphic, **changes) -> dict:
    """What graphics services publish as `graphic_updated` data (the real payload), changed."""
    return {**payloads.graphic_json(graphic, overlay_base="http://testserver"), **changes}


async def test_connecting_sends_the_snapshot_of_the_graphic(graphic):
    socket = await open_socket(overlay_path(graphic))

    snapshot = await receive(socket)

    assert snapshot["type"] == "snapshot"
    assert snapshot["data"] == {
        "graphic": {"id": graphic.pk, "title": "Lower third", "data_json": CANVAS, "version": 3,
                    "on_air": True, "tournament_id": None, "layer": "main", "transition_in": "none",
                    "transition_out": "none", "transition_duration_ms": 500},
        "standings": [],
    }
    await socket.disconnect()


@pytest.mark.parametrize("case", ["wrong key", "no key", "unknown id", "not a number",
                                  "archived"])
async def test_an_overlay_that_may_not_show_the_graphic_is_closed_4004(graphic, case):
    path = {
        "wrong key": overlay_path(graphic, key="guess"),
        "no key": f"/ws/overlay/{graphic.pk}/",
        "unknown id": f"/ws/overlay/{graphic.pk + 1000}/?key={graphic.overlay_key}",
        "not a number": f"/ws/overlay/abc/?key={graphic.overlay_key}",
        "archived": overlay_path(graphic),
    }[case]
    if case == "archived":
        await Graphic.objects.filter(pk=graphic.pk).aupdate(archived=True)

    socket = await open_socket(path)

    assert await close_code(socket) == 4004


async def test_updates_on_air_and_off_air_reach_the_overlay_in_order(graphic):
    socket = await open_socket(overlay_path(graphic))
    await receive(socket)

    await publish_committed(graphic_group(graphic.pk), "graphic_updated",
                            graphic_json(graphic, version=4, title="New title"))
    await publish_committed(graphic_group(graphic.pk), "off_air",
                            graphic_json(graphic, version=4, on_air=False))
    await publish_committed(graphic_group(graphic.pk), "on_air", graphic_json(graphic, version=4))

    updated, off, on = [await receive(socket) for _ in range(3)]
    assert updated["type"] == "graphic_updated"
    assert updated["data"]["version"] == 4 and updated["data"]["title"] == "New title"
    assert (off["type"], off["data"]["on_air"]) == ("off_air", False)
    assert (on["type"], on["data"]["on_air"]) == ("on_air", True)
    await socket.disconnect()


async def test_another_graphics_events_do_not_reach_the_overlay(graphic):
    socket = await open_socket(overlay_path(graphic))
    await receive(socket)

    await publish_committed(graphic_group(graphic.pk + 1), "graphic_updated", {"id": 0})

    assert await socket.receive_nothing(timeout=0.3)
    # Positive control: the same event for this graphic arrives.
    await publish_committed(graphic_group(graphic.pk), "graphic_updated", graphic_json(graphic))
    assert (await receive(socket))["data"]["id"] == graphic.pk
    await socket.disconnect()


async def test_resync_answers_a_fresh_snapshot(graphic):
    socket = await open_socket(overlay_path(graphic))
    await receive(socket)
    await Graphic.objects.filter(pk=graphic.pk).aupdate(version=9, title="Edited")

    await socket.send_json_to({"type": "resync"})

    snapshot = await receive(socket)
    assert snapshot["type"] == "snapshot"
    assert snapshot["data"]["graphic"]["version"] == 9
    assert snapshot["data"]["graphic"]["title"] == "Edited"
    await socket.disconnect()


async def test_ping_answers_pong_and_records_the_version_shown(graphic):
    socket = await open_socket(overlay_path(graphic))
    await receive(socket)

    await socket.send_json_to({"type": "ping", "version": 3})

    assert (await receive(socket))["type"] == "pong"
    [client] = await eventually(
        lambda: [c for c in overlay_clients(graphic.pk) if c["version"] == 3])
    assert client["graphic_id"] == graphic.pk
    assert client["connected_at"] and client["last_ping"] and "client" in client
    await socket.disconnect()
    assert await eventually(lambda: overlay_clients(graphic.pk) == [])


OBS_ON_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/103.0.5060.134 Safari/537.36 OBS/30.0.2")


async def test_the_overlay_list_knows_the_browser_source_and_its_output(graphic):
    from channels.testing import WebsocketCommunicator

    from galdash.asgi import application

    program = WebsocketCommunicator(application, overlay_path(graphic),
                                    headers=[(b"user-agent", OBS_ON_WINDOWS.encode())])
    preview = WebsocketCommunicator(application, overlay_path(graphic) + "&output=preview")
    for socket in (program, preview):
        assert (await socket.connect())[0]
        await receive(socket)

    clients = await eventually(lambda: overlay_clients(graphic.pk) if len(overlay_clients(graphic.pk)) == 2
                               else None)
    assert sorted((c["user_agent"], c["output"]) for c in clients) == [
        ("", "preview"), (OBS_ON_WINDOWS, "program")]
    for socket in (program, preview):
        await socket.disconnect()


async def test_unknown_messages_get_an_error_and_keep_the_socket(graphic):
    socket = await open_socket(overlay_path(graphic))
    await receive(socket)

    await socket.send_to(text_data="nope")
    assert (await receive(socket))["type"] == "error"
    await socket.send_json_to({"type": "ping"})
    assert (await receive(socket))["type"] == "pong"
    await socket.disconnect()


@pytest.mark.parametrize("event", ["graphic_archived", "graphic_deleted", "overlay_key_rotated"])
async def test_archiving_deleting_or_rotating_the_key_sends_the_event_then_closes(graphic, event):
    socket = await open_socket(overlay_path(graphic))
    await receive(socket)

    await publish_committed(graphic_group(graphic.pk), event, {"id": graphic.pk})

    assert (await receive(socket))["type"] == event
    assert await close_code(socket) == 4004


async def test_the_overlay_follows_its_tournaments_standings(graphic):
    league = await Tournament.objects.acreate(name="Week 1")
    other = await Tournament.objects.acreate(name="Week 2")
    await Graphic.objects.filter(pk=graphic.pk).aupdate(tournament=league)
    socket = await open_socket(overlay_path(graphic))
    snapshot = await receive(socket)

    await publish_committed(tournament_group(other.pk), "standings_update",
                            {"tournament_id": other.pk, "round_names": [], "standings": []})
    await publish_committed(tournament_group(league.pk), "standings_update",
                            {"tournament_id": league.pk, "round_names": ["round_1"],
                             "standings": [{"rank": 1, "player_name": "Ana"}]})

    assert snapshot["data"]["graphic"]["tournament_id"] == league.pk
    update = await receive(socket)
    assert update["type"] == "standings_update"
    assert update["data"]["tournament_id"] == league.pk
    await socket.disconnect()


async def test_a_graphic_bound_to_no_tournament_draws_and_follows_the_default_standings(graphic):
    """The dashboard never binds its graphics to a tournament: they draw what `/players/ranked`
    answers without one (the latest active tournament), and follow its updates."""
    from tournaments.tests.builders import record_round, tournament_with_members

    await Tournament.objects.acreate(name="Old cup", status=Tournament.Status.COMPLETED)
    live, players = await database_sync_to_async(tournament_with_members)(8, name="Live cup")
    await database_sync_to_async(record_round)(live, 1, [players])
    other = await Tournament.objects.acreate(name="Draft cup")
    ranked = await database_sync_to_async(client_for(None).get)("/api/v1/players/ranked")
    socket = await open_socket(overlay_path(graphic))
    snapshot = await receive(socket)

    await publish_committed(tournament_group(other.pk), "standings_update",
                            {"tournament_id": other.pk, "round_names": [], "standings": []})
    await publish_committed(tournament_group(live.pk), "standings_update",
                            {"tournament_id": live.pk, "round_names": ["round_1"], "standings": []})

    assert snapshot["data"]["graphic"]["tournament_id"] is None
    assert [row["player_name"] for row in snapshot["data"]["standings"]] == [
        row["player_name"] for row in ranked.json()["players"]]
    assert len(snapshot["data"]["standings"]) == 8
    update = await receive(socket)
    assert (update["type"], update["data"]["tournament_id"]) == ("standings_update", live.pk)
    await socket.disconnect()


async def test_moving_the_graphic_to_another_tournament_moves_the_overlay(graphic):
    league = await Tournament.objects.acreate(name="Week 1")
    other = await Tournament.objects.acreate(name="Week 2")
    await Graphic.objects.filter(pk=graphic.pk).aupdate(tournament=league)
    socket = await open_socket(overlay_path(graphic))
    await receive(socket)

    await Graphic.objects.filter(pk=graphic.pk).aupdate(tournament=other, version=4)
    await publish_committed(graphic_group(graphic.pk), "graphic_updated",
                            graphic_json(graphic, version=4, tournament_id=other.pk))
    updated = await receive(socket)
    snapshot = await receive(socket)
    await publish_committed(tournament_group(league.pk), "standings_update",
                            {"tournament_id": league.pk, "round_names": [], "standings": []})
    await publish_committed(tournament_group(other.pk), "standings_update",
                            {"tournament_id": other.pk, "round_names": [], "standings": []})

    assert updated["type"] == "graphic_updated"
    assert snapshot["type"] == "snapshot"
    assert snapshot["data"]["graphic"]["tournament_id"] == other.pk
    assert (await receive(socket))["data"]["tournament_id"] == other.pk
    await socket.disconnect()


async def test_the_dashboard_hears_overlays_come_and_go(graphic, viewer):
    token = await database_sync_to_async(access_token)(viewer)
    dashboard = await open_socket(f"/api/v1/ws/{token}")
    await receive(dashboard)

    overlay = await open_socket(overlay_path(graphic))
    connected = await receive(dashboard)
    await overlay.disconnect()
    disconnected = await receive(dashboard)

    assert connected["type"] == "overlay_connected"
    assert connected["data"]["graphic_id"] == graphic.pk
    assert disconnected["type"] == "overlay_disconnected"
    assert disconnected["data"]["connection_id"] == connected["data"]["connection_id"]
    await dashboard.disconnect()


async def test_dashboard_events_do_not_reach_overlays(graphic):
    socket = await open_socket(overlay_path(graphic))
    await receive(socket)
    await publish_committed(DASHBOARD_GROUP, "system_notification", {"message": "not for overlays"})

    assert await socket.receive_nothing(timeout=0.3)
    # Positive control: an event of the graphic's own group, sent the same way, arrives.
    await publish_committed(graphic_group(graphic.pk), "on_air", graphic_json(graphic))
    assert (await receive(socket))["type"] == "on_air"
    await socket.disconnect()


async def test_the_overlays_route_lists_connected_overlays_per_graphic(graphic, viewer):
    second = await Graphic.objects.acreate(title="Scoreboard", data_json=CANVAS)
    sockets = [await open_socket(overlay_path(graphic)), await open_socket(overlay_path(graphic)),
               await open_socket(overlay_path(second))]

    body = await eventually(lambda: overlays_when(viewer, f"?graphic_id={graphic.pk}", total=2))
    everything = await eventually(lambda: overlays_when(viewer, "", total=3))

    assert {overlay["graphic_id"] for overlay in body["overlays"]} == {graphic.pk}
    assert set(body["overlays"][0]) == {"graphic_id", "connected_at", "last_ping", "version",
                                        "client", "user_agent", "output"}
    assert {overlay["graphic_id"] for overlay in everything["overlays"]} == {graphic.pk, second.pk}
    for socket in sockets:
        await socket.disconnect()


def overlays_when(user, query: str, total: int) -> dict | None:
    response = client_for(user).get(f"/api/v1/overlays{query}")
    assert response.status_code == 200
    body = response.json()
    return body if body["total"] == total else None


def test_the_overlays_route_needs_a_token_and_a_numeric_graphic_id(viewer, api_client):
    assert api_client.get("/api/v1/overlays").status_code == 401
    response = client_for(viewer).get("/api/v1/overlays?graphic_id=abc")
    assert response.status_code == 400
    assert "graphic_id" in response.json()["errors"]


# Changes made through the REST API and the services reach the open overlay.

def api_call(user, method: str, path: str, body: dict | None = None) -> int:
    response = getattr(client_for(user), method)(path, body or {}, format="json")
    return response.status_code


async def test_an_edit_through_the_api_reaches_the_overlay_with_its_version(graphic, editor):
    socket = await open_socket(overlay_path(graphic))
    await receive(socket)

    status = await database_sync_to_async(api_call)(
        editor, "put", f"/api/v1/graphics/{graphic.pk}", {"title": "Edited live"})

    updated = await receive(socket)
    assert status == 200
    assert updated["type"] == "graphic_updated"
    assert updated["data"]["title"] == "Edited live"
    assert updated["data"]["version"] == graphic.version + 1
    await socket.disconnect()


async def test_take_and_clear_through_the_api_reach_the_overlay(graphic, editor):
    socket = await open_socket(overlay_path(graphic))
    await receive(socket)

    await database_sync_to_async(api_call)(editor, "post", f"/api/v1/graphics/{graphic.pk}/clear")
    off = await receive(socket)
    await database_sync_to_async(api_call)(editor, "post", f"/api/v1/graphics/{graphic.pk}/take")
    on = await receive(socket)

    assert (off["type"], off["data"]["on_air"]) == ("off_air", False)
    assert (on["type"], on["data"]["on_air"]) == ("on_air", True)
    await socket.disconnect()


@pytest.mark.parametrize(("method", "action", "event"), [
    ("delete", "", "graphic_archived"),
    ("post", "/overlay-key", "overlay_key_rotated"),
])
async def test_archiving_or_rotating_the_key_through_the_api_closes_the_overlay(
    graphic, editor, method, action, event
):
    socket = await open_socket(overlay_path(graphic))
    await receive(socket)

    status = await database_sync_to_async(api_call)(
        editor, method, f"/api/v1/graphics/{graphic.pk}{action}")

    assert status == 200
    assert (await receive(socket))["type"] == event
    assert await close_code(socket) == 4004


async def test_the_snapshot_and_updates_carry_the_tournaments_live_standings(graphic, viewer):
    from tournaments.services import registration_create

    league = await Tournament.objects.acreate(name="Week 1", status="registration")
    await Graphic.objects.filter(pk=graphic.pk).aupdate(tournament=league)
    await database_sync_to_async(registration_create)(tournament_id=league.pk, user_id=viewer.pk)
    socket = await open_socket(overlay_path(graphic))
    snapshot = await receive(socket)
    player = await database_sync_to_async(make_user)("ana", display_name="Ana")

    await database_sync_to_async(registration_create)(tournament_id=league.pk, user_id=player.pk)

    assert [row["user_id"] for row in snapshot["data"]["standings"]] == [viewer.pk]
    update = await receive(socket)
    assert update["type"] == "standings_update"
    assert {row["user_id"] for row in update["data"]["standings"]} == {viewer.pk, player.pk}
    await socket.disconnect()


def admin_page_when(user, graphic: Graphic, text: str) -> str | None:
    from django.test import Client

    client = Client()
    client.force_login(user)
    page = client.get(f"/admin/graphics/graphic/{graphic.pk}/change/").content.decode()
    return page if text in page else None


async def test_the_graphics_admin_page_shows_its_connected_overlays(graphic):
    producer = await database_sync_to_async(make_user)("producer", is_staff=True, is_superuser=True)
    assert await database_sync_to_async(admin_page_when)(producer, graphic, "None connected")

    socket = await open_socket(overlay_path(graphic))
    page = await eventually(lambda: admin_page_when(producer, graphic, "version not reported yet"))
    assert "connected just now" in page

    await receive(socket)
    await socket.send_json_to({"type": "ping", "version": 3})
    assert await eventually(lambda: admin_page_when(producer, graphic, "showing version 3 (current)"))
    await socket.disconnect()
