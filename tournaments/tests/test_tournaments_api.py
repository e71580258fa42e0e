import pytest

from conftest import make_member
from realtime.events import tournament_group
from tournaments.models import Registration, Round, Seat, Tournament
from tournaments.tests.builders import record_round, register, tournament_with_members

pytestmark = pytest.mark.django_db
API = "/api/v1/tournaments"


def test_create_a_tournament_with_defaults_and_publish(editor_api, events,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_api.post(API, {"name": "Winter Cup", "max_participants": 16},
                                   format="json")

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["current_participants"], body["max_participants"]) == (
        "draft", 0, 16)
    assert body["scoring"] == {"points": [8, 7, 6, 5, 4, 3, 2, 1],
                               "tiebreakers": ["top4_plus_firsts", "placement_counts",
                                               "latest_round"]}
    [event] = events.of_type("tournament_update")
    assert event == {"action": "created", "tournament": {"id": body["id"], "name": "Winter Cup",
                                                         "status": "draft"}}


def test_a_bad_scoring_table_is_400(editor_api):
    response = editor_api.post(API, {"name": "X", "scoring": {"points": [8, "a"],
                                                              "tiebreakers": ["coin_flip"]}},
                               format="json")
    assert response.status_code == 400
    assert len(response.json()["errors"]["scoring"]) == 2
    assert not Tournament.objects.exists()


def test_list_pages_and_filters_by_status_in_fixed_queries(viewer_api, django_assert_max_num_queries):
    for i in range(12):
        tournament = Tournament.objects.create(name=f"T{i}",
                                               status="registration" if i % 2 else "draft")
        register(tournament, *(make_member(f"t{i}-{n}") for n in range(3)))
    with django_assert_max_num_queries(3):
        response = viewer_api.get(f"{API}/?status=registration&skip=2&limit=2")
    body = response.json()
    assert (body["total"], body["page"], body["per_page"]) == (6, 2, 2)
    assert [(t["name"], t["current_participants"]) for t in body["tournaments"]] == [
        ("T7", 3), ("T5", 3)]
    assert viewer_api.get(f"{API}?status=bogus").status_code == 400
    assert viewer_api.get(f"{API}?limit=5000").status_code == 400


@pytest.mark.parametrize("path, allowed", [
    (["registration", "in_progress", "completed"], True),
    (["registration", "cancelled"], True),
    (["in_progress"], False),
    (["registration", "in_progress", "completed", "in_progress"], False),
    (["cancelled", "registration"], False),
])
def test_status_transitions(editor_api, path, allowed):
    tournament = Tournament.objects.create(name="Cup")
    responses = [editor_api.put(f"{API}/{tournament.id}", {"status": s}, format="json")
                 for s in path]
    assert all(r.status_code == 200 for r in responses[:-1])
    assert responses[-1].status_code == (200 if allowed else 400)
    if not allowed:
        assert "Cannot go from" in responses[-1].json()["errors"]["status"][0]


def test_update_delete_and_statistics(editor_api):
    tournament, players = tournament_with_members(6, max_participants=8)
    record_round(tournament, 1, [players])
    Round.objects.create(tournament=tournament, number=2)
    Registration.objects.filter(user=players[0]).update(checked_in_at="2026-01-01T00:00:00Z")

    stats = editor_api.get(f"{API}/{tournament.id}/statistics").json()
    assert stats == {"tournament_id": tournament.id, "status": "in_progress", "participants": 6,
                     "checked_in": 1, "max_participants": 8, "fill_rate": 75.0,
                     "check_in_rate": 16.7, "rounds": 2, "rounds_played": 1, "lobbies": 1,
                     "placements": 6}

    response = editor_api.put(f"{API}/{tournament.id}", {"max_participants": 4}, format="json")
    assert response.status_code == 400
    response = editor_api.put(f"{API}/{tournament.id}", {"description": "Finals"}, format="json")
    assert response.json()["description"] == "Finals"

    assert editor_api.delete(f"{API}/{tournament.id}").status_code == 200
    assert not Tournament.objects.exists()
    assert editor_api.get(f"{API}/{tournament.id}").status_code == 404


def test_registration_by_id_or_discord_id_then_duplicate_and_full_are_409(editor_api):
    tournament = Tournament.objects.create(name="Cup", status="registration", max_participants=2)
    anna, bert, cleo = make_member("anna"), make_member("bert"), make_member("cleo")

    first = editor_api.post(f"{API}/{tournament.id}/registrations", {"user_id": anna.id},
                            format="json")
    second = editor_api.post(f"{API}/{tournament.id}/registrations", {"discord_id": "d-bert"},
                             format="json")
    again = editor_api.post(f"{API}/{tournament.id}/registrations", {"user_id": anna.id},
                            format="json")
    full = editor_api.post(f"{API}/{tournament.id}/registrations", {"user_id": cleo.id},
                           format="json")

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json()["user_id"] == bert.id
    assert (again.status_code, again.json()["code"]) == (409, "already_registered")
    assert (full.status_code, full.json()) == (409, {
        "detail": "The tournament is full (2 participants).", "code": "tournament_full"})
    listing = editor_api.get(f"{API}/{tournament.id}/registrations").json()
    assert [r["player_name"] for r in listing["registrations"]] == ["Anna", "Bert"]
    assert editor_api.post(f"{API}/{tournament.id}/registrations", {}, format="json"
                           ).status_code == 400


def test_check_in_and_withdraw(editor_api):
    tournament, (anna, bert) = tournament_with_members(2)
    response = editor_api.post(f"{API}/{tournament.id}/registrations/{anna.id}/check-in")
    assert response.status_code == 200 and response.json()["checked_in"] is True

    record_round(tournament, 1, [[anna]])
    assert editor_api.delete(f"{API}/{tournament.id}/registrations/{anna.id}").status_code == 409
    assert editor_api.delete(f"{API}/{tournament.id}/registrations/{bert.id}").status_code == 200
    assert editor_api.delete(f"{API}/{tournament.id}/registrations/{bert.id}").status_code == 404


def test_rounds_are_numbered_and_seeded_in_snake_order(editor_api):
    tournament, players = tournament_with_members(16)
    assert editor_api.post(f"{API}/{tournament.id}/rounds").json()["name"] == "round_1"

    response = editor_api.post(f"{API}/{tournament.id}/rounds/1/lobbies/seed", {}, format="json")

    assert response.status_code == 200
    lobbies = response.json()["lobbies"]
    ids = [p.id for p in players]
    # 1 -> lobby 1, 2 -> lobby 2, 3 -> lobby 2, 4 -> lobby 1, ...
    assert [p["user_id"] for p in lobbies[0]["players"]] == [ids[i] for i in (0, 3, 4, 7, 8, 11, 12, 15)]
    assert [p["user_id"] for p in lobbies[1]["players"]] == [ids[i] for i in (1, 2, 5, 6, 9, 10, 13, 14)]


def test_a_seed_shuffles_round_one_reproducibly(editor_api):
    tournament, _ = tournament_with_members(16)
    Round.objects.create(tournament=tournament, number=1)
    seeded = [editor_api.post(f"{API}/{tournament.id}/rounds/1/lobbies/seed", {"seed": 7},
                              format="json").json()["lobbies"] for _ in range(2)]
    assert seeded[0] == seeded[1]
    assert [p["user_id"] for p in seeded[0][0]["players"]] != sorted(
        p["user_id"] for p in seeded[0][0]["players"])


def test_later_rounds_are_seeded_from_the_standings(editor_api):
    tournament, players = tournament_with_members(16)
    record_round(tournament, 1, [players[8:], players[:8]])  # players 9..16 in lobby 1
    editor_api.post(f"{API}/{tournament.id}/rounds")

    lobbies = editor_api.post(f"{API}/{tournament.id}/rounds/2/lobbies/seed").json()["lobbies"]

    # Standings: 001 and 009 (both 1st, tied, by name), then 002 and 010, 003 and 011, ...
    # dealt 1 -> lobby 1, 2 -> lobby 2, 3 -> lobby 2, 4 -> lobby 1, 5 -> lobby 1, ...
    assert [p["user_id"] for p in lobbies[0]["players"][:3]] == [
        players[0].id, players[9].id, players[2].id]
    assert [p["user_id"] for p in lobbies[1]["players"][:3]] == [
        players[8].id, players[1].id, players[10].id]
    assert editor_api.post(f"{API}/{tournament.id}/rounds/1/lobbies/seed").status_code == 409


def test_moving_a_player_between_lobbies_by_hand(editor_api):
    tournament, players = tournament_with_members(16)
    Round.objects.create(tournament=tournament, number=1)
    editor_api.post(f"{API}/{tournament.id}/rounds/1/lobbies/seed")
    lobby_two = [s.user_id for s in Seat.objects.filter(lobby__number=2)]
    moved = Seat.objects.filter(lobby__number=1).first().user_id

    response = editor_api.put(f"{API}/{tournament.id}/rounds/1/lobbies/2",
                              {"players": [*lobby_two[:7], moved]}, format="json")

    assert response.status_code == 200
    assert response.json()["players"][-1]["user_id"] == moved
    assert Seat.objects.get(user_id=moved).lobby.number == 2
    assert Seat.objects.filter(lobby__number=1).count() == 7

    stranger = make_member("stranger")
    response = editor_api.put(f"{API}/{tournament.id}/rounds/1/lobbies/2",
                              {"players": [moved, moved, stranger.id, *lobby_two]}, format="json")
    assert response.status_code == 400
    assert len(response.json()["errors"]["players"]) == 3


def test_round_listing_uses_fixed_queries(viewer_api, django_assert_max_num_queries):
    tournament, players = tournament_with_members(64)
    for number in (1, 2, 3):
        record_round(tournament, number, [players[i:i + 8] for i in range(0, 64, 8)])
    with django_assert_max_num_queries(8):
        response = viewer_api.get(f"{API}/{tournament.id}/rounds")
    assert response.json()["total"] == 3
    assert len(response.json()["rounds"][0]["lobbies"]) == 8
    assert viewer_api.get(f"{API}/{tournament.id}/rounds/2").json()["name"] == "round_2"
    assert viewer_api.get(f"{API}/{tournament.id}/rounds/9").status_code == 404


def test_registration_and_scoring_changes_reach_the_overlays(editor_api, events,
                                                             django_capture_on_commit_callbacks):
    tournament, players = tournament_with_members(2)
    record_round(tournament, 1, [players])
    newcomer = make_member("newcomer")

    with django_capture_on_commit_callbacks(execute=True):
        editor_api.post(f"{API}/{tournament.id}/registrations", {"user_id": newcomer.id},
                        format="json")
        editor_api.put(f"{API}/{tournament.id}", {"scoring": {"points": [20, 10]}}, format="json")

    assert events.types() == [
        "tournament_update", "standings_update", "tournament_update", "standings_update"]
    standings = events.of_type("standings_update", group=tournament_group(tournament.id))
    assert len(standings) == 2
    assert [row["total_points"] for row in standings[-1]["standings"]] == [20, 10, 0]
