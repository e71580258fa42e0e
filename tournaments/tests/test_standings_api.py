import pytest

from tournaments.models import StandingsSnapshot, Tournament
from tournaments.selectors import standings_for
from tournaments.tests.builders import record_round, tournament_with_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def cup():
    tournament, players = tournament_with_members(16, name="Winter Cup", guild_id="g1")
    record_round(tournament, 1, [players[:8], players[8:]])
    record_round(tournament, 2, [players[7::-1], players[:7:-1]])  # reversed: 1st became 8th
    return tournament, players


def test_standings_are_public_with_etag_and_last_modified(viewer_api, cup):
    tournament, _ = cup
    api_client = viewer_api

    response = api_client.get(f"/api/v1/tournaments/{tournament.id}/standings")

    assert response.status_code == 200
    assert response.json() == standings_for(tournament_id=tournament.id)
    assert response.json()["round_names"] == ["round_1", "round_2"]
    assert response["ETag"].startswith('"') and response["Last-Modified"].endswith("GMT")

    again = api_client.get(f"/api/v1/tournaments/{tournament.id}/standings",
                           HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""

    record_round(tournament, 3, [players_of(response)[:8]])
    changed = api_client.get(f"/api/v1/tournaments/{tournament.id}/standings",
                             HTTP_IF_NONE_MATCH=response["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != response["ETag"]


def test_standings_follow_the_other_conditional_headers(api_client, cup):
    tournament, _ = cup
    url = f"/api/v1/tournaments/{tournament.id}/standings"
    first = api_client.get(url)

    unchanged = api_client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert unchanged.status_code == 304 and unchanged["ETag"] == first["ETag"]
    stale = api_client.get(url, HTTP_IF_MATCH='"not-the-current-version"')
    assert stale.status_code == 412 and stale.json()["code"] == "precondition_failed"
    current = api_client.get(url, HTTP_IF_MATCH=first["ETag"])
    assert current.status_code == 200 and current.json() == first.json()


def players_of(response):
    from accounts.models import User

    ids = [row["user_id"] for row in response.json()["standings"]]
    users = User.objects.in_bulk(ids)
    return [users[i] for i in ids]


def test_standings_of_an_unknown_tournament_are_404(api_client):
    response = api_client.get("/api/v1/tournaments/424242/standings")
    assert response.status_code == 404
    assert response.json()["code"] == "tournament_not_found"


@pytest.mark.parametrize("players", [16, 512])
def test_standings_endpoint_queries_do_not_grow(api_client, players, django_assert_num_queries):
    tournament, members = tournament_with_members(players)
    record_round(tournament, 1, [members[i:i + 8] for i in range(0, players, 8)])
    with django_assert_num_queries(4):
        response = api_client.get(f"/api/v1/tournaments/{tournament.id}/standings")
    assert len(response.json()["standings"]) == players


def test_refresh_snapshots_the_live_standings(editor, editor_api, cup):
    tournament, players = cup

    response = editor_api.post("/api/v1/scoreboard/refresh", {"tournament_id": tournament.id},
                               format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["data"] == standings_for(tournament_id=tournament.id)
    assert (body["tournament_name"], body["created_by"]) == ("Winter Cup", editor.username)
    snapshot = StandingsSnapshot.objects.get()
    assert snapshot.data == body["data"]

    # Later results do not change a snapshot.
    record_round(tournament, 3, [players[:8]])
    assert editor_api.get(f"/api/v1/scoreboard/{snapshot.id}").json()["data"] == body["data"]


def test_refresh_without_a_tournament_takes_the_active_one(editor_api, cup):
    tournament, _ = cup
    Tournament.objects.create(name="Next", status="draft")
    response = editor_api.post("/api/v1/scoreboard/refresh")
    assert response.status_code == 201 and response.json()["tournament_id"] == tournament.id


def test_latest_list_and_one_snapshot_with_conditional_get(viewer_api, editor_api, cup,
                                                           django_assert_max_num_queries):
    tournament, _ = cup
    ids = [editor_api.post("/api/v1/scoreboard/refresh", format="json").json()["id"]
           for _ in range(3)]

    latest = viewer_api.get("/api/v1/scoreboard/latest")
    assert latest.status_code == 200 and latest.json()["id"] == ids[-1]
    assert latest["ETag"] and latest["Last-Modified"]
    assert viewer_api.get("/api/v1/scoreboard/latest",
                          HTTP_IF_NONE_MATCH=latest["ETag"]).status_code == 304

    with django_assert_max_num_queries(3):
        listing = viewer_api.get(f"/api/v1/scoreboard/snapshots?tournament_id={tournament.id}")
    body = listing.json()
    assert body["total"] == 3 and [s["id"] for s in body["snapshots"]] == ids[::-1]
    assert "data" not in body["snapshots"][0]

    one = viewer_api.get(f"/api/v1/scoreboard/{ids[0]}")
    assert one.json()["id"] == ids[0]
    assert viewer_api.get("/api/v1/scoreboard/999999").status_code == 404
    assert viewer_api.post("/api/v1/scoreboard/refresh").status_code == 403


def test_latest_is_404_without_snapshots(viewer_api):
    response = viewer_api.get("/api/v1/scoreboard/latest")
    assert response.status_code == 404 and response.json()["code"] == "snapshot_not_found"


def test_ranked_players_answer_the_contract_shape_without_login(api_client, cup):
    tournament, players = cup

    response = api_client.get(f"/api/v1/players/ranked?tournament_id={tournament.id}")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"players", "total", "snapshot_id", "snapshot_created_at",
                         "tournament_id", "tournament_name"}
    assert (body["total"], body["tournament_id"], body["tournament_name"]) == (
        16, tournament.id, "Winter Cup")
    first = body["players"][0]
    assert set(first) == {"player_name", "total_points", "standing_rank", "round_scores"}
    assert first["standing_rank"] == 1 and first["total_points"] == 9
    assert first["round_scores"] == {"round_1": 1, "round_2": 8}  # the better latest round


def test_ranked_players_sorting_limit_and_camel_case(api_client, cup):
    tournament, players = cup
    by_name = api_client.get("/api/v1/players/ranked?sortBy=player_name&sortOrder=desc&limit=3"
                             ).json()
    assert [p["player_name"] for p in by_name["players"]] == ["Player 016", "Player 015",
                                                              "Player 014"]
    assert by_name["total"] == 16 and by_name["tournament_id"] == tournament.id
    record_round(tournament, 3, [players[:8]])
    points = [p["total_points"] for p in api_client.get(
        "/api/v1/players/ranked?sort_by=total_points&sort_order=asc").json()["players"]]
    assert points == sorted(points) and points[0] < points[-1]
    ranks = [p["standing_rank"] for p in api_client.get(
        "/api/v1/players/ranked?sort_by=standing_rank&sort_order=desc").json()["players"]]
    assert ranks == sorted(ranks, reverse=True)
    by_guild = api_client.get("/api/v1/players/ranked?guild_id=g1").json()
    assert by_guild["tournament_id"] == tournament.id
    assert api_client.get("/api/v1/players/ranked?guild_id=nope").json()["players"] == []
    assert api_client.get("/api/v1/players/ranked?sort_by=age").status_code == 400
    assert api_client.get("/api/v1/players/ranked?limit=0").status_code == 400
