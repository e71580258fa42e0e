"""The control room in a real browser (Debian's Chromium through Playwright), against a real
daphne process: the admin's live preview (unsaved JSON, drag to move), take on a layer, transitions
on the overlay page, and the connected-overlays line."""

import asyncio
import json
import time

import httpx
import pytest
import pytest_asyncio

from graphics import services as graphic_services
from graphics.models import Graphic
from graphics.tests import test_browser as browser_tests
from graphics.tests.test_browser import ARTIFACTS, CANVAS, box, in_db, open_live, overlay_url

# The overlay page's browser fixtures: one daphne for the module, an editor's API client, a season.
server = browser_tests.server
admin_password = browser_tests.admin_password
editor_token = browser_tests.editor_token
api = browser_tests.api
season = browser_tests.season

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.asyncio(loop_scope="module")]


async def logged_in_admin(chromium, server, user, password):
    context = await chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    await page.goto(f"{server.url}/admin/login/?next=/admin/")
    await page.fill("#id_username", user.username)
    await page.fill("#id_password", password)
    await page.click('input[type="submit"]')
    await page.wait_for_selector("#site-name")
    return page


@pytest_asyncio.fixture(loop_scope="module")
async def admin_page(chromium, server, admin_user, admin_password):
    page = await logged_in_admin(chromium, server, admin_user, admin_password)
    yield page
    await page.context.close()


@pytest.fixture
def standings_graphic(server, editor):
    return graphic_services.graphic_create(user=editor, title="Week 3", data_json=CANVAS)


async def open_change_page(page, server, graphic: Graphic) -> float:
    """Open the graphic's change page once its preview is drawn; answers the preview's scale."""
    await page.goto(f"{server.url}/admin/graphics/graphic/{graphic.id}/change/")
    await page.wait_for_selector('#preview-stage [data-element-id="title"]')
    return (await box(page, "#preview-stage"))["width"] / 1920


async def canvas_in_form(page) -> dict:
    return json.loads(await page.input_value("#id_data_json"))


async def test_the_preview_draws_the_unsaved_json_as_the_overlay_does(admin_page, server, season):
    standings_graphic = season.graphic
    scale = await open_change_page(admin_page, server, standings_graphic)
    assert await admin_page.locator('#preview-stage [data-element-id="names"]').all_inner_texts() == [
        "Ada", "Bo", "Cy"]
    assert 0.3 < scale <= 1
    edited = {**CANVAS, "elements": [{**CANVAS["elements"][0], "content": "Not saved yet", "x": 400}]}

    await admin_page.fill("#id_data_json", json.dumps(edited, indent=2))

    title = '#preview-stage [data-element-id="title"]'
    await admin_page.wait_for_selector(f'{title}:text-is("Not saved yet")')
    stage = await box(admin_page, "#preview-stage")
    drawn = await box(admin_page, title)
    assert abs(drawn["x"] - (stage["x"] + 400 * scale)) < 1
    assert abs(drawn["y"] - (stage["y"] + 40 * scale)) < 1
    assert await admin_page.locator(title).evaluate("node => getComputedStyle(node).color") == "rgb(255, 0, 0)"
    assert await admin_page.locator('#preview-stage [data-element-id="names"]').count() == 0
    stored = await in_db(Graphic.objects.get, pk=standings_graphic.id)
    assert stored.data_json == CANVAS and stored.version == 1
    ARTIFACTS.mkdir(exist_ok=True)
    await admin_page.fill("#id_data_json", json.dumps(CANVAS, indent=2))
    await admin_page.wait_for_selector(f'{title}:text-is("Week 3 standings")')
    await admin_page.screenshot(path=ARTIFACTS / "admin-graphic-preview.png", full_page=True)
    assert admin_page.errors == []


async def test_dragging_an_element_writes_its_position_and_the_save_keeps_it(chromium, daphne_server, editor,
                                                                            admin_user, admin_password):
    # Its own server: an admin save writes a LogEntry, whose content type a server that outlived
    # the previous test's flush would still name by its old id.
    server = daphne_server("admin-drag")
    standings_graphic = await in_db(graphic_services.graphic_create, user=editor, title="Week 3", data_json=CANVAS)
    admin_page = await logged_in_admin(chromium, server, admin_user, admin_password)
    scale = await open_change_page(admin_page, server, standings_graphic)
    title = await box(admin_page, '#preview-stage [data-element-id="title"]')
    start = (title["x"] + 10, title["y"] + 10)

    await admin_page.mouse.move(*start)
    await admin_page.mouse.down()
    await admin_page.mouse.move(start[0] + 100, start[1] + 50, steps=5)
    await admin_page.mouse.up()

    moved = (await canvas_in_form(admin_page))["elements"][0]
    assert (moved["x"], moved["y"]) == (round(120 + 100 / scale), round(40 + 50 / scale))
    await admin_page.click('input[name="_save"]')
    await admin_page.wait_for_selector("ul.messagelist li.success, .errornote", timeout=5000)
    assert await admin_page.locator(".errornote, .errorlist").all_inner_texts() == []
    stored = await in_db(Graphic.objects.get, pk=standings_graphic.id)
    assert (stored.data_json["elements"][0]["x"], stored.data_json["elements"][0]["y"]) == (moved["x"], moved["y"])
    assert stored.data_json["elements"][1:] == CANVAS["elements"][1:]
    assert stored.version == 2
    assert admin_page.errors == []
    await admin_page.context.close()


async def test_the_preview_follows_a_save_made_elsewhere(admin_page, server, standings_graphic, editor):
    await open_change_page(admin_page, server, standings_graphic)
    edited = {**CANVAS, "elements": [{**CANVAS["elements"][0], "content": "Saved by the dashboard"}]}

    await in_db(graphic_services.graphic_update, graphic_id=standings_graphic.id, user=editor,
                changes={"data_json": edited})

    await admin_page.wait_for_selector('#preview-stage [data-element-id="title"]:text-is("Saved by the dashboard")',
                                       timeout=5000)
    assert await admin_page.input_value('input[name="loaded_version"]') == "2"
    assert admin_page.errors == []


async def test_take_on_a_layer_clears_the_other_graphic_on_its_live_overlay_page(
        page, console, chromium, admin_page, server, editor):
    straps = [await in_db(graphic_services.graphic_create, user=editor, title=title, layer="lower-third",
                          data_json=CANVAS) for title in ("Caster names", "Sponsor strap")]
    main = await in_db(graphic_services.graphic_create, user=editor, title="Standings", data_json=CANVAS)
    for graphic in (straps[0], main):
        await in_db(graphic_services.graphic_set_on_air, graphic_id=graphic.id, user=editor, on_air=True)
    second_page = await (await chromium.new_context(viewport={"width": 1920, "height": 1080})).new_page()
    main_page = await (await chromium.new_context(viewport={"width": 1920, "height": 1080})).new_page()
    await open_live(page, server, straps[0])
    await open_live(second_page, server, straps[1])
    await open_live(main_page, server, main)
    assert await page.is_visible('[data-element-id="title"]')
    assert await second_page.is_hidden('[data-element-id="title"]')

    await admin_page.goto(f"{server.url}/admin/graphics/graphic/{straps[1].id}/change/")
    assert "on air on layer lower-third: Caster names" in await admin_page.inner_text("#program-state")
    await admin_page.click("#take-button")

    await page.wait_for_selector('[data-element-id="title"]', state="hidden", timeout=1000)
    await second_page.wait_for_selector('[data-element-id="title"]', state="visible", timeout=1000)
    assert await main_page.is_visible('[data-element-id="title"]')
    assert await admin_page.inner_text("#program-state") == "ON AIR on layer lower-third"
    await admin_page.goto(f"{server.url}/admin/graphics/graphic/")
    rows = {await row.locator("th a").inner_text(): await row.locator("td.field-program").inner_text()
            for row in await admin_page.locator("#result_list tbody tr").all()}
    assert rows == {"Sponsor strap": "ON AIR · lower-third Clear", "Caster names": "off air · lower-third Take",
                    "Standings": "ON AIR · main Clear"}
    await admin_page.screenshot(path=ARTIFACTS / "admin-graphics-list.png")
    await second_page.context.close()
    await main_page.context.close()
    assert console.errors == [] and admin_page.errors == []


async def test_take_with_unsaved_changes_asks_first(admin_page, server, standings_graphic):
    await open_change_page(admin_page, server, standings_graphic)
    await admin_page.fill("#id_title", "Not saved")
    dialogs = []

    async def dismiss(dialog):
        dialogs.append(dialog.message)
        await dialog.dismiss()

    admin_page.on("dialog", dismiss)
    await admin_page.click("#take-button")
    await admin_page.wait_for_timeout(300)

    assert len(dialogs) == 1 and "unsaved changes" in dialogs[0]
    assert (await in_db(Graphic.objects.get, pk=standings_graphic.id)).on_air is False
    assert await admin_page.input_value("#id_title") == "Not saved"


RECORDER = """() => {
  window.frames_seen = [];
  const stage = document.getElementById('stage');
  const sample = () => {
    const style = getComputedStyle(stage);
    const animation = stage.getAnimations()[0];
    window.frames_seen.push({
      visible: style.visibility === 'visible' && parseFloat(style.opacity) > 0,
      transition: stage.dataset.transition || '',
      animation: animation ? animation.animationName : '',
      opacity: parseFloat(style.opacity),
      transform: style.transform,
      texts: Array.from(stage.querySelectorAll('[data-element-id]')).map(node => node.textContent)
    });
    requestAnimationFrame(sample);
  };
  requestAnimationFrame(sample);
}"""


def drawing_texts(content: str) -> list[str]:
    return [content, "1st", "2nd", "3rd"]


async def test_take_and_clear_play_their_transitions_and_never_mix_two_drawings(page, console, server, editor,
                                                                                  api, season):
    canvas = {"elements": [CANVAS["elements"][0], CANVAS["elements"][1]]}
    graphic = await in_db(graphic_services.graphic_create, user=editor, title="Strap", data_json=canvas,
                          tournament_id=season.tournament.id, transition_in="fade", transition_out="slide-left",
                          transition_duration_ms=600)
    await open_live(page, server, graphic)
    assert await page.get_attribute("#stage", "class") == "stage off-air"
    await page.evaluate(RECORDER)

    assert (await api.post(f"/graphics/{graphic.id}/take")).status_code == 200
    await page.wait_for_selector('#stage[data-transition="in:fade"]', timeout=1000)
    await page.wait_for_selector("#stage:not([data-transition])", timeout=2000)
    entering = await page.evaluate("window.frames_seen")
    await page.evaluate("window.frames_seen = []")

    assert (await api.post(f"/graphics/{graphic.id}/clear")).status_code == 200
    await page.wait_for_selector('#stage[data-transition="out:slide-left"]', timeout=1000)
    edited = {"elements": [{**canvas["elements"][0], "content": "Next up"}, canvas["elements"][1]]}
    response = await api.put(f"/graphics/{graphic.id}", json={"data_json": edited})
    assert response.status_code == 200
    await page.wait_for_selector("#stage.off-air:not([data-transition])", state="attached", timeout=2000)
    await page.wait_for_timeout(100)
    leaving = await page.evaluate("window.frames_seen")

    fading = [frame for frame in entering if frame["transition"] == "in:fade"]
    assert fading and {frame["animation"] for frame in fading} == {"gal-fade-in"}
    assert min(frame["opacity"] for frame in fading) < 0.5 < max(frame["opacity"] for frame in entering)
    assert all(frame["texts"] == drawing_texts("Week 3 standings") for frame in entering if frame["visible"])
    sliding = [frame for frame in leaving if frame["transition"] == "out:slide-left"]
    assert sliding and {frame["animation"] for frame in sliding} == {"gal-to-left"}
    assert any(frame["transform"] not in ("none", "matrix(1, 0, 0, 1, 0, 0)") for frame in sliding)
    # While it leaves the old drawing stays whole; the edit is drawn only once it is hidden.
    assert all(frame["texts"] == drawing_texts("Week 3 standings") for frame in sliding)
    assert all(frame["texts"] in (drawing_texts("Week 3 standings"), drawing_texts("Next up")) for frame in leaving)
    assert not any(frame["visible"] and frame["texts"] == drawing_texts("Next up") for frame in leaving)
    assert await page.text_content('[data-element-id="title"]') == "Next up"
    assert console.errors == []


PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f1c1f70000000049454e44ae426082")


async def test_a_take_waits_for_the_background_image_before_showing_anything(page, console, server, editor, api):
    graphic = await in_db(graphic_services.graphic_create, user=editor, title="Strap",
                          data_json={"elements": [CANVAS["elements"][0]]}, transition_in="fade",
                          transition_duration_ms=300)

    async def slow_image(route):
        await asyncio.sleep(0.8)
        await route.fulfill(status=200, content_type="image/png", body=PIXEL_PNG)

    await page.route("http://images.example/**", slow_image)
    await open_live(page, server, graphic)
    await page.evaluate("""() => {
        const stage = document.getElementById('stage');
        window.image_states = []; window.transitions_seen = [];
        const sample = () => { const image = stage.querySelector('img');
            window.image_states.push({visible: getComputedStyle(stage).visibility === 'visible',
                                      loaded: !!image && image.complete && image.naturalWidth > 0});
            requestAnimationFrame(sample); };
        requestAnimationFrame(sample);
        new MutationObserver(() => stage.dataset.transition && window.transitions_seen.push(stage.dataset.transition))
            .observe(stage, {attributes: true, attributeFilter: ['data-transition']}); }""")
    with_background = {"background": {"imageUrl": "http://images.example/strap.png", "width": 1920,
                                      "height": 1080}, "elements": [CANVAS["elements"][0]]}

    assert (await api.put(f"/graphics/{graphic.id}", json={"data_json": with_background})).status_code == 200
    await page.wait_for_selector("#stage img.background", state="attached", timeout=1000)
    started = time.monotonic()
    assert (await api.post(f"/graphics/{graphic.id}/take")).status_code == 200
    # Noted as it happens (the fade lasts 0.3 s); the wait outlasts the page's own 3 s give-up on the image,
    # so a page that gave up fails below on what it showed.
    await page.wait_for_function("window.transitions_seen.includes('in:fade')", timeout=5000)
    waited = time.monotonic() - started

    states = await page.evaluate("window.image_states")
    assert waited > 0.4  # the image was still on its way when the take came
    assert any(state["visible"] for state in states)
    assert all(state["loaded"] for state in states if state["visible"])
    assert console.errors == []


async def test_a_graphic_without_transitions_goes_on_and_off_at_once(page, console, server, editor, api):
    graphic = await in_db(graphic_services.graphic_create, user=editor, title="Strap", data_json=CANVAS)
    await open_live(page, server, graphic)
    await page.evaluate(RECORDER)

    assert (await api.post(f"/graphics/{graphic.id}/take")).status_code == 200
    await page.wait_for_selector('[data-element-id="title"]', state="visible", timeout=1000)
    assert (await api.post(f"/graphics/{graphic.id}/clear")).status_code == 200
    await page.wait_for_selector('[data-element-id="title"]', state="hidden", timeout=1000)

    frames = await page.evaluate("window.frames_seen")
    assert {frame["transition"] for frame in frames} == {""}
    assert {frame["opacity"] for frame in frames} == {1}
    assert console.errors == []


async def test_the_preview_output_shows_the_graphic_off_air_and_follows_edits(page, console, server, editor, api):
    graphic = await in_db(graphic_services.graphic_create, user=editor, title="Strap", data_json=CANVAS,
                          transition_in="fade", transition_duration_ms=500)
    await page.goto(f"{server.url}/overlay/{graphic.id}/preview/?key={graphic.overlay_key}")
    await page.wait_for_selector('html[data-connection="live"]')
    assert await page.is_visible('[data-element-id="title"]')

    edited = {**CANVAS, "elements": [{**CANVAS["elements"][0], "content": "Edited for preview"}]}
    assert (await api.put(f"/graphics/{graphic.id}", json={"data_json": edited})).status_code == 200
    await page.wait_for_selector('[data-element-id="title"]:text-is("Edited for preview")', timeout=1000)
    assert (await api.post(f"/graphics/{graphic.id}/take")).status_code == 200
    assert (await api.post(f"/graphics/{graphic.id}/clear")).status_code == 200
    await page.wait_for_timeout(300)
    assert await page.is_visible('[data-element-id="title"]')
    assert await page.get_attribute("#stage", "data-transition") is None
    assert console.errors == []


async def test_the_connected_overlays_line_shows_the_version_within_a_second(page, console, admin_page, server,
                                                                             standings_graphic):
    await open_change_page(admin_page, server, standings_graphic)
    cookies = {cookie["name"]: cookie["value"] for cookie in await admin_page.context.cookies()}
    live_url = f"{server.url}/admin/graphics/graphic/{standings_graphic.id}/live/"

    async with httpx.AsyncClient(cookies=cookies) as client:
        await page.goto(overlay_url(server, standings_graphic))
        await page.wait_for_selector('html[data-connection="live"]')
        connected = time.monotonic()
        while True:
            lines = (await client.get(live_url)).json()["overlays"]
            if lines and lines[0].endswith("showing version 1 (current)"):
                break
            assert time.monotonic() - connected < 1.0, f"the version is not reported within 1 s: {lines}"
            await asyncio.sleep(0.05)

    assert lines[0].startswith("Chrome (Linux) · 127.0.0.1 · connected just now")
    await admin_page.wait_for_selector('#connected-overlays:has-text("showing version 1 (current)")',
                                       timeout=2000)
    assert console.errors == [] and admin_page.errors == []
