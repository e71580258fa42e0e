import pytest

from conftest import make_member
from tournaments.models import Round
from tournaments.selectors import standings_for
from tournaments.tests.builders import record_round, register, tournament_with_members

pytestmark = pytest.mark.django_db


def filler(count: int, prefix: str) -> list:
    return [make_member(f"{prefix}{i}") for i in range(count)]


def order(standings: dict) -> list[tuple[str, int, int]]:
    return [(s["player_name"], s["rank"], s["total_points"]) for s in standings["standings"]]


def two_rounds(places_a: tuple[int, int], places_b: tuple[int, int], **tournament_fields):
    """Anna and Bert each play two rounds in their own lobbies, finishing at the given places."""
    tournament, _ = tournament_with_members(0, **tournament_fields)
    anna, bert = make_member("anna"), make_member("bert")
    register(tournament, anna, bert)
    fillers = filler(7, "fa") + filler(7, "fb")
    for number in (1, 2):
        lobbies = []
        for player, places, others in ((anna, places_a, fillers[:7]), (bert, places_b, fillers[7:])):
            lobby = list(others)
            lobby.insert(places[number - 1] - 1, player)
            lobbies.append(lobby)
        record_round(tournament, number, lobbies)
    standings = standings_for(tournament_id=tournament.id)
    return [s["player_name"] for s in standings["standings"]], standings


def test_standings_answer_the_contract_shape():
    tournament, (p1, p2, p3) = tournament_with_members(3)
    record_round(tournament, 1, [[p2, p1, p3]])
    record_round(tournament, 2, [[p1, p3, p2]])
    Round.objects.create(tournament=tournament, number=3)

    standings = standings_for(tournament_id=tournament.id)

    assert standings["tournament_id"] == tournament.id
    assert standings["round_names"] == ["round_1", "round_2", "round_3"]
    assert standings["standings"][0] == {
        "rank": 1, "user_id": p1.id, "player_name": "Player 001", "discord_id": "9001",
        "riot_id": "Player1#GAL", "total_points": 15, "round_scores": {"round_1": 7, "round_2": 8},
        "placements": [2, 1],
    }
    assert order(standings) == [("Player 001", 1, 15), ("Player 002", 2, 14), ("Player 003", 3, 13)]


def test_total_points_decide_first():
    names, _ = two_rounds((5, 5), (4, 8))
    assert names == ["Anna", "Bert"]  # 8 points against 6


def test_top4_plus_firsts_decides_before_placement_counts():
    # 11 points each; Anna has two top-4s, Bert one (though Bert has a 2nd and Anna none).
    names, standings = two_rounds((3, 4), (2, 5))
    assert names == ["Anna", "Bert"]
    assert [s["rank"] for s in standings["standings"]] == [1, 2]


def test_a_first_counts_twice_in_top4_plus_firsts():
    # 11 points each: Anna 1st+6th scores 2 (the 1st twice), Bert 2nd+5th scores 1. Counted
    # once, they would tie and Bert's better latest round would put him first.
    names, _ = two_rounds((1, 6), (2, 5), scoring={"tiebreakers": ["top4_plus_firsts", "latest_round"]})
    assert names == ["Anna", "Bert"]


def test_placement_counts_decide_when_top4_is_equal():
    # 12 points and a top-4 score of 2 each; Bert has a 1st.
    names, _ = two_rounds((2, 4), (1, 5))
    assert names == ["Bert", "Anna"]


def test_latest_round_decides_when_everything_else_is_equal():
    names, _ = two_rounds((2, 3), (3, 2))
    assert names == ["Bert", "Anna"]


def test_tiebreakers_follow_the_tournament_scoring_order():
    # Only the latest round counts: Anna's 4th beats Bert's 5th despite Bert's 2nd.
    names, _ = two_rounds((3, 4), (2, 5), scoring={"tiebreakers": ["latest_round"]})
    assert names == ["Anna", "Bert"]


def test_placement_counts_first_prefers_more_high_placements():
    names, _ = two_rounds((3, 4), (2, 5), scoring={"tiebreakers": ["placement_counts"]})
    assert names == ["Bert", "Anna"]


def test_players_equal_on_every_rule_share_a_rank():
    _, standings = two_rounds((2, 3), (2, 3))
    assert [s["rank"] for s in standings["standings"]] == [1, 1]


def test_points_follow_the_tournament_scoring_table():
    tournament, (p1, p2, p3) = tournament_with_members(3, scoring={"points": [10, 5]})
    record_round(tournament, 1, [[p1, p2, p3]])
    assert order(standings_for(tournament_id=tournament.id)) == [
        ("Player 001", 1, 10), ("Player 002", 2, 5), ("Player 003", 3, 0)]


def test_registered_players_without_results_are_listed_with_zero():
    tournament, _ = tournament_with_members(2)
    standings = standings_for(tournament_id=tournament.id)
    assert [(s["rank"], s["total_points"], s["round_scores"]) for s in standings["standings"]] == [
        (1, 0, {}), (1, 0, {})]


@pytest.mark.parametrize("players", [16, 512])
def test_standings_use_the_same_queries_for_16_and_512_players(players, django_assert_num_queries):
    tournament, members = tournament_with_members(players)
    for number in (1, 2, 3):
        record_round(tournament, number, [members[i:i + 8] for i in range(0, players, 8)])

    with django_assert_num_queries(4):
        standings = standings_for(tournament_id=tournament.id)

    assert len(standings["standings"]) == players
