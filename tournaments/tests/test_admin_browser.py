"""An Editor enters and corrects a lobby's results in the admin, in a real browser (Debian's
Chromium through Playwright) against a real daphne process."""

from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password

from accounts.roles import EDITOR
from conftest import in_db, make_user
from graphics.tests.conftest import chromium, page_server  # noqa: F401  (fixtures)
from tournaments import services
from tournaments.models import Placement, PlacementCorrection, Round
from tournaments.tests.builders import tournament_with_members

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.asyncio(loop_scope="module")]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "editor-pass-123"


def seeded_tournament() -> dict:
    """16 members in two seated lobbies of round 1, and an Editor with a password the server
    checks with the production hasher."""
    editor = make_user("erin-editor", EDITOR, is_staff=True, display_name="Erin")
    editor.password = make_password(PASSWORD, hasher=PBKDF2PasswordHasher())
    editor.save(update_fields=["password"])
    tournament, _ = tournament_with_members(16, name="Winter Cup")
    services.round_create(tournament_id=tournament.pk)
    round_ = services.lobbies_seed(tournament_id=tournament.pk, number=1)
    lobbies = {lobby.number: [seat.user.player_name for seat in lobby.seats.select_related("user")]
               for lobby in round_.lobbies.all()}
    return {"tournament": tournament.pk, "round": round_.pk, "lobbies": lobbies}


def stored_results(round_id: int) -> dict:
    return {"placements": dict(Placement.objects.filter(round_id=round_id, lobby__number=1)
                               .values_list("user__display_name", "placement")),
            "corrections": list(PlacementCorrection.objects.values("before", "after")),
            "status": Round.objects.get(pk=round_id).status}


async def test_an_editor_enters_and_corrects_a_lobby_in_the_admin(chromium, page_server):  # noqa: F811
    league = await in_db(seeded_tournament)
    context = await chromium.new_context(viewport={"width": 1280, "height": 1000})
    page = await context.new_page()
    await page.goto(f"{page_server.url}/admin/login/?next=/admin/tournaments/tournament/{league['tournament']}/change/")
    await page.fill("#id_username", "erin-editor")
    await page.fill("#id_password", PASSWORD)
    await page.click('input[type="submit"]')

    await page.locator('#rounds a:text-is("enter results")').first.click()
    await page.wait_for_selector("#results-form")
    offered = await page.locator('select[name="player_1"] option').all_inner_texts()
    assert sorted(offered[1:]) == sorted(league["lobbies"][1])  # the lobby's 8 players, no one else
    assert await page.locator('select[name^="player_"]').count() == 8
    for row in range(1, 9):  # rows come prefilled with the seated players; the Editor types places
        await page.fill(f'input[name="placement_{row}"]', str(row))
    await page.click('input[value="Save results"]')
    await page.wait_for_selector("ul.messagelist li.success:has-text('Lobby 1 results recorded')")
    first = await in_db(stored_results, league["round"])
    assert first["placements"] == {name: place for place, name in enumerate(league["lobbies"][1], start=1)}

    await page.goto(f"{page_server.url}/admin/tournaments/round/{league['round']}/results/?lobby=1")
    assert await page.input_value('input[name="placement_1"]') == "1"
    assert await page.locator('select[name="player_1"] option:checked').inner_text() == league["lobbies"][1][0]
    await page.fill('input[name="placement_1"]', "2")
    await page.fill('input[name="placement_2"]', "1")
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "admin-results-form.png"), full_page=True)
    await page.click('input[value="Save results"]')
    await page.wait_for_selector("ul.messagelist li.success:has-text('Lobby 1 results corrected')")

    second = await in_db(stored_results, league["round"])
    winner, runner_up = league["lobbies"][1][:2]
    assert (second["placements"][winner], second["placements"][runner_up]) == (2, 1)
    [correction] = second["corrections"]
    assert [row["player_name"] for row in correction["before"][:2]] == [winner, runner_up]
    assert [row["player_name"] for row in correction["after"][:2]] == [runner_up, winner]
    await context.close()
