import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_member
from realtime.events import DASHBOARD_GROUP, tournament_group
from tournaments.models import Placement, PlacementCorrection, Round, Tournament
from tournaments.selectors import standings_for
from tournaments.services import results_post
from tournaments.tests.builders import tournament_with_members

pytestmark = pytest.mark.django_db


def url(tournament, number=1):
    return f"/api/v1/tournaments/{tournament.id}/rounds/{number}/results"


def lobby(number, players, start=1):
    return {"lobby": number, "placements": [{"user_id": p.id, "placement": place}
                                            for place, p in enumerate(players, start=start)]}


@pytest.fixture
def cup():
    tournament, players = tournament_with_members(16)
    Round.objects.create(tournament=tournament, number=1)
    return tournament, players


def test_posting_a_round_stores_placements_and_answers_points(editor_api, cup):
    tournament, players = cup

    response = editor_api.post(url(tournament), {"lobbies": [lobby(1, players[:8]),
                                                             lobby(2, players[8:])]}, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["round_name"] == "round_1" and body["status"] == "completed"
    assert body["lobbies"][0]["placements"][0] == {
        "user_id": players[0].id, "player_name": "Player 001", "placement": 1, "points": 8}
    assert body["corrected_lobbies"] == []
    assert Placement.objects.count() == 16
    standings = standings_for(tournament_id=tournament.id)["standings"]
    assert [s["total_points"] for s in standings[:3]] == [8, 8, 7]


def test_players_can_be_named_by_discord_id(editor_api, cup):
    tournament, players = cup
    body = {"lobbies": [{"lobby": 1, "placements": [{"discord_id": p.discord_id, "placement": i}
                                                    for i, p in enumerate(players[:8], start=1)]}]}

    response = editor_api.post(url(tournament), body, format="json")

    assert response.status_code == 200
    assert Placement.objects.get(placement=1).user == players[0]


def test_a_bad_post_lists_every_problem_and_stores_nothing(editor_api, cup):
    tournament, players = cup
    stranger = make_member("stranger")
    first = lobby(1, players[:8])
    first["placements"][7]["placement"] = 9                       # out of range
    second = lobby(2, players[8:15])
    second["placements"][1]["placement"] = 1                      # two 1sts
    second["placements"].append({"user_id": players[0].id, "placement": 8})  # twice in the round
    third = lobby(3, [stranger])                                  # not registered
    fourth = {"lobby": 4, "placements": [{"user_id": 999999, "placement": 1}]}  # unknown
    fifth = lobby(5, players[:9])                                 # 9 in a lobby

    response = editor_api.post(url(tournament), {"lobbies": [first, second, third, fourth, fifth]},
                               format="json")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["lobbies[0].placements[7].placement"] == [
        "Placement 9 is out of range 1..8 for this lobby."]
    assert errors["lobbies[1].placements[1].placement"] == [
        "Placement 1 is already given to placements[0]."]
    assert errors["lobbies[1].placements[7]"] == [
        "Player 001 is already placed in this round (lobbies[0].placements[0])."]
    assert errors["lobbies[2].placements[0]"] == ["Stranger is not registered in this tournament."]
    assert errors["lobbies[3].placements[0]"] == ["No league member with user 999999."]
    assert errors["lobbies[4].placements"] == ["A lobby holds at most 8 players; got 9."]
    assert Placement.objects.count() == 0
    assert Round.objects.get().status == "pending"


def test_results_for_a_completed_tournament_are_refused(editor_api, cup):
    tournament, players = cup
    Tournament.objects.filter(pk=tournament.pk).update(status="completed")

    response = editor_api.post(url(tournament), {"lobbies": [lobby(1, players[:8])]}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"]["tournament"] == [
        "Results are accepted while the tournament is in progress; it is completed."]
    assert not Placement.objects.exists()


def test_a_player_placed_in_another_lobby_of_the_round_is_refused(editor_api, cup):
    tournament, players = cup
    editor_api.post(url(tournament), {"lobbies": [lobby(1, players[:8])]}, format="json")

    response = editor_api.post(url(tournament), {"lobbies": [lobby(2, players[7:15])]},
                               format="json")

    assert response.status_code == 400
    assert response.json()["errors"]["lobbies[0].placements[0]"] == [
        "Player 008 already has a placement in lobby 1 of this round."]


def test_reposting_a_lobby_corrects_it_and_records_who_and_what(editor, editor_api, cup):
    tournament, players = cup
    editor_api.post(url(tournament), {"lobbies": [lobby(1, players[:8]), lobby(2, players[8:])]},
                    format="json")

    swapped = [players[1], players[0], *players[2:8]]
    response = editor_api.post(url(tournament), {"lobbies": [lobby(1, swapped)]}, format="json")

    assert response.status_code == 200
    assert response.json()["corrected_lobbies"] == [1]
    assert Placement.objects.get(user=players[1]).placement == 1
    assert Placement.objects.count() == 16
    correction = PlacementCorrection.objects.get()
    assert correction.corrected_by == editor
    assert correction.before[0] == {"user_id": players[0].id, "player_name": "Player 001",
                                    "placement": 1, "points": 8}
    assert correction.after[0]["user_id"] == players[1].id


def test_players_can_move_between_two_reposted_lobbies(editor_api, cup):
    tournament, players = cup
    editor_api.post(url(tournament), {"lobbies": [lobby(1, players[:8]), lobby(2, players[8:])]},
                    format="json")
    one, two = [players[8], *players[1:8]], [players[0], *players[9:]]

    response = editor_api.post(url(tournament), {"lobbies": [lobby(1, one), lobby(2, two)]},
                               format="json")

    assert response.status_code == 200, response.json()
    assert Placement.objects.get(user=players[0]).lobby.number == 2
    assert PlacementCorrection.objects.count() == 2


def test_results_publish_placements_and_standings_to_dashboard_and_overlays(
        editor_api, cup, events, django_capture_on_commit_callbacks):
    tournament, players = cup

    with django_capture_on_commit_callbacks(execute=True):
        editor_api.post(url(tournament), {"lobbies": [lobby(1, players[:8])]}, format="json")

    expected_standings = standings_for(tournament_id=tournament.id)
    for group in (DASHBOARD_GROUP, tournament_group(tournament.id)):
        messages = events.received(group)
        types = [m["type"] for m in messages]
        assert types == ["placement_update", "standings_update"]
        assert messages[0]["data"]["lobbies"][0]["placements"][0]["user_id"] == players[0].id
        assert messages[1]["data"] == expected_standings


def test_a_refused_post_publishes_nothing(editor_api, cup, events,
                                          django_capture_on_commit_callbacks):
    tournament, players = cup

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        refused = editor_api.post(url(tournament), {"lobbies": [lobby(1, players[:8], start=2)]},
                                  format="json")

    assert refused.status_code == 400
    assert callbacks == [] and events.received(tournament_group(tournament.id)) == []
    # Positive control: the same post, valid, reaches the tournament's group.
    with django_capture_on_commit_callbacks(execute=True):
        accepted = editor_api.post(url(tournament), {"lobbies": [lobby(1, players[:8])]},
                                   format="json")
    assert accepted.status_code == 200
    assert events.types(tournament_group(tournament.id)) == ["placement_update", "standings_update"]


@pytest.mark.parametrize("body", [
    None, [], {"lobbies": "x"}, {"lobbies": [{"lobby": "a"}]},
    {"lobbies": [{"lobby": 1, "placements": [{"placement": 1}]}]},
    {"lobbies": [{"lobby": 1, "placements": [{"user_id": 1, "discord_id": "2", "placement": 1}]}]},
])
def test_malformed_posts_are_400(editor_api, cup, body):
    tournament, _ = cup
    response = editor_api.post(url(tournament), body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_viewers_cannot_post_results_and_unknown_rounds_are_404(viewer_api, editor_api, cup):
    tournament, players = cup
    body = {"lobbies": [lobby(1, players[:8])]}
    assert viewer_api.post(url(tournament), body, format="json").status_code == 403
    response = editor_api.post(url(tournament, 7), body, format="json")
    assert response.status_code == 404 and response.json()["code"] == "round_not_found"


def test_posting_uses_the_same_queries_for_2_and_64_lobbies(editor):
    counts = []
    for size in (16, 512):
        tournament, players = tournament_with_members(size, prefix=f"s{size}-")
        Round.objects.create(tournament=tournament, number=1)
        lobbies = [lobby(n, players[i:i + 8]) for n, i in enumerate(range(0, size, 8), start=1)]
        with CaptureQueriesContext(connection) as queries:
            results_post(tournament_id=tournament.id, number=1, lobbies=lobbies, by=editor)
        counts.append(len(queries))
    # SQLite caps the parameters of one statement, so it splits the 512-row insert in batches.
    extra_batches = 0 if connection.vendor == "postgresql" else 2
    assert counts[1] <= counts[0] + extra_batches
