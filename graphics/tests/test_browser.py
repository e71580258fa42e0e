"""The overlay page in a real browser (Debian's Chromium through Playwright).

The page is served by a real daphne process. The first tests answer its socket with a stand-in
(Playwright's WebSocket routing) to pin the page's side of the protocol; the others run against
the real overlay socket.
"""

import asyncio
import json
import re
import time
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
import pytest_asyncio
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password

from conftest import access_token, in_db, make_user
from graphics import services as graphic_services
from graphics.models import Graphic
from tournaments import services as tournament_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.asyncio(loop_scope="module")]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

CANVAS = {
    "background": None,
    "elements": [
        {"id": "title", "type": "text", "x": 120, "y": 40, "content": "Week 3 standings", "fontSize": 48,
         "fontFamily": "sans-serif", "color": "#ff0000", "bold": True, "italic": True, "underline": True},
        {"id": "ranks", "type": "placements", "x": 40, "y": 200, "spacing": 60, "previewCount": 8,
         "fontSize": 28},
        {"id": "names", "type": "players", "x": 160, "y": 200, "spacing": 60, "previewCount": 8,
         "fontSize": 28, "color": "#00ff00"},
        {"id": "totals", "type": "scores", "x": 700, "y": 200, "spacing": 60, "previewCount": 8,
         "fontSize": 28, "color": "#1e90ff"},
        {"id": "round-1", "type": "scores", "roundId": "round_1", "x": 900, "y": 200, "spacing": 60,
         "previewCount": 8, "fontSize": 28, "color": "#ff00ff"},
    ],
}

STANDINGS = [
    {"rank": 1, "user_id": 11, "player_name": "Ada", "total_points": 15,
     "round_scores": {"round_1": 8, "round_2": 7}, "placements": [1, 2]},
    {"rank": 2, "user_id": 12, "player_name": "Bo", "total_points": 13,
     "round_scores": {"round_1": 6, "round_2": 7}, "placements": [3, 2]},
    {"rank": 3, "user_id": 13, "player_name": "Cy", "total_points": 9,
     "round_scores": {"round_1": 1, "round_2": 8}, "placements": [8, 1]},
]


def graphic_payload(graphic: Graphic, **changes) -> dict:
    payload = {"id": graphic.id, "title": graphic.title, "data_json": graphic.data_json,
               "version": graphic.version, "on_air": graphic.on_air, "tournament_id": None}
    return {**payload, **changes}


async def wait_until(condition, timeout: float = 5.0, message: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {message}")
        await asyncio.sleep(0.02)


async def box(page, selector: str) -> dict:
    found = await page.locator(selector).bounding_box()
    assert found is not None, f"{selector} is not drawn"
    return found


async def style(page, selector: str, prop: str) -> str:
    return await page.locator(selector).evaluate(f"node => getComputedStyle(node).{prop}")


async def row_texts(page, element_id: str) -> list[str]:
    return await page.locator(f'[data-element-id="{element_id}"]').all_inner_texts()


async def freeze_clock(page) -> None:
    """Let the page's timers run only when the test says (`page.clock.run_for`)."""
    await page.clock.install(time=1_000_000)
    await page.clock.pause_at(1_001_000)


async def wait_for_version(page, version: int) -> None:
    await page.wait_for_function(f"document.getElementById('stage').dataset.version === '{version}'")


@pytest.fixture
def server(page_server, transactional_db):
    return page_server


@pytest.fixture
def graphic(server):
    return Graphic.objects.create(title="Week 3", data_json=CANVAS, on_air=True, version=3)


def overlay_url(server, graphic: Graphic, **params) -> str:
    query = "&".join(f"{name}={value}" for name, value in {"key": graphic.overlay_key, **params}.items())
    return f"{server.url}/overlay/{graphic.id}/?{query}"


class StandInSocket:
    """Answers the page's overlay socket inside the browser, as the server would."""

    def __init__(self, snapshot: dict):
        self.snapshot = snapshot
        self.answer_pings = True
        self.connections = []
        self.received: list[dict] = []

    def connected(self, socket) -> None:
        self.connections.append(socket)
        socket.on_message(lambda text: self._received(socket, json.loads(text)))
        self._send(socket, "snapshot", self.snapshot)

    def _received(self, socket, message: dict) -> None:
        self.received.append(message)
        if message["type"] == "ping" and self.answer_pings:
            self._send(socket, "pong", {})

    @staticmethod
    def _send(socket, event_type: str, data: dict) -> None:
        socket.send(json.dumps({"type": event_type, "data": data, "timestamp": "2026-11-25T12:00:00+00:00"}))

    def send(self, event_type: str, data: dict) -> None:
        self._send(self.connections[-1], event_type, data)

    def of_type(self, event_type: str) -> list[dict]:
        return [message for message in self.received if message["type"] == event_type]


async def open_with_stand_in(page, server, graphic, standings=STANDINGS, **params) -> StandInSocket:
    socket = StandInSocket({"graphic": graphic_payload(graphic), "standings": standings})
    await page.route_web_socket(re.compile(r"/ws/overlay/\d+/"), socket.connected)
    await page.goto(overlay_url(server, graphic, **params))
    await page.wait_for_selector('html[data-connection="live"]')
    return socket


async def test_draws_text_and_lists_with_their_fonts(page, console, server, graphic):
    await open_with_stand_in(page, server, graphic)

    assert (await box(page, '[data-element-id="title"]'))["x"] == 120
    assert (await box(page, '[data-element-id="title"]'))["y"] == 40
    assert await page.inner_text('[data-element-id="title"]') == "Week 3 standings"
    assert await style(page, '[data-element-id="title"]', "color") == "rgb(255, 0, 0)"
    assert await style(page, '[data-element-id="title"]', "fontSize") == "48px"
    assert await style(page, '[data-element-id="title"]', "fontWeight") == "700"
    assert await style(page, '[data-element-id="title"]', "fontStyle") == "italic"
    assert "underline" in await style(page, '[data-element-id="title"]', "textDecorationLine")
    assert await row_texts(page, "ranks") == ["1st", "2nd", "3rd"]
    assert await row_texts(page, "names") == ["Ada", "Bo", "Cy"]
    assert await row_texts(page, "totals") == ["15", "13", "9"]
    assert await row_texts(page, "round-1") == ["8", "6", "1"]
    for row in range(3):
        name = await box(page, f'[data-element-id="names"][data-row="{row}"]')
        assert (name["x"], name["y"]) == (160, 200 + 60 * row)
    assert await style(page, '[data-element-id="names"][data-row="0"]', "color") == "rgb(0, 255, 0)"
    assert await style(page, '[data-element-id="names"][data-row="0"]', "fontWeight") == "400"
    assert await style(page, "html", "backgroundColor") == "rgba(0, 0, 0, 0)"
    assert await style(page, "body", "backgroundColor") == "rgba(0, 0, 0, 0)"
    assert await box(page, "#stage") == {"x": 0, "y": 0, "width": 1920, "height": 1080}
    assert console.errors == []


async def test_canvas_takes_the_background_size_and_lists_respect_max_rows(page, console, server):
    pixel = "data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="
    graphic = await in_db(Graphic.objects.create, title="Lobby", on_air=True, data_json={
        "background": {"imageUrl": pixel, "width": 1280, "height": 720},
        "elements": [{"id": "top", "type": "players", "x": 10, "y": 10, "spacing": 40, "previewCount": 8,
                      "maxRows": 2}],
    })
    await open_with_stand_in(page, server, graphic)

    assert await box(page, "#stage") == {"x": 0, "y": 0, "width": 1280, "height": 720}
    assert await box(page, "#stage img.background") == {"x": 0, "y": 0, "width": 1280, "height": 720}
    assert await row_texts(page, "top") == ["Ada", "Bo"]
    assert console.errors == []


async def test_text_is_drawn_as_text_never_as_markup(page, console, server):
    markup = '<img src="x" onerror="document.title=1">'
    graphic = await in_db(Graphic.objects.create, title="Lobby", on_air=True, data_json={
        "elements": [{"id": "note", "type": "text", "x": 10, "y": 10, "content": markup},
                     {"id": "names", "type": "players", "x": 10, "y": 100, "spacing": 40, "previewCount": 8}],
    })
    await open_with_stand_in(page, server, graphic, standings=[{"rank": 1, "player_name": markup}])

    assert await page.inner_text('[data-element-id="note"]') == markup
    assert await row_texts(page, "names") == [markup]
    assert await page.locator("#stage img").count() == 0
    assert console.errors == []


async def test_off_air_hides_the_drawing_and_on_air_shows_it_again(page, console, server, graphic):
    socket = await open_with_stand_in(page, server, graphic)
    assert await page.is_visible('[data-element-id="title"]')

    socket.send("off_air", graphic_payload(graphic, on_air=False))
    await page.wait_for_selector('[data-element-id="title"]', state="hidden")
    assert await page.locator('[data-element-id="names"]').count() == 3

    socket.send("on_air", graphic_payload(graphic, on_air=True))
    await page.wait_for_selector('[data-element-id="title"]', state="visible")
    assert console.errors == []


async def test_snapshot_off_air_draws_hidden(page, console, server, graphic):
    graphic.on_air = False
    await in_db(graphic.save, update_fields=["on_air"])
    await open_with_stand_in(page, server, graphic)

    assert await page.locator('[data-element-id="title"]').count() == 1
    assert await page.is_hidden('[data-element-id="title"]')
    assert console.errors == []


async def test_update_redraws_and_stale_versions_are_ignored(page, console, server, graphic):
    socket = await open_with_stand_in(page, server, graphic)
    edited = {**CANVAS, "elements": [{**CANVAS["elements"][0], "content": "Final standings", "x": 300}]}

    socket.send("graphic_updated", graphic_payload(graphic, version=4, data_json=edited))
    await page.wait_for_selector('text="Final standings"')
    assert (await box(page, '[data-element-id="title"]'))["x"] == 300
    assert await page.locator('[data-element-id="names"]').count() == 0

    socket.send("graphic_updated", graphic_payload(graphic, version=3, content="old"))
    socket.send("graphic_updated", graphic_payload(graphic, version=2, data_json=CANVAS))
    await page.wait_for_timeout(200)
    assert await page.inner_text('[data-element-id="title"]') == "Final standings"
    assert await page.get_attribute("#stage", "data-version") == "4"
    assert socket.of_type("resync") == []
    assert console.errors == []


async def test_version_gap_draws_the_update_and_asks_for_a_snapshot(page, console, server, graphic):
    socket = await open_with_stand_in(page, server, graphic)
    edited = {"elements": [{**CANVAS["elements"][0], "content": "Skipped ahead"}]}

    socket.send("graphic_updated", graphic_payload(graphic, version=6, data_json=edited))

    await page.wait_for_selector('text="Skipped ahead"')
    await wait_until(lambda: socket.of_type("resync"), message="a resync request")
    assert len(socket.of_type("resync")) == 1
    assert console.errors == []


async def test_standings_update_redraws_the_lists(page, console, server, graphic):
    socket = await open_with_stand_in(page, server, graphic)
    new_standings = [{**STANDINGS[2], "rank": 1, "total_points": 17}, {**STANDINGS[0], "rank": 2}]

    socket.send("standings_update", {"tournament_id": None, "round_names": ["round_1", "round_2"],
                                     "standings": new_standings})

    await page.wait_for_function("document.querySelectorAll('[data-element-id=\"names\"]').length === 2")
    assert await row_texts(page, "names") == ["Cy", "Ada"]
    assert await row_texts(page, "totals") == ["17", "15"]
    assert await page.get_attribute("#stage", "data-version") == "3"
    assert console.errors == []


@pytest.mark.parametrize("event_type", ["graphic_archived", "graphic_deleted", "overlay_key_rotated"])
async def test_archived_deleted_or_rotated_shows_nothing_and_retries_slowly(page, console, server, graphic,
                                                                      event_type):
    await freeze_clock(page)
    socket = await open_with_stand_in(page, server, graphic)

    socket.send(event_type, {"id": graphic.id})
    await socket.connections[-1].close(code=4004, reason="gone")

    await page.wait_for_selector('html[data-connection="gone"]')
    assert await page.locator("#stage > *").count() == 0
    await page.clock.run_for(20_000)
    assert len(socket.connections) == 1
    await page.clock.run_for(11_000)
    await wait_until(lambda: len(socket.connections) == 2, message="the slow retry")
    await page.wait_for_selector('[data-element-id="title"]', state="visible")
    assert console.errors == []


async def test_pings_carry_the_shown_version(page, console, server, graphic):
    socket = await open_with_stand_in(page, server, graphic, ping="0.2")

    await wait_until(lambda: len(socket.of_type("ping")) >= 3, message="three pings")

    assert {message["version"] for message in socket.of_type("ping")} == {3}
    assert len(socket.connections) == 1
    assert console.errors == []


async def test_missing_pong_reconnects_and_redraws_from_the_snapshot(page, console, server, graphic):
    socket = await open_with_stand_in(page, server, graphic, ping="0.2")
    socket.answer_pings = False
    socket.snapshot = {"graphic": graphic_payload(graphic, version=9), "standings": STANDINGS[:1]}

    await wait_until(lambda: len(socket.connections) > 1, message="a reconnect after the missing pong")
    socket.answer_pings = True

    await wait_for_version(page, 9)
    assert await row_texts(page, "names") == ["Ada"]
    assert console.errors == []


async def test_dropped_socket_reconnects_with_backoff(page, console, server, graphic):
    await freeze_clock(page)
    socket = await open_with_stand_in(page, server, graphic)
    socket.snapshot = {"graphic": graphic_payload(graphic, version=5), "standings": STANDINGS}

    await socket.connections[-1].close(code=1011, reason="server restart")
    await page.wait_for_selector('html[data-connection="waiting"]')
    await page.clock.run_for(400)
    assert len(socket.connections) == 1
    await page.clock.run_for(200)

    await wait_until(lambda: len(socket.connections) == 2, message="the first retry after 0.5 s")
    await wait_for_version(page, 5)
    assert console.errors == []


# ---- against the real overlay socket, changes made through the server's API -------------------

ROUND_2 = {"lobbies": [{"lobby": 1, "placements": [{"user_id": "cy", "placement": 1},
                                                   {"user_id": "ada", "placement": 2},
                                                   {"user_id": "bo", "placement": 3}]}]}


@pytest.fixture
def season(server, editor):
    """A tournament in progress, round 1 posted (Ada 1st, Bo 2nd, Cy 3rd), round 2 open, and an
    on-air graphic showing its standings."""
    tournament = tournament_services.tournament_create(name="GAL Season 4", status="registration")
    players = {name.lower(): make_user(name.lower(), display_name=name) for name in ("Ada", "Bo", "Cy")}
    for player in players.values():
        tournament_services.registration_create(tournament_id=tournament.id, user_id=player.id)
    tournament_services.tournament_update(tournament_id=tournament.id, changes={"status": "in_progress"})
    tournament_services.round_create(tournament_id=tournament.id)
    tournament_services.results_post(tournament_id=tournament.id, number=1, by=editor, lobbies=[
        {"lobby": 1, "placements": [{"user_id": players[name].id, "placement": place}
                                    for place, name in enumerate(["ada", "bo", "cy"], start=1)]}])
    tournament_services.round_create(tournament_id=tournament.id)
    graphic = graphic_services.graphic_create(user=editor, title="Week 3", data_json=CANVAS,
                                              tournament_id=tournament.id)
    graphic_services.graphic_set_on_air(graphic_id=graphic.id, user=editor, on_air=True)
    graphic.refresh_from_db()
    return SimpleNamespace(tournament=tournament, players=players, graphic=graphic)


@pytest.fixture
def editor_token(editor) -> str:
    return access_token(editor)


@pytest_asyncio.fixture(loop_scope="module")
async def api(server, editor_token):
    async with httpx.AsyncClient(base_url=f"{server.url}/api/v1",
                                 headers={"Authorization": f"Bearer {editor_token}"}) as client:
        yield client


async def open_live(page, server, graphic: Graphic, **params) -> None:
    await page.goto(overlay_url(server, graphic, **params))
    await page.wait_for_selector('html[data-connection="live"]')


async def time_to_show(page, selector: str, change) -> tuple[float, object]:
    """Make `change` (a coroutine) and answer the seconds until the page shows `selector`, with
    what the change answered."""
    started = time.monotonic()

    async def shown() -> float:
        await page.wait_for_selector(selector, timeout=5000)
        return time.monotonic() - started

    return tuple(await asyncio.gather(shown(), change))


def edited_canvas(content: str) -> dict:
    return {**CANVAS, "elements": [{**CANVAS["elements"][0], "content": content}, *CANVAS["elements"][1:]]}


async def test_server_snapshot_draws_text_and_standings_at_their_positions(page, console, server, season):
    await open_live(page, server, season.graphic)

    title = await box(page, '[data-element-id="title"]')
    assert (title["x"], title["y"]) == (120, 40)
    assert await page.inner_text('[data-element-id="title"]') == "Week 3 standings"
    assert await row_texts(page, "ranks") == ["1st", "2nd", "3rd"]
    assert await row_texts(page, "names") == ["Ada", "Bo", "Cy"]
    assert await row_texts(page, "totals") == ["8", "7", "6"]
    assert await row_texts(page, "round-1") == ["8", "7", "6"]
    for element_id, x in [("ranks", 40), ("names", 160), ("totals", 700), ("round-1", 900)]:
        for row in range(3):
            drawn = await box(page, f'[data-element-id="{element_id}"][data-row="{row}"]')
            assert (drawn["x"], drawn["y"]) == (x, 200 + 60 * row), (element_id, row)
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=ARTIFACTS / "overlay-page.png", omit_background=True)
    assert console.errors == []


async def test_results_posted_through_the_api_redraw_the_standings_within_a_second(page, console, server,
                                                                                    season, api):
    await open_live(page, server, season.graphic)
    body = {"lobbies": [{"lobby": 1, "placements": [
        {"user_id": season.players[entry["user_id"]].id, "placement": entry["placement"]}
        for entry in ROUND_2["lobbies"][0]["placements"]]}]}

    seconds, response = await time_to_show(
        page, '[data-element-id="names"][data-row="1"]:text-is("Cy")',
        api.post(f"/tournaments/{season.tournament.id}/rounds/2/results", json=body))

    assert response.status_code == 200, response.text
    assert seconds < 1.0
    assert await row_texts(page, "names") == ["Ada", "Cy", "Bo"]
    assert await row_texts(page, "totals") == ["15", "14", "13"]
    assert await row_texts(page, "round-1") == ["8", "6", "7"]
    assert console.errors == []


async def test_edit_through_the_api_appears_within_a_second(page, console, server, season, api):
    await open_live(page, server, season.graphic)

    seconds, response = await time_to_show(
        page, '[data-element-id="title"]:text-is("Edited live")',
        api.put(f"/graphics/{season.graphic.id}",
                json={"data_json": edited_canvas("Edited live"), "version": season.graphic.version}))

    assert response.status_code == 200, response.text
    assert seconds < 1.0
    assert await page.get_attribute("#stage", "data-version") == str(season.graphic.version + 1)
    assert await row_texts(page, "names") == ["Ada", "Bo", "Cy"]
    assert console.errors == []


@pytest.fixture
def admin_password(admin_user) -> str:
    """The server checks passwords with the production hashers; the test process uses MD5."""
    password = "admin-pass-123"
    admin_user.password = make_password(password, hasher=PBKDF2PasswordHasher())
    admin_user.save(update_fields=["password"])
    return password


async def test_edit_through_the_admin_form_appears_within_a_second(page, console, chromium, server, season,
                                                                   admin_user, admin_password):
    await open_live(page, server, season.graphic)
    admin = await (await chromium.new_context()).new_page()
    await admin.goto(f"{server.url}/admin/login/?next=/admin/graphics/graphic/{season.graphic.id}/change/")
    await admin.fill("#id_username", admin_user.username)
    await admin.fill("#id_password", admin_password)
    await admin.click('input[type="submit"]')
    await admin.fill("#id_data_json", json.dumps(edited_canvas("Edited in the admin")))

    seconds, _ = await time_to_show(page, '[data-element-id="title"]:text-is("Edited in the admin")',
                                    admin.click('input[name="_save"]'))

    assert seconds < 1.0
    await admin.wait_for_selector("ul.messagelist li.success")
    assert await page.get_attribute("#stage", "data-version") == str(season.graphic.version + 1)
    await admin.context.close()
    assert console.errors == []


async def test_clear_hides_it_and_take_shows_it_again(page, console, server, season, api):
    await open_live(page, server, season.graphic)

    assert (await api.post(f"/graphics/{season.graphic.id}/clear")).status_code == 200
    await page.wait_for_selector('[data-element-id="title"]', state="hidden", timeout=1000)
    assert await page.locator('[data-element-id="names"]').count() == 3

    assert (await api.post(f"/graphics/{season.graphic.id}/take")).status_code == 200
    await page.wait_for_selector('[data-element-id="title"]', state="visible", timeout=1000)
    assert console.errors == []


@pytest.mark.parametrize("action", ["archive", "rotate the overlay key"])
async def test_archiving_or_rotating_the_key_blanks_the_page(page, console, server, season, api, action):
    await open_live(page, server, season.graphic)

    if action == "archive":
        response = await api.post(f"/archive/{season.graphic.id}", json={"reason": "done"})
    else:
        response = await api.post(f"/graphics/{season.graphic.id}/overlay-key")

    assert response.status_code == 200, response.text
    await page.wait_for_selector('html[data-connection="gone"]', timeout=5000)
    assert await page.locator("#stage > *").count() == 0
    assert console.errors == []


async def test_page_reconnects_after_a_server_restart_and_shows_current_data(page, console, daphne_server,
                                                                             editor):
    server = daphne_server("overlay-restart")
    graphic = await in_db(graphic_services.graphic_create, user=editor, title="Week 3", data_json=CANVAS)
    await in_db(graphic_services.graphic_set_on_air, graphic_id=graphic.id, user=editor, on_air=True)
    await open_live(page, server, graphic)

    server.stop()
    await page.wait_for_selector('html[data-connection="waiting"]')
    await in_db(graphic_services.graphic_update, graphic_id=graphic.id, user=editor,
                changes={"data_json": edited_canvas("Changed while the server was down")})
    server.start()

    await page.wait_for_selector('[data-element-id="title"]:text-is("Changed while the server was down")',
                                 timeout=20_000)
    assert await page.get_attribute("html", "data-connection") == "live"
    # While the server is down Chromium itself logs each refused connection; nothing else may appear.
    refused = re.compile(r"^WebSocket connection to 'ws://127\.0\.0\.1:\d+/ws/overlay/\d+/\?key=\S+' failed")
    assert [error for error in console.errors if not refused.match(error)] == []
