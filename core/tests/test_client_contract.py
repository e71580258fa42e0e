"""The promise to the league's Next.js dashboard: every call of CLIENT-CONTRACT.md section 2,
sent exactly as the dashboard sends it (its bodies, a string `data_json` on save, no `version`
and no session id on save, camelCase queries, an empty logout, the doubled prefix of its
relative fetches), asserting every field it reads, with its type.

A failure here is a screen of the dashboard that breaks in production: change the server, not
the test, unless the dashboard itself changed.
"""

import json

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from graphics.models import Graphic
from tournaments.tests.builders import record_round, tournament_with_members

pytestmark = pytest.mark.django_db

MASTER_PASSWORD = "league-master-password"
API = "/api/v1"
# The dashboard's relative `fetch('/api/v1/...')` calls pass through its own rewrite
# (`/api/:path*` -> `${API_BASE_URL}/api/v1/:path*`) and reach us with the prefix doubled.
RELATIVE = "/api/v1/v1"
SESSION = "session-1733051234567-k2j4h5g6f"
DASHBOARD_ORIGIN = "http://localhost:3000"
# What the create dialog sends.
CREATE_BODY = {"title": "Lobby standings", "event_name": "Week 1",
               "data_json": {"elements": [], "settings": {"width": 1920, "height": 1080,
                                                          "backgroundColor": "#000000"}}}
# What the editor's save sends as `data_json`: a JSON string of the canvas.
EDITED_CANVAS = {"background": None, "elements": [
    {"id": "title", "type": "text", "x": 120, "y": 80, "content": "Week 1 standings",
     "fontSize": 48, "fontFamily": "Montserrat", "color": "#ffffff", "bold": True},
    {"id": "names", "type": "players", "x": 120, "y": 200, "fontSize": 28,
     "fontFamily": "Inter", "color": "#ffffff", "spacing": 40, "previewCount": 8},
]}


@pytest.fixture
def dashboard():
    """An API client logged in as the dashboard logs in: the master password, then a bearer
    token on every call."""
    with override_settings(DASHBOARD_MASTER_PASSWORD=MASTER_PASSWORD):
        login = APIClient().post("/auth/login", {"master_password": MASTER_PASSWORD}, format="json")
    assert login.status_code == 200, login.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['access_token']}")
    return client


@pytest.fixture
def created(dashboard) -> dict:
    response = dashboard.post(f"{API}/graphics", CREATE_BODY, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def assert_graphic_fields(graphic: dict) -> None:
    """The fields the graphics list and the editor read, with their types."""
    assert isinstance(graphic["id"], int)
    assert isinstance(graphic["title"], str)
    assert isinstance(graphic["event_name"], str)
    assert isinstance(graphic["data_json"], (dict, str))
    assert isinstance(graphic["created_by"], str)
    assert isinstance(graphic["updated_at"], str)
    assert isinstance(graphic["archived"], bool)


# login / logout ------------------------------------------------------------------------------

@override_settings(DASHBOARD_MASTER_PASSWORD=MASTER_PASSWORD)
def test_login_answers_access_token_and_expires_in():
    response = APIClient().post("/auth/login", {"master_password": MASTER_PASSWORD}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body["access_token"], str) and body["access_token"]
    assert isinstance(body["expires_in"], (int, float)) and body["expires_in"] > 0


@override_settings(DASHBOARD_MASTER_PASSWORD=MASTER_PASSWORD)
def test_login_with_a_wrong_password_is_401():
    response = APIClient().post("/auth/login", {"master_password": "not it"}, format="json")
    assert response.status_code == 401


def test_logout_with_no_body_and_no_auth_header_succeeds():
    response = APIClient().post("/auth/logout")
    assert response.status_code == 200


# graphics ------------------------------------------------------------------------------------

def test_graphics_list_answers_graphics_with_the_fields_the_list_reads(dashboard, created):
    response = dashboard.get(f"{API}/graphics")
    assert response.status_code == 200
    [graphic] = response.json()["graphics"]
    assert_graphic_fields(graphic)
    assert graphic["id"] == created["id"] and graphic["archived"] is False


def test_editor_load_answers_title_event_name_and_data_json(dashboard, created):
    response = dashboard.get(f"{API}/graphics/{created['id']}")
    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["event_name"]) == ("Lobby standings", "Week 1")
    canvas = json.loads(body["data_json"]) if isinstance(body["data_json"], str) else body["data_json"]
    assert canvas["elements"] == [] and canvas["settings"]["width"] == 1920


def test_create_dialog_answers_id_and_title(dashboard):
    response = dashboard.post(f"{API}/graphics", CREATE_BODY, format="json")
    assert response.status_code == 201
    body = response.json()
    assert isinstance(body["id"], int) and body["title"] == "Lobby standings"
    assert Graphic.objects.get(pk=body["id"]).event_name == "Week 1"


@pytest.mark.parametrize("canvas", ["absent", None, {}])
def test_create_without_a_canvas_makes_an_empty_one(dashboard, canvas):
    body = {"title": "Blank", "event_name": "Week 1"}
    if canvas != "absent":
        body["data_json"] = canvas
    response = dashboard.post(f"{API}/graphics", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["data_json"] == {"background": None, "elements": []}


def test_editor_save_with_a_string_canvas_and_no_version_or_session(dashboard, created):
    body = {"title": "Lobby standings (final)", "event_name": "Finals",
            "data_json": json.dumps(EDITED_CANVAS)}
    response = dashboard.put(f"{API}/graphics/{created['id']}", body, format="json")
    assert response.status_code == 200, response.content
    graphic = response.json()
    assert_graphic_fields(graphic)
    assert (graphic["title"], graphic["event_name"]) == ("Lobby standings (final)", "Finals")
    assert graphic["data_json"] == EDITED_CANVAS
    assert Graphic.objects.get(pk=created["id"]).data_json == EDITED_CANVAS


def test_editor_save_while_holding_its_own_lock(dashboard, created):
    """The editor takes the lock when it opens, then saves without sending the session id."""
    assert dashboard.post(f"{API}/lock/{created['id']}",
                          {"graphic_id": created["id"], "session_id": SESSION}, format="json").status_code == 200
    response = dashboard.put(f"{API}/graphics/{created['id']}",
                             {"title": "Saved", "event_name": "Week 1",
                              "data_json": json.dumps(EDITED_CANVAS)}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "Saved"


def test_copy_dialog_answers_the_new_graphic(dashboard, created):
    response = dashboard.post(f"{API}/graphics/{created['id']}/duplicate",
                              {"new_title": "Lobby standings (copy)", "new_event_name": "Week 2"},
                              format="json")
    assert response.status_code in (200, 201)
    copy = response.json()
    assert_graphic_fields(copy)
    assert copy["id"] != created["id"]
    assert (copy["title"], copy["event_name"]) == ("Lobby standings (copy)", "Week 2")


def test_delete_from_the_active_tab(dashboard, created):
    response = dashboard.delete(f"{API}/graphics/{created['id']}/permanent")
    assert response.status_code == 200
    assert not Graphic.objects.filter(pk=created["id"]).exists()


def test_event_picker_gets_a_bare_sorted_array_of_distinct_names(dashboard, created):
    for title, event in (("A", "Week 2"), ("B", "Finals"), ("C", "Week 2"), ("D", "")):
        dashboard.post(f"{API}/graphics", {**CREATE_BODY, "title": title, "event_name": event}, format="json")
    response = dashboard.get(f"{API}/events")
    assert response.status_code == 200
    events = response.json()
    assert isinstance(events, list), "the dashboard calls .filter on this answer"
    assert events == ["Finals", "Week 1", "Week 2"]
    assert all(isinstance(name, str) for name in events)


# archive -------------------------------------------------------------------------------------

def test_archive_with_an_empty_body(dashboard, created):
    response = dashboard.post(f"{API}/archive/{created['id']}", {}, format="json")
    assert response.status_code == 200
    assert Graphic.objects.get(pk=created["id"]).archived is True


def test_archived_tab_lists_graphic_fields_and_archived_at(dashboard, created):
    dashboard.post(f"{API}/archive/{created['id']}", {}, format="json")
    response = dashboard.get(f"{API}/archive")
    assert response.status_code == 200
    [archived] = response.json()["archives"]
    assert_graphic_fields(archived)
    assert archived["archived"] is True and isinstance(archived["archived_at"], str)


def test_restore_with_no_body(dashboard, created):
    dashboard.post(f"{API}/archive/{created['id']}", {}, format="json")
    response = dashboard.post(f"{API}/archive/{created['id']}/restore")
    assert response.status_code == 200
    assert Graphic.objects.get(pk=created["id"]).archived is False


def test_delete_from_the_archive(dashboard, created):
    dashboard.post(f"{API}/archive/{created['id']}", {}, format="json")
    response = dashboard.delete(f"{API}/archive/{created['id']}/permanent")
    assert response.status_code == 200
    assert not Graphic.objects.filter(pk=created["id"]).exists()


# locks ---------------------------------------------------------------------------------------

def test_lock_acquire_answers_the_lock_and_409_when_another_session_holds_it(dashboard, created):
    response = dashboard.post(f"{API}/lock/{created['id']}",
                              {"graphic_id": created["id"], "session_id": SESSION}, format="json")
    assert response.status_code == 200
    lock = response.json()
    assert lock["graphic_id"] == created["id"] and lock["session_id"] == SESSION
    assert isinstance(lock["expires_at"], str)

    other = dashboard.post(f"{API}/lock/{created['id']}",
                           {"graphic_id": created["id"], "session_id": "another-tab"}, format="json")
    assert other.status_code == 409


def test_lock_status_by_relative_fetch_for_another_sessions_lock(dashboard, created):
    dashboard.post(f"{API}/lock/{created['id']}",
                   {"graphic_id": created["id"], "session_id": SESSION}, format="json")
    response = dashboard.get(f"{RELATIVE}/lock/{created['id']}/status?session_id=another-tab")
    assert response.status_code == 200
    body = response.json()
    assert body["locked"] is True and body["can_edit"] is False
    info = body["lock_info"]
    assert isinstance(info["session_id"], str), "the dashboard calls .substring on it"
    assert SESSION not in info["session_id"], "the real id would let anyone release the lock"
    assert isinstance(info["expires_at"], str) and info["graphic_id"] == created["id"]


def test_lock_status_by_relative_fetch_for_its_own_lock(dashboard, created):
    dashboard.post(f"{API}/lock/{created['id']}",
                   {"graphic_id": created["id"], "session_id": SESSION}, format="json")
    body = dashboard.get(f"{RELATIVE}/lock/{created['id']}/status?session_id={SESSION}").json()
    assert (body["locked"], body["can_edit"], body["lock_info"]["session_id"]) == (True, True, SESSION)


def test_lock_status_of_an_unlocked_graphic(dashboard, created):
    body = dashboard.get(f"{RELATIVE}/lock/{created['id']}/status?session_id={SESSION}").json()
    assert (body["locked"], body["can_edit"]) == (False, True)


def test_lock_refresh_answers_the_lock_and_404_once_it_expired(dashboard, created):
    dashboard.post(f"{API}/lock/{created['id']}",
                   {"graphic_id": created["id"], "session_id": SESSION}, format="json")
    response = dashboard.post(f"{API}/lock/{created['id']}/refresh", {"session_id": SESSION}, format="json")
    assert response.status_code == 200 and response.json()["session_id"] == SESSION

    dashboard.delete(f"{API}/lock/{created['id']}", {"session_id": SESSION}, format="json")
    expired = dashboard.post(f"{API}/lock/{created['id']}/refresh", {"session_id": SESSION}, format="json")
    assert expired.status_code == 404


def test_editor_close_releases_the_lock(dashboard, created):
    dashboard.post(f"{API}/lock/{created['id']}",
                   {"graphic_id": created["id"], "session_id": SESSION}, format="json")
    response = dashboard.delete(f"{API}/lock/{created['id']}", {"session_id": SESSION}, format="json")
    assert response.status_code == 200
    status = dashboard.get(f"{RELATIVE}/lock/{created['id']}/status?session_id=another-tab").json()
    assert status["locked"] is False


# public view ---------------------------------------------------------------------------------

def test_public_view_answers_data_json_to_the_logged_in_dashboard(dashboard, created):
    response = dashboard.get(f"{API}/graphics/{created['id']}/view")
    assert response.status_code == 200
    assert response.json()["data_json"]["settings"]["width"] == 1920


@override_settings(OVERLAY_REQUIRE_KEY=False)
def test_public_view_answers_data_json_to_obs_without_a_token_when_keys_are_off(created):
    response = APIClient().get(f"{API}/graphics/{created['id']}/view")
    assert response.status_code == 200
    assert isinstance(response.json()["data_json"], dict)


def test_public_view_data_ranked_players_with_camel_case_query():
    tournament, players = tournament_with_members(8, name="Winter Cup")
    record_round(tournament, 1, [players])
    response = APIClient().get(f"{API}/players/ranked?sortBy=total_points&sortOrder=desc")
    assert response.status_code == 200
    ranked = response.json()["players"]
    assert len(ranked) == 8
    for row in ranked:
        assert isinstance(row["player_name"], str)
        assert isinstance(row["total_points"], (int, float))
        assert isinstance(row["standing_rank"], int)
        assert isinstance(row["round_scores"], dict)
    assert [row["total_points"] for row in ranked] == sorted((row["total_points"] for row in ranked),
                                                              reverse=True)


# how the dashboard reaches us ----------------------------------------------------------------

def test_doubled_prefix_answers_exactly_as_the_single_one(dashboard, created):
    single = dashboard.get(f"{API}/graphics/{created['id']}")
    doubled = dashboard.get(f"{RELATIVE}/graphics/{created['id']}")
    assert doubled.status_code == 200 and doubled.json() == single.json()
    unknown = dashboard.get(f"{RELATIVE}/no-such-route")
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"


def test_doubled_prefix_is_not_in_the_openapi_schema(api_client):
    paths = api_client.get("/openapi.json").json()["paths"]
    assert f"{API}/graphics" in paths, "positive control: the schema lists the API"
    assert not [path for path in paths if path.startswith(RELATIVE)]


def test_cors_preflight_from_the_dashboards_origin(api_client):
    response = api_client.options(
        f"{RELATIVE}/lock/1/status", HTTP_ORIGIN=DASHBOARD_ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization,content-type")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == DASHBOARD_ORIGIN
    allowed = response["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed and "content-type" in allowed
    for method in ("GET", "POST", "PUT", "DELETE", "OPTIONS"):
        assert method in response["Access-Control-Allow-Methods"]


def test_a_graphic_saved_by_the_dashboard_reaches_the_overlay_with_default_standings(dashboard, created):
    """The dashboard never binds a graphic to a tournament: its players/scores/placements
    elements draw the standings `/players/ranked` answers without `tournament_id`."""
    from graphics.overlay import overlay_snapshot

    tournament, players = tournament_with_members(8, name="Winter Cup")
    record_round(tournament, 1, [players])
    graphic = Graphic.objects.get(pk=created["id"])
    snapshot = overlay_snapshot(graphic_id=graphic.pk, key=graphic.overlay_key)
    ranked = APIClient().get(f"{API}/players/ranked").json()["players"]
    assert [row["player_name"] for row in snapshot["standings"]] == [row["player_name"] for row in ranked]
    view = dashboard.get(f"{API}/graphics/{graphic.pk}/view").json()
    assert view["standings"] == snapshot["standings"]


# Screenshot Review page (placements) and the Discord bot's submissions ------------------------
# The review page uses relative `fetch` calls (doubled prefix), a JSON string body and the
# bearer token; it reads only the fields asserted below and `response.ok` on its writes.

def _bot_client():
    """The bot logs in with its own Editor account (a write role) and sends a bearer token."""
    from accounts.roles import EDITOR
    from conftest import make_user

    make_user("gal-bot", EDITOR, password="bot-pass-123456")
    login = APIClient().post("/auth/token", {"username": "gal-bot", "password": "bot-pass-123456"},
                             format="json")
    assert login.status_code == 200, login.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['access_token']}")
    return client


def _bot_submission(tournament, names, *, lobby, message_id, confidence):
    """The bot's body, as its screenshot handler builds it: Discord ids as numbers."""
    return {"tournament_id": tournament.id, "round_name": "round_1", "lobby_number": lobby,
            "discord_message_id": message_id, "discord_channel_id": 1180000000000000000,
            "discord_author_id": "240000000000000001",
            "image_url": f"https://cdn.discordapp.com/attachments/11/22/lobby{lobby}.png",
            "overall_confidence": confidence, "classification_score": 98.5,
            "ocr_consensus_confidence": 84.0, "player_match_confidence": 88.0,
            "structural_validity_score": 100.0,
            "placements": [{"player_name": name, "placement": place, "extraction_confidence": 91.5}
                           for place, name in enumerate(names, start=1)],
            "extracted_data": {"rows": [{"name": name} for name in names]}}


@pytest.fixture
def review_queue():
    """Round 1 of a 16-player cup seated in two lobbies; the bot sent lobby 1 unsure, with its
    4th name misread beyond recognition."""
    from tournaments.tests.placement_builders import lobby_names, seeded_round

    tournament, players = tournament_with_members(16, name="Winter Cup")
    round_ = seeded_round(tournament)
    names = lobby_names(round_, 1)
    read = [*names[:3], "Pl@y3r ???", *names[4:]]
    response = _bot_client().post(f"{API}/placements/submissions", _bot_submission(
        tournament, read, lobby=1, message_id=1180000000000000101, confidence=74.0), format="json")
    assert response.status_code == 201, response.content
    return tournament, round_, response.json()


def _relative_fetch(client, method, path, body=None):
    kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body is not None else {}
    return getattr(client, method)(f"{RELATIVE}{path}", **kwargs)


def test_bot_submission_answers_201_then_200_with_the_stored_one():
    from tournaments.tests.placement_builders import lobby_names, seeded_round

    tournament, players = tournament_with_members(16, name="Winter Cup")
    round_ = seeded_round(tournament)
    bot = _bot_client()
    body = _bot_submission(tournament, lobby_names(round_, 2), lobby=2,
                           message_id=1180000000000000202, confidence=97.0)

    first = bot.post(f"{API}/placements/submissions", body, format="json")
    again = bot.post(f"{API}/placements/submissions", body, format="json")

    assert first.status_code == 201 and again.status_code == 200
    submission = first.json()
    assert again.json()["id"] == submission["id"]
    assert (submission["status"], submission["validation_method"]) == ("validated", "auto")
    for field in ("classification_score", "ocr_consensus_confidence", "player_match_confidence",
                  "structural_validity_score", "overall_confidence"):
        assert 0 <= submission[field] <= 100
    assert isinstance(submission["extracted_data"], dict)
    assert isinstance(submission["validated_at"], str)


def test_review_page_lists_pending_submissions_with_every_field_it_reads(dashboard, review_queue):
    tournament, round_, submission = review_queue

    response = _relative_fetch(dashboard, "get", "/placements/pending-review")

    assert response.status_code == 200
    [listed] = response.json()["submissions"]
    assert isinstance(listed["id"], int) and listed["id"] == submission["id"]
    assert listed["tournament_id"] == tournament.id
    assert (listed["round_name"], listed["lobby_number"]) == ("round_1", 1)
    assert listed["image_url"] == "https://cdn.discordapp.com/attachments/11/22/lobby1.png"
    assert listed["status"] == "pending_review"
    assert listed["overall_confidence"] == 74.0
    assert isinstance(listed["created_at"], str)
    assert listed["issues"][:3] == ["Low overall confidence", "Low player match confidence",
                                    "Low OCR consensus"]
    assert all(isinstance(issue, str) for issue in listed["issues"])
    assert len(listed["placements"]) == 8
    for row in listed["placements"]:
        assert isinstance(row["id"], int)
        assert row["player_id"] is None or isinstance(row["player_id"], int)
        assert isinstance(row["player_name"], str) and row["player_name"]
        assert isinstance(row["placement"], int) and isinstance(row["points"], int)
        assert row["match_method"] in ("exact", "alias", "fuzzy", "manual", "none")
        assert row["validated"] is False
    assert listed["placements"][3]["player_id"] is None


def test_review_player_picker_searches_with_q(dashboard, review_queue):
    tournament, round_, submission = review_queue

    default = _relative_fetch(dashboard, "get", "/placements/players/search?q=a")
    typed = _relative_fetch(dashboard, "get", "/placements/players/search?q=Player%20004")

    assert default.status_code == 200 and typed.status_code == 200
    assert default.json()["players"], "the page's default list is not empty"
    best = typed.json()["players"][0]
    assert best["name"] == "Player 004"
    for player in default.json()["players"] + typed.json()["players"]:
        assert isinstance(player["id"], int) and isinstance(player["name"], str)
        assert isinstance(player["aliases"], list)
        assert isinstance(player["match_confidence"], (int, float))


def test_review_approve_sends_the_rows_back_with_a_picked_player(dashboard, review_queue):
    """The page sends every row of the submission back, the edited one with the picked player's
    id and name and `match_method: "manual"` (its own points included; ours count)."""
    tournament, round_, submission = review_queue
    players = _relative_fetch(dashboard, "get", "/placements/players/search?q=a").json()["players"]
    seated = [seat.user_id for seat in round_.lobbies.get(number=1).seats.all()]
    picked = next(player for player in players if player["id"] == seated[3])
    edited = [{**row, "player_id": picked["id"], "player_name": picked["name"],
               "match_method": "manual"} if row["placement"] == 4 else row
              for row in submission["placements"]]

    response = _relative_fetch(dashboard, "post", f"/placements/validate/{submission['id']}",
                               {"approved": True, "edited_placements": edited})

    assert response.status_code == 200, response.content
    assert response.json() == {"success": True, "action": "validated",
                               "submission_id": submission["id"]}
    assert _relative_fetch(dashboard, "get", "/placements/pending-review").json()["submissions"] == []
    ranked = APIClient().get(f"{API}/players/ranked?sortBy=total_points&sortOrder=desc").json()
    assert {row["player_name"]: row["total_points"] for row in ranked["players"]}[
        picked["name"]] == 5


@pytest.mark.parametrize("body", [{"approved": False, "notes": "Not our lobby"},
                                  {"approved": False}])  # no reason given: `notes` is dropped
def test_review_reject_with_or_without_a_reason(dashboard, review_queue, body):
    tournament, round_, submission = review_queue

    response = _relative_fetch(dashboard, "post", f"/placements/validate/{submission['id']}", body)

    assert response.status_code == 200, response.content
    assert response.json()["action"] == "rejected"
    assert _relative_fetch(dashboard, "get", "/placements/pending-review").json()["submissions"] == []
