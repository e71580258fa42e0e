"""The demo standings board in a real browser (Debian's Chromium): every demo player drawn
inside a 1920x1080 OBS source, in the editor's fonts served from our own static files."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from conftest import in_db
from graphics import services
from graphics.models import Graphic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.asyncio(loop_scope="module")]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def demo_board() -> Graphic:
    call_command("seed_demo", stdout=StringIO())
    board = Graphic.objects.get(title="Demo: standings board")
    return services.graphic_set_on_air(graphic_id=board.pk, user=board.created_by, on_air=True)


async def test_the_demo_board_fits_the_frame_in_the_fonts_we_serve(page, page_server):
    board = await in_db(demo_board)
    fonts_served: list[tuple[str, int]] = []
    page.on("response", lambda response: "/static/graphics/fonts/" in response.url
            and fonts_served.append((response.url, response.status)))

    await page.goto(f"{page_server.url}/overlay/{board.pk}/?key={board.overlay_key}")
    await page.wait_for_function("document.querySelectorAll('[data-element-id=\"players\"]').length === 16")
    await page.evaluate("document.fonts.ready")

    rows = page.locator('[data-element-id="players"], [data-element-id="scores"], [data-element-id="placements"]')
    boxes = [await rows.nth(i).bounding_box() for i in range(await rows.count())]
    bottoms = [box["y"] + box["height"] for box in boxes]
    assert len(bottoms) == 48 and max(bottoms) <= 1080
    loaded = await page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
    assert {"Montserrat", "Bebas Neue"} <= {family.strip('"') for family in loaded}
    assert fonts_served and all(url.startswith(page_server.url) and status == 200 for url, status in fonts_served)
    ARTIFACTS.mkdir(exist_ok=True)
    await page.evaluate("document.body.style.background = '#1d2330'")  # OBS keys out the transparency
    await page.screenshot(path=str(ARTIFACTS / "demo-standings-board.png"))
