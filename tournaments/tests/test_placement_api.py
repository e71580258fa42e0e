"""The bot's submissions and their review through `/api/v1/placements/...`."""

import pytest

from config.services import configuration_create
from conftest import make_member
from realtime.events import tournament_group
from tournaments.models import Placement, PlacementCorrection, Round
from tournaments.placement_models import PlacementSubmission, PlayerAlias, SubmissionRow
from tournaments.selectors import standings_for
from tournaments.tests.builders import register, tournament_with_members
from tournaments.tests.placement_builders import bot_body, lobby_names, seeded_round

pytestmark = pytest.mark.django_db

API = "/api/v1/placements"


@pytest.fixture
def cup():
    """16 registered members, round 1 seated in two lobbies."""
    tournament, players = tournament_with_members(16)
    round_ = seeded_round(tournament)
    return tournament, round_


def submit(client, body):
    return client.post(f"{API}/submissions", body, format="json")


def points_of(tournament) -> dict[str, int]:
    return {row["player_name"]: row["total_points"]
            for row in standings_for(tournament_id=tournament.id)["standings"]}


# submissions ---------------------------------------------------------------------------------

def test_a_confident_complete_submission_becomes_results_by_itself(editor_api, cup):
    tournament, round_ = cup
    names = lobby_names(round_, 1)

    response = submit(editor_api, bot_body(tournament, names))

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["validation_method"]) == ("validated", "auto")
    assert [(row["player_name"], row["placement"], row["points"], row["match_method"])
            for row in body["placements"]][:2] == [(names[0], 1, 8, "exact"), (names[1], 2, 7, "exact")]
    assert body["issues"] == []
    assert points_of(tournament)[names[0]] == 8 and points_of(tournament)[names[7]] == 1
    assert Placement.objects.filter(round=round_, lobby__number=1).count() == 8


def test_the_same_discord_message_again_answers_the_stored_submission(editor_api, cup):
    tournament, round_ = cup
    body = bot_body(tournament, lobby_names(round_, 1))
    first = submit(editor_api, body)

    again = submit(editor_api, {**body, "overall_confidence": 12.0})

    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["overall_confidence"] == body["overall_confidence"]
    assert PlacementSubmission.objects.count() == 1 and SubmissionRow.objects.count() == 8
    assert PlacementCorrection.objects.count() == 0


def test_low_confidence_waits_for_review_with_the_contract_issues(editor_api, cup):
    tournament, round_ = cup
    body = bot_body(tournament, lobby_names(round_, 1), confidence=75.0,
                    player_match_confidence=80.0, ocr_consensus_confidence=70.0)

    response = submit(editor_api, body)

    assert response.status_code == 201
    answer = response.json()
    assert answer["status"] == "pending_review" and answer["validation_method"] is None
    assert answer["issues"][:3] == ["Low overall confidence", "Low player match confidence",
                                    "Low OCR consensus"]
    assert "Overall confidence 75 is below the auto-validation threshold 90." in answer["issues"]
    assert not Placement.objects.exists()


def test_the_threshold_comes_from_the_configuration(editor_api, cup):
    tournament, round_ = cup
    configuration_create(key="placements.auto_validate_threshold", value=70)

    response = submit(editor_api, bot_body(tournament, lobby_names(round_, 1), confidence=75.0))

    assert response.json()["status"] == "validated"


@pytest.mark.parametrize("value", ["high", 150, True, None])
def test_a_threshold_that_is_not_a_number_from_0_to_100_counts_as_90(editor_api, cup, value):
    tournament, round_ = cup
    configuration_create(key="placements.auto_validate_threshold", value=value)

    below = submit(editor_api, bot_body(tournament, lobby_names(round_, 1), confidence=89.0))
    above = submit(editor_api, bot_body(tournament, lobby_names(round_, 2), lobby=2,
                                        confidence=90.0))

    assert (below.json()["status"], above.json()["status"]) == ("pending_review", "validated")
    assert "Overall confidence 89 is below the auto-validation threshold 90." in below.json()["issues"]


def test_an_unmatched_name_waits_for_review(editor_api, cup):
    tournament, round_ = cup
    names = lobby_names(round_, 1)
    names[3] = "Somebody Else"

    answer = submit(editor_api, bot_body(tournament, names)).json()

    assert answer["status"] == "pending_review"
    assert answer["placements"][3]["player_id"] is None
    assert answer["placements"][3]["match_method"] == "none"
    assert "Placement 4: No registered member matches 'Somebody Else'." in answer["issues"]
    assert not Placement.objects.exists()


def test_a_fuzzy_match_below_the_threshold_waits_for_review(editor_api, cup):
    tournament, round_ = cup
    names = lobby_names(round_, 1)
    misread = names[0].replace("Player", "Plyer")          # scores about 95: posts by itself
    other = lobby_names(round_, 2)
    wrong = other[0].replace("Player 0", "Pla r ")          # scores below 90
    body = bot_body(tournament, other)
    body["placements"][0]["player_name"] = wrong

    confident = submit(editor_api, bot_body(tournament, [misread, *names[1:]])).json()
    unsure = submit(editor_api, body).json()

    assert confident["status"] == "validated"
    assert confident["placements"][0]["match_method"] == "fuzzy"
    assert unsure["status"] == "pending_review"
    assert any(issue.startswith("Placement 1:") for issue in unsure["issues"])


def test_missing_and_foreign_rows_wait_for_review(editor_api, cup):
    tournament, round_ = cup
    names = lobby_names(round_, 1)
    stranger = lobby_names(round_, 2)[0]

    answer = submit(editor_api, bot_body(tournament, [*names[:6], stranger])).json()

    assert answer["status"] == "pending_review"
    assert "Placement 8 missing." in answer["issues"]
    assert f"Not seated in lobby 1: {stranger}." in answer["issues"]


def test_a_refusal_of_the_results_service_waits_for_review(editor_api, cup):
    tournament, round_ = cup
    tournament.status = "registration"
    tournament.save(update_fields=["status"])

    answer = submit(editor_api, bot_body(tournament, lobby_names(round_, 1))).json()

    assert answer["status"] == "pending_review"
    assert answer["issues"] == [
        "Results are accepted while the tournament is in progress; it is registration."]


def test_a_round_not_created_yet_waits_for_review(editor_api, cup):
    tournament, round_ = cup

    answer = submit(editor_api, bot_body(tournament, lobby_names(round_, 1),
                                         round_name="round_2")).json()

    assert answer["status"] == "pending_review"
    assert "The tournament has no round_2 yet." in answer["issues"]


def test_an_auto_validation_publishes_the_submission_and_the_results(
        editor_api, cup, events, django_capture_on_commit_callbacks):
    tournament, round_ = cup

    with django_capture_on_commit_callbacks(execute=True):
        answer = submit(editor_api, bot_body(tournament, lobby_names(round_, 1), lobby=1)).json()

    assert events.types() == ["placement_update", "standings_update", "placement_update"]
    assert events.types(tournament_group(tournament.id)) == ["placement_update", "standings_update"]
    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submit(editor_api, bot_body(tournament, lobby_names(round_, 2), lobby=2, confidence=50))
    assert events.of_type("placement_update") == [{
        "tournament_id": tournament.id, "round_name": "round_1", "lobby": 2,
        "submission_id": answer["id"] + 1, "status": "pending_review"}]


@pytest.mark.parametrize("body, errors", [
    ({}, {"tournament_id", "lobby_number", "discord_message_id", "discord_channel_id",
          "image_url", "overall_confidence", "placements", "round_name"}),
    ({"tournament_id": 999999, "round_name": "round_one", "lobby_number": 0,
      "discord_message_id": "no spaces allowed", "discord_channel_id": True,
      "image_url": "javascript:alert(1)", "overall_confidence": 101,
      "classification_score": -1, "placements": []},
     {"tournament_id", "round_name", "lobby_number", "discord_message_id", "discord_channel_id",
      "image_url", "overall_confidence", "classification_score", "placements.non_field_errors"}),
    ({"placements": [{"player_name": "", "placement": 9}, {"placement": 1},
                     {"player_name": "A", "placement": 1, "extraction_confidence": "x"}]},
     {"placements.0.player_name", "placements.0.placement", "placements.1.player_name",
      "placements.2.extraction_confidence"}),
    ({"placements": [{"player_name": "A", "placement": 1}, {"player_name": "B", "placement": 1}]},
     {"placements.1.placement"}),
    ({"round_name": "round_2", "round_number": 3}, {"round_number"}),
    ({"image_url": "file:///etc/passwd"}, {"image_url"}),
    ({"image_url": "data:image/png;base64,AAAA"}, {"image_url"}),
    ({"discord_message_id": 10**70}, {"discord_message_id"}),
    # A NUL anywhere in a JSON body is refused as the body is parsed (core.input), by its path.
    ({"extracted_data": {"raw": "a\u0000b"}}, {"extracted_data.raw"}),
    ({"placements": [{"player_name": f"P{i}", "placement": i % 8 + 1} for i in range(9)]},
     {"placements.non_field_errors"}),
])
def test_a_bad_body_is_a_400_naming_every_problem_and_stores_nothing(editor_api, cup, body, errors):
    tournament, round_ = cup
    valid = bot_body(tournament, lobby_names(round_, 1))
    sent = {key: value for key, value in {**valid, **body}.items()} if body else {}

    response = submit(editor_api, sent)

    assert response.status_code == 400, response.json()
    assert set(response.json()["errors"]) == errors
    assert not PlacementSubmission.objects.exists() and not Placement.objects.exists()


@pytest.mark.parametrize("raw", [b"[1, 2]", b"\"text\"", b"{", b"null"])
def test_a_body_that_is_not_an_object_is_a_400(editor_api, raw):
    response = editor_api.generic("POST", f"{API}/submissions", raw,
                                  content_type="application/json")
    assert response.status_code == 400


def test_a_viewer_cannot_submit_and_nobody_without_a_token(viewer_api, api_client, cup):
    tournament, round_ = cup
    body = bot_body(tournament, lobby_names(round_, 1))
    assert submit(viewer_api, body).status_code == 403
    assert submit(api_client, body).status_code == 401
    assert not PlacementSubmission.objects.exists()


# approve / reject ----------------------------------------------------------------------------

@pytest.fixture
def pending(editor_api, cup):
    """A lobby-1 submission waiting for review: row 4 read as a name nobody has."""
    tournament, round_ = cup
    names = lobby_names(round_, 1)
    names[3] = "xX Unknown Xx"
    answer = submit(editor_api, bot_body(tournament, names, confidence=82.0)).json()
    assert answer["status"] == "pending_review"
    return tournament, round_, answer


def validate(client, submission_id, body):
    return client.post(f"{API}/validate/{submission_id}", body, format="json")


def test_approve_with_a_corrected_row_posts_the_lobby_and_learns_the_alias(editor_api, editor,
                                                                           pending):
    tournament, round_, submission = pending
    seated = lobby_names(round_, 1)
    rows = submission["placements"]
    fourth = round_.lobbies.get(number=1).seats.select_related("user")[3].user
    edited = [{**row, "player_id": fourth.id, "player_name": fourth.player_name,
               "match_method": "manual", "points": 99} if row["placement"] == 4 else row
              for row in rows]

    response = validate(editor_api, submission["id"], {"approved": True,
                                                      "edited_placements": edited})

    assert response.status_code == 200, response.json()
    assert response.json() == {"success": True, "action": "validated",
                               "submission_id": submission["id"]}
    stored = editor_api.get(f"{API}/submissions/{submission['id']}").json()
    assert (stored["status"], stored["validation_method"], stored["validated_by"]) == (
        "validated", "manual", editor.username)
    assert stored["placements"][3]["match_method"] == "manual"
    assert stored["placements"][3]["points"] == 5                  # the scoring's, not the 99 sent
    assert points_of(tournament)[seated[3]] == 5
    alias = PlayerAlias.objects.get()
    assert (alias.user, alias.alias, alias.created_by) == (fourth, "xX Unknown Xx", editor)

    # The next screenshot with that name matches by itself.
    again = bot_body(tournament, [*seated[:3], "XX UNKNOWN xx", *seated[4:]], lobby=1)
    answer = submit(editor_api, again).json()
    assert answer["placements"][3]["match_method"] == "alias"
    assert answer["status"] == "validated"
    assert PlacementCorrection.objects.count() == 1               # the re-post is a correction


def test_approve_without_edits_of_an_unmatched_row_is_a_400_and_changes_nothing(editor_api,
                                                                                pending):
    tournament, round_, submission = pending

    response = validate(editor_api, submission["id"], {"approved": True})

    assert response.status_code == 400
    assert response.json()["errors"]["placements"] == [
        "Placement 4: 'xX Unknown Xx' matched no member.",
        "Approve with edited_placements naming a member for every placement."]
    assert PlacementSubmission.objects.get().status == "pending_review"
    assert not Placement.objects.exists()


def test_bad_edits_are_a_400_listing_every_problem_and_nothing_changes(editor_api, pending):
    tournament, round_, submission = pending
    rows = submission["placements"]
    outsider = make_member("outsider")
    edited = [
        {**rows[0], "player_id": 999999},                         # no such member
        {**rows[1], "player_id": outsider.id},                    # not registered
        rows[2],
        {**rows[3], "player_id": None},                           # no member chosen
        {**rows[4], "placement": 2},                              # placement twice
        {**rows[5], "player_id": rows[2]["player_id"]},           # member twice
        rows[6],                                                  # placement 8 left out
    ]

    response = validate(editor_api, submission["id"], {"approved": True,
                                                      "edited_placements": edited})

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "edited_placements[0].player_id": [
            "No member registered in this tournament has id 999999."],
        "edited_placements[1].player_id": [
            f"No member registered in this tournament has id {outsider.id}."],
        "edited_placements[3].player_id": ["Choose a member for this row."],
        "edited_placements[4].placement": ["Placement 2 is already given by edited_placements[1]."],
        "edited_placements[5].player_id": [
            f"{rows[2]['player_name']} is already placed by edited_placements[2]."],
        "edited_placements": ["Placements 5, 8 missing."],
    }
    assert PlacementSubmission.objects.get().status == "pending_review"
    assert not Placement.objects.exists() and not PlayerAlias.objects.exists()


def test_a_member_id_sent_as_text_is_understood(editor_api, pending):
    tournament, round_, submission = pending
    seats = [seat.user_id for seat in round_.lobbies.get(number=1).seats.all()]
    edited = [{**row, "player_id": str(seats[row["placement"] - 1])}
              for row in submission["placements"]]

    response = validate(editor_api, submission["id"], {"approved": True,
                                                      "edited_placements": edited})

    assert response.status_code == 200, response.json()


def test_reject_stores_the_notes_and_posts_nothing(editor_api, pending, events,
                                                   django_capture_on_commit_callbacks):
    tournament, round_, submission = pending

    with django_capture_on_commit_callbacks(execute=True):
        response = validate(editor_api, submission["id"], {"approved": False,
                                                          "notes": "Blurry screenshot"})

    assert response.json() == {"success": True, "action": "rejected",
                               "submission_id": submission["id"]}
    stored = PlacementSubmission.objects.get()
    assert (stored.status, stored.notes) == ("rejected", "Blurry screenshot")
    assert not Placement.objects.exists()
    assert [m["data"]["status"] for m in events.received()] == ["rejected"]


def test_validating_twice_is_a_409(editor_api, pending):
    tournament, round_, submission = pending
    validate(editor_api, submission["id"], {"approved": False, "notes": "no"})

    again = validate(editor_api, submission["id"], {"approved": True})

    assert again.status_code == 409
    assert again.json()["code"] == "already_rejected"
    assert again.json()["detail"] == (f"Submission {submission['id']} was already rejected by "
                                      "eddie-editor.")


def test_approving_after_the_next_round_started_is_a_409(editor_api, pending):
    tournament, round_, submission = pending
    seeded_round(tournament, number=2)

    response = validate(editor_api, submission["id"], {"approved": True,
                                                      "edited_placements": []})

    assert response.status_code == 409
    assert response.json() == {"detail": "Round 1 is closed: round 2 has started.",
                               "code": "round_closed"}
    assert PlacementSubmission.objects.get().status == "pending_review"


def test_an_unknown_submission_is_a_404_and_a_viewer_may_not_validate(editor_api, viewer_api,
                                                                      pending):
    tournament, round_, submission = pending
    assert validate(editor_api, 987654, {"approved": False}).status_code == 404
    assert validate(viewer_api, submission["id"], {"approved": False}).status_code == 403
    assert validate(editor_api, submission["id"], {"approved": "perhaps"}).status_code == 400
    assert PlacementSubmission.objects.get().status == "pending_review"


def test_batch_validate_does_each_on_its_own(editor_api, cup):
    tournament, round_ = cup
    first = submit(editor_api, bot_body(tournament, lobby_names(round_, 1), confidence=60)).json()
    names = lobby_names(round_, 2)
    second = submit(editor_api, bot_body(tournament, ["Nobody", *names[1:]], lobby=2,
                                         confidence=60)).json()

    response = editor_api.post(f"{API}/batch-validate", {
        "submission_ids": [first["id"], second["id"], 424242], "approved": True}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["success"] == [first["id"]] and body["total"] == 3
    assert body["failed"] == [
        {"id": second["id"], "error": "Placement 1: 'Nobody' matched no member. Approve with "
                                      "edited_placements naming a member for every placement."},
        {"id": 424242, "error": "Submission 424242 does not exist."}]
    assert Placement.objects.filter(lobby__number=1).count() == 8
    assert not Placement.objects.filter(lobby__number=2).exists()


def test_batch_reject(editor_api, cup):
    tournament, round_ = cup
    ids = [submit(editor_api, bot_body(tournament, lobby_names(round_, n), lobby=n,
                                       confidence=50)).json()["id"] for n in (1, 2)]

    body = editor_api.post(f"{API}/batch-validate", {"submission_ids": ids, "approved": False,
                                                     "notes": "wrong game"}, format="json").json()

    assert body == {"success": ids, "failed": [], "total": 2}
    assert set(PlacementSubmission.objects.values_list("status", flat=True)) == {"rejected"}


# reads ---------------------------------------------------------------------------------------

def test_list_filters_and_newest_first(editor_api, viewer_api, cup):
    tournament, round_ = cup
    low = submit(editor_api, bot_body(tournament, lobby_names(round_, 1), confidence=40)).json()
    high = submit(editor_api, bot_body(tournament, lobby_names(round_, 2), lobby=2)).json()

    def ids(query=""):
        response = viewer_api.get(f"{API}/submissions{query}")
        assert response.status_code == 200
        return [s["id"] for s in response.json()]

    assert ids() == [high["id"], low["id"]]
    assert ids("?status=pending_review") == [low["id"]]
    assert ids("?confidence_min=50") == [high["id"]]
    assert ids(f"?tournament_id={tournament.id}&round_name=round_1&limit=1&offset=1") == [low["id"]]
    assert ids("?round_name=round_2") == []
    assert viewer_api.get(f"{API}/submissions?limit=101").status_code == 400
    assert viewer_api.get(f"{API}/submissions?round_name=first").status_code == 400
    assert viewer_api.get(f"{API}/submissions/{low['id']}").json()["id"] == low["id"]
    assert viewer_api.get(f"{API}/submissions/99999").status_code == 404


def test_pending_review_is_lowest_confidence_first_with_paging(viewer_api, editor_api, cup):
    tournament, round_ = cup
    middle = submit(editor_api, bot_body(tournament, lobby_names(round_, 1), confidence=70)).json()
    lowest = submit(editor_api, bot_body(tournament, lobby_names(round_, 2), lobby=2,
                                         confidence=30)).json()

    body = viewer_api.get(f"{API}/pending-review?limit=1").json()

    assert (body["total"], body["offset"], body["limit"]) == (2, 0, 1)
    assert [s["id"] for s in body["submissions"]] == [lowest["id"]]
    second = viewer_api.get(f"{API}/pending-review?offset=1&tournament_id={tournament.id}").json()
    assert [s["id"] for s in second["submissions"]] == [middle["id"]]


def test_round_placements_answer_the_recorded_results(viewer_api, editor_api, cup):
    tournament, round_ = cup
    names = lobby_names(round_, 2)
    submit(editor_api, bot_body(tournament, names, lobby=2))

    body = viewer_api.get(f"{API}/rounds/{tournament.id}/round_1").json()

    assert body["tournament_id"] == tournament.id and body["round_name"] == "round_1"
    assert body["total_players"] == 8
    assert body["placements"][0] == {"player_id": body["placements"][0]["player_id"],
                                     "player_name": names[0], "placement": 1, "points": 8,
                                     "lobby_number": 2}
    assert viewer_api.get(f"{API}/rounds/{tournament.id}/round_9").status_code == 404
    assert viewer_api.get(f"{API}/rounds/{tournament.id}/semifinal").status_code == 404
    assert viewer_api.get(f"{API}/rounds/99999/round_1").status_code == 404


def test_confidence_report(viewer_api, editor_api, cup):
    tournament, round_ = cup
    submit(editor_api, bot_body(tournament, lobby_names(round_, 1), confidence=95))
    rejected = submit(editor_api, bot_body(tournament, lobby_names(round_, 2), lobby=2,
                                           confidence=65)).json()
    validate(editor_api, rejected["id"], {"approved": False})

    body = viewer_api.get(f"{API}/confidence-report?tournament_id={tournament.id}").json()

    assert body == {"total_submissions": 2, "average_confidence": 80.0, "auto_validated": 1,
                    "manually_validated": 0, "auto_validation_rate": 50.0,
                    "distribution": {"high (90-100%)": 1, "medium (70-89%)": 0,
                                     "low (0-69%)": 1}}
    empty = viewer_api.get(f"{API}/confidence-report?tournament_id=424242").json()
    assert empty["total_submissions"] == 0 and empty["auto_validation_rate"] == 0


def test_players_search_finds_members_by_name_and_alias(viewer_api, admin_user):
    tournament, players = tournament_with_members(3)
    late = make_member("zed", display_name="Zed Main", riot_id="ShadowZed#EUW")
    register(tournament, late)
    PlayerAlias.objects.create(user=late, alias="Zeddy", normalized="zeddy")

    body = viewer_api.get(f"{API}/players/search?q=zeddy&tournament_id={tournament.id}").json()

    assert body["query"] == "zeddy" and body["total"] == 1
    assert body["players"] == [{"id": late.id, "name": "Zed Main", "aliases": ["Zeddy"],
                                "match_confidence": 100.0}]
    partial = viewer_api.get(f"{API}/players/search?q=shadow").json()   # the current tournament
    assert [p["id"] for p in partial["players"]] == [late.id]
    assert viewer_api.get(f"{API}/players/search?q=").status_code == 400
    assert viewer_api.get(f"{API}/players/search").status_code == 400


def test_list_endpoints_use_a_fixed_number_of_queries(viewer_api, editor_api, cup,
                                                      django_assert_max_num_queries):
    tournament, round_ = cup
    for lobby in (1, 2):
        for confidence in (40, 50, 60):
            submit(editor_api, bot_body(tournament, lobby_names(round_, lobby), lobby=lobby,
                                        confidence=confidence))
    for url in (f"{API}/submissions", f"{API}/pending-review", f"{API}/confidence-report",
                f"{API}/players/search?q=player", f"{API}/rounds/{tournament.id}/round_1"):
        with django_assert_max_num_queries(8):
            assert viewer_api.get(url).status_code == 200


def test_a_round_number_is_accepted_instead_of_a_name(editor_api, cup):
    tournament, round_ = cup
    body = bot_body(tournament, lobby_names(round_, 1))
    del body["round_name"]
    body["round_number"] = 1

    answer = submit(editor_api, body).json()

    assert answer["round_name"] == "round_1" and answer["status"] == "validated"
    assert Round.objects.get().status == "in_progress"
