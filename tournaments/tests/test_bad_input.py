import pytest

from tournaments.models import Round
from tournaments.tests.builders import tournament_with_members

pytestmark = pytest.mark.django_db
HUGE = 10**20


def test_huge_ids_are_4xx_not_500(editor_api):
    tournament, players = tournament_with_members(2)
    Round.objects.create(tournament=tournament, number=1)
    base = f"/api/v1/tournaments/{tournament.id}"
    responses = [
        editor_api.get(f"/api/v1/tournaments/{HUGE}"),
        editor_api.get(f"/api/v1/tournaments/{HUGE}/standings"),
        editor_api.get(f"/api/v1/users/{HUGE}"),
        editor_api.get(f"/api/v1/scoreboard/{HUGE}"),
        editor_api.post(f"{base}/registrations", {"user_id": HUGE}, format="json"),
        editor_api.post(f"{base}/registrations/{HUGE}/check-in"),
        editor_api.post(f"{base}/rounds/{HUGE}/results", {"lobbies": []}, format="json"),
        editor_api.post(f"{base}/rounds/1/results", {"lobbies": [
            {"lobby": 1, "placements": [{"user_id": HUGE, "placement": 1}]}]}, format="json"),
        editor_api.put(f"{base}/rounds/1/lobbies/1", {"players": [HUGE]}, format="json"),
        editor_api.put(f"{base}/rounds/1/lobbies/{HUGE}", {"players": [players[0].id]},
                       format="json"),
        editor_api.get(f"/api/v1/players/ranked?tournament_id={HUGE}"),
        editor_api.put(f"{base}", [1, 2], format="json"),
        editor_api.post("/api/v1/tournaments", {"name": "x", "max_participants": -1}, format="json"),
        editor_api.post(f"{base}/rounds/1/results", {"lobbies": [
            {"lobby": 1, "placements": [{"user_id": players[0].id, "placement": HUGE}]}]},
            format="json"),
    ]
    assert [r.status_code for r in responses if not 400 <= r.status_code < 500] == []
