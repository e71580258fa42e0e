import pytest

from accounts.models import User
from conftest import make_member
from tournaments.tests.builders import record_round, tournament_with_members

pytestmark = pytest.mark.django_db


def test_list_pages_members_and_filters_by_activity(viewer_api, django_assert_max_num_queries):
    for i in range(30):
        make_member(f"m{i:02d}", is_active=i % 3 != 0)

    with django_assert_max_num_queries(4):
        response = viewer_api.get("/api/v1/users/?skip=5&limit=5&is_active=false")

    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["page"], body["per_page"]) == (10, 2, 5)
    assert [u["username"] for u in body["users"]] == ["m15", "m18", "m21", "m24", "m27"]
    everyone = viewer_api.get("/api/v1/users?limit=1000").json()
    assert everyone["total"] == 31  # the viewer too
    assert set(everyone["users"][0]) == {
        "id", "username", "display_name", "player_name", "discord_id", "riot_id", "puuid",
        "email", "is_active", "is_staff", "created_at", "last_login"}


def test_list_rejects_bad_paging(viewer_api):
    response = viewer_api.get("/api/v1/users?limit=0&skip=-1")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"limit", "skip"}


def test_create_a_member_publishes_user_update(editor_api, events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_api.post("/api/v1/users", {
            "display_name": "Kira", "discord_id": "123456789", "riot_id": "Kira#EUW"}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert (body["username"], body["player_name"], body["discord_id"]) == ("Kira", "Kira",
                                                                           "123456789")
    user = User.objects.get(discord_id="123456789")
    assert not user.has_usable_password()
    [event] = events.of_type("user_update")
    assert event["action"] == "created" and event["user"]["id"] == user.id


def test_a_duplicate_discord_id_is_409(editor_api):
    make_member("kira", discord_id="42")
    response = editor_api.post("/api/v1/users", {"display_name": "Other", "discord_id": "42"},
                               format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "A member with Discord id 42 already exists.",
                               "code": "duplicate_discord_id"}

    other = make_member("other", discord_id="43")
    response = editor_api.put(f"/api/v1/users/{other.id}", {"discord_id": "42"}, format="json")
    assert response.status_code == 409


def test_create_validates_every_field(editor_api):
    response = editor_api.post("/api/v1/users", {"discord_id": "abc", "riot_id": "no-tag",
                                                 "email": "x"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"discord_id", "riot_id", "email"}
    assert editor_api.post("/api/v1/users", {}, format="json").status_code == 400


def test_get_and_get_by_discord_id(viewer_api):
    kira = make_member("kira", discord_id="777")
    assert viewer_api.get(f"/api/v1/users/{kira.id}").json()["discord_id"] == "777"
    assert viewer_api.get("/api/v1/users/discord/777").json()["id"] == kira.id
    response = viewer_api.get("/api/v1/users/discord/000")
    assert response.status_code == 404 and response.json()["code"] == "user_not_found"
    assert viewer_api.get("/api/v1/users/999999").status_code == 404


def test_update_changes_only_what_is_sent(editor_api):
    kira = make_member("kira", riot_id="Kira#EUW")
    response = editor_api.put(f"/api/v1/users/{kira.id}", {"display_name": "Kira G"},
                              format="json")
    assert response.status_code == 200
    kira.refresh_from_db()
    assert (kira.display_name, kira.riot_id) == ("Kira G", "Kira#EUW")


def test_delete_removes_a_member_without_results(editor_api):
    kira = make_member("kira")
    response = editor_api.delete(f"/api/v1/users/{kira.id}")
    assert response.status_code == 200
    assert response.json()["deleted"] is True
    assert not User.objects.filter(pk=kira.pk).exists()


def test_delete_deactivates_a_member_with_results_and_says_so(editor_api):
    tournament, players = tournament_with_members(2)
    record_round(tournament, 1, [players])

    response = editor_api.delete(f"/api/v1/users/{players[0].id}")

    assert response.status_code == 200
    assert response.json() == {
        "message": "Player 001 has tournament results, so the member was deactivated instead of "
                   "deleted.", "deleted": False, "deactivated": True, "user_id": players[0].id}
    players[0].refresh_from_db()
    assert players[0].is_active is False


def test_staff_accounts_and_viewers_cannot_delete(editor_api, viewer_api, admin_user):
    assert editor_api.delete(f"/api/v1/users/{admin_user.id}").status_code == 409
    response = editor_api.put(f"/api/v1/users/{admin_user.id}", {"is_active": False}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "staff_account")
    admin_user.refresh_from_db()
    assert admin_user.is_active
    kira = make_member("kira")
    assert viewer_api.delete(f"/api/v1/users/{kira.id}").status_code == 403
    assert viewer_api.post("/api/v1/users", {"display_name": "x"}, format="json").status_code == 403


def test_statistics_overview(viewer_api):
    tournament, players = tournament_with_members(3)
    make_member("idle", is_active=False)
    body = viewer_api.get("/api/v1/users/statistics/overview").json()
    assert body["total_users"] == 5
    assert body["inactive_users"] == 1
    assert body["registered_in_tournaments"] == 3
    assert body["with_discord_id"] == 4


def test_member_usernames_in_the_schema_allow_any_letters(api_client):
    schema = api_client.get("/openapi.json").json()

    assert "pattern" not in schema["components"]["schemas"]["MemberOutput"]["properties"]["username"]
