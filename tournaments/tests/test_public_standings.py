"""Anyone may read the standings overlays draw; members' ids go only to token holders."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from tournaments.tests.builders import record_round, tournament_with_members

pytestmark = pytest.mark.django_db

MEMBER_IDS = {"user_id", "player_id", "discord_id", "riot_id"}


@pytest.fixture
def cup():
    tournament, players = tournament_with_members(8, name="Open Cup")
    record_round(tournament, 1, [players])
    return tournament


def test_anyone_harvesting_public_standings_gets_no_discord_riot_or_user_ids(api_client, cup):
    standings = api_client.get(f"/api/v1/tournaments/{cup.id}/standings")
    ranked = api_client.get(f"/api/v1/players/ranked?tournament_id={cup.id}")

    assert standings.status_code == ranked.status_code == 200
    rows = standings.json()["standings"] + ranked.json()["players"]
    assert len(rows) == 16
    assert not any(MEMBER_IDS & set(row) for row in rows)
    assert "9001" not in standings.content.decode() + ranked.content.decode()
    assert set(standings.json()["standings"][0]) == {"rank", "player_name", "total_points",
                                                     "round_scores", "placements"}
    # What the dashboard's public view page and overlays draw stays.
    assert set(ranked.json()["players"][0]) == {"player_name", "total_points", "standing_rank",
                                                "round_scores"}


def test_a_token_holder_still_reads_every_field_the_dashboard_and_bot_read(viewer_api, cup):
    standings = viewer_api.get(f"/api/v1/tournaments/{cup.id}/standings").json()["standings"]
    ranked = viewer_api.get(f"/api/v1/players/ranked?tournament_id={cup.id}").json()["players"]

    assert {"user_id", "discord_id", "riot_id"} <= set(standings[0])
    assert {"player_id", "discord_id", "riot_id"} <= set(ranked[0])
    assert standings[0]["discord_id"] == "9001"


def test_an_expired_token_on_a_public_page_reads_it_as_anyone_does(viewer, cup):
    expired = AccessToken.for_user(viewer)
    expired.set_exp(lifetime=-timedelta(seconds=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {expired}")

    response = client.get("/api/v1/players/ranked?sortBy=total_points&sortOrder=desc")

    assert response.status_code == 200
    assert not MEMBER_IDS & set(response.json()["players"][0])
