"""A tournament's admin History page says what changed, who and why, and lists its results
posted and corrected, in words."""

import html

import pytest
from django.test import Client

from conftest import make_member
from tournaments.models import Round, Tournament
from tournaments.tests.builders import tournament_with_members

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Admin pages render without a collected static manifest."""
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def history_page(client, tournament) -> str:
    response = client.get(f"/admin/tournaments/tournament/{tournament.pk}/history/")
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def rows(page: str) -> list[str]:
    table = page.split('id="change-history"', 1)[1].split("</table>", 1)[0]
    return [" ".join(row.split()) for row in table.split("<tr>")[2:]]


def test_an_api_save_shows_what_changed_who_and_why(editor_api, admin_client):
    created = editor_api.post("/api/v1/tournaments", {"name": "Spring Cup"}, format="json")
    assert created.status_code == 201
    tournament = Tournament.objects.get(pk=created.json()["id"])
    response = editor_api.put(f"/api/v1/tournaments/{tournament.pk}",
                              {"name": "Spring Cup Finals", "status": "registration",
                               "scoring": {"points": [10, 6, 3]}}, format="json")
    assert response.status_code == 200

    newest, first = rows(history_page(admin_client, tournament))
    assert "name: Spring Cup → Spring Cup Finals" in newest
    assert "status: draft → registration" in newest
    assert "scoring points: 8, 7, 6, 5, 4, 3, 2, 1 → 10, 6, 3" in newest
    assert "status changed to registration, saved via API" in newest
    assert "Eddie" in newest or "eddie-editor" in newest
    assert "created via API" in first and "created" in first


def test_an_admin_save_and_a_new_round_show_with_their_reasons(admin_client):
    tournament = Tournament.objects.create(name="Cup", status="in_progress", max_participants=8)
    response = admin_client.post(f"/admin/tournaments/tournament/{tournament.pk}/change/", {
        "name": "Cup", "description": "Finals night", "status": "in_progress", "max_participants": "16",
        "guild_id": "", "scoring": "{}", "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0"})
    assert response.status_code == 302
    assert admin_client.post(f"/admin/tournaments/tournament/{tournament.pk}/rounds/next/").status_code == 302

    round_row, saved_row, _ = rows(history_page(admin_client, tournament))
    assert "round 1 created" in round_row and "Alice" in round_row
    assert "saved in the admin" in saved_row and "Alice" in saved_row
    assert "max participants: 8 → 16" in saved_row
    assert "description edited" in saved_row
    assert "status:" not in saved_row


def test_results_posts_and_corrections_are_listed_with_before_and_after(editor_api, admin_client):
    tournament, players = tournament_with_members(8)
    Round.objects.create(tournament=tournament, number=1)
    url = f"/api/v1/tournaments/{tournament.pk}/rounds/1/results"

    def placements(order):
        return {"lobbies": [{"lobby": 1, "placements": [
            {"user_id": player.id, "placement": place} for place, player in enumerate(order, start=1)]}]}

    assert editor_api.post(url, placements(players), format="json").status_code == 200
    page = history_page(admin_client, tournament)
    assert "Round 1 lobby 1 results posted by Eddie" in page
    assert "corrected by" not in page  # positive control for the correction below

    swapped = [players[0], players[2], players[1], *players[3:]]
    assert editor_api.post(url, placements(swapped), format="json").status_code == 200
    page = history_page(admin_client, tournament)
    results = page.split('id="results-history"', 1)[1]
    assert "Round 1 lobby 1 corrected by Eddie: Player 003 3rd → 2nd, Player 002 2nd → 3rd" in results
    assert results.count("results posted by Eddie") == 1
    assert "round 1 lobby 1 results corrected" in " ".join(rows(page))


def test_history_of_an_unknown_tournament_is_404_and_revisions_cannot_be_reverted(admin_client):
    tournament = Tournament.objects.create(name="Cup")
    assert admin_client.get("/admin/tournaments/tournament/abc/history/").status_code == 404
    record = tournament.history.first()
    version_url = f"/admin/tournaments/tournament/{tournament.pk}/history/{record.history_id}/"
    assert admin_client.get(version_url).status_code == 200
    assert admin_client.post(version_url, {"name": "Reverted"}).status_code == 403
    tournament.refresh_from_db()
    assert tournament.name == "Cup"


def test_registrations_and_seeding_through_the_api_show_who_and_why(editor_api, admin_client):
    tournament, players = tournament_with_members(9, status="registration")
    newcomer = make_member("newcomer")
    base = f"/api/v1/tournaments/{tournament.pk}"
    assert editor_api.post(f"{base}/registrations", {"user_id": newcomer.pk}, format="json").status_code == 201
    assert editor_api.put(base, {"status": "in_progress"}, format="json").status_code == 200
    assert editor_api.post(f"{base}/rounds").status_code == 201
    assert editor_api.post(f"{base}/rounds/1/lobbies/seed", {}, format="json").status_code == 200

    seeded, round_row, status_row, registered = rows(history_page(admin_client, tournament))[:4]
    assert "round 1 lobbies seeded (2)" in seeded and "Eddie" in seeded
    assert "round 1 created" in round_row and "Eddie" in round_row
    assert "status: registration → in_progress" in status_row
    assert "Newcomer registered" in registered and "Eddie" in registered
