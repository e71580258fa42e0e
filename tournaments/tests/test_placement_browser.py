"""The admin's review queue in a real browser (Debian's Chromium through Playwright), served by a
real daphne process: an Editor sees the screenshot beside the rows, fixes a row from the
dropdown and approves."""

import base64

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password

from accounts.roles import EDITOR
from conftest import make_user
from graphics.tests.conftest import chromium, page_server  # noqa: F401 (browser fixtures)
from graphics.tests.test_browser import in_db
from tournaments.placement_models import PlacementSubmission, PlayerAlias
from tournaments.placement_services import submission_create
from tournaments.tests.builders import tournament_with_members
from tournaments.tests.placement_builders import lobby_names, seeded_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.asyncio(loop_scope="module")]

SCREENSHOT = "https://cdn.discordapp.com/attachments/11/22/lobby1.png"
# A 1x1 PNG: what the Discord CDN answers, served by the browser's own routing (no network).
PIXEL = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8Dw"
                         "HwAFBQIAX8jx0gAAAABJRU5ErkJggg==")


def waiting_submission() -> dict:
    tournament, _ = tournament_with_members(16)
    round_ = seeded_round(tournament)
    names = lobby_names(round_, 1)
    second = round_.lobbies.get(number=1).seats.select_related("user")[1].user
    names[1] = "Mystery Guy"
    submission, _ = submission_create(
        tournament_id=tournament.id, round_number=1, lobby_number=1,
        discord_message_id="1180000000000000901", discord_channel_id="1180000000000000000",
        image_url=SCREENSHOT, overall_confidence=71.0,
        placements=[{"player_name": name, "placement": place}
                    for place, name in enumerate(names, start=1)], by=None)
    password = "editor-pass-123"
    editor = make_user("eddie-editor", EDITOR, is_staff=True,
                       password="unused")
    editor.password = make_password(password, hasher=PBKDF2PasswordHasher())
    editor.save(update_fields=["password"])
    return {"submission_id": submission.id, "second": second.id, "editor": editor.username,
            "password": password}


async def test_an_editor_fixes_a_row_from_the_dropdown_and_approves(chromium, page_server):  # noqa: F811
    seeded = await in_db(waiting_submission)
    context = await chromium.new_context(viewport={"width": 1600, "height": 1000})
    page = await context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    screenshots: list[str] = []

    async def cdn(route):
        screenshots.append(route.request.url)
        await route.fulfill(body=PIXEL, content_type="image/png")

    await page.route("https://cdn.discordapp.com/**", cdn)
    review = f"/admin/tournaments/placementsubmission/{seeded['submission_id']}/review/"
    await page.goto(f"{page_server.url}/admin/login/?next={review}")
    await page.fill("#id_username", seeded["editor"])
    await page.fill("#id_password", seeded["password"])
    await page.click('input[type="submit"]')
    await page.wait_for_selector("#rows")

    assert screenshots == [SCREENSHOT]
    assert await page.locator("#screenshot").evaluate("img => img.naturalWidth") == 1
    assert "Mystery Guy" in await page.inner_text("#rows tbody tr:nth-child(2)")
    assert await page.input_value('select[name="player_1"]') == ""
    await page.select_option('select[name="player_1"]', str(seeded["second"]))
    await page.click('input[name="_approve"]')
    await page.wait_for_selector("ul.messagelist li")

    assert await page.inner_text("ul.messagelist li") == (
        f"Submission {seeded['submission_id']} validated: lobby 1 posted.")
    assert page.url.endswith("/admin/tournaments/placementsubmission/")
    submission = await in_db(PlacementSubmission.objects.get, pk=seeded["submission_id"])
    assert (submission.status, submission.validation_method) == ("validated", "manual")
    alias = await in_db(PlayerAlias.objects.get)
    assert (alias.alias, alias.user_id) == ("Mystery Guy", seeded["second"])
    assert errors == []
    await context.close()
