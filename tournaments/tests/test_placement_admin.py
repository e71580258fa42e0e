"""The review queue in the admin, used by Editors as by Administrators."""

import pytest
from django.test import Client

from tournaments.models import Placement
from tournaments.placement_models import PlacementSubmission, PlayerAlias
from tournaments.placement_services import submission_create
from tournaments.selectors import standings_for
from tournaments.tests.builders import tournament_with_members
from tournaments.tests.placement_builders import bot_body, lobby_names, seeded_round

pytestmark = pytest.mark.django_db

QUEUE = "/admin/tournaments/placementsubmission/"


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Admin pages render without a collected static manifest."""
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def store(body) -> PlacementSubmission:
    """What the bot sent, stored through the service as the API stores it."""
    fields = {key: value for key, value in body.items() if key not in ("round_name",)}
    fields["round_number"] = int(body["round_name"].removeprefix("round_"))
    fields["discord_message_id"] = str(fields["discord_message_id"])
    fields["discord_channel_id"] = str(fields["discord_channel_id"])
    submission, _ = submission_create(**fields, by=None)
    return submission


@pytest.fixture
def waiting():
    """A lobby-1 submission whose 2nd row was read as a name nobody has."""
    tournament, players = tournament_with_members(16)
    round_ = seeded_round(tournament)
    names = lobby_names(round_, 1)
    names[1] = "Mystery Guy"
    submission = store(bot_body(tournament, names, confidence=72.0))
    assert submission.status == "pending_review"
    return tournament, round_, submission


def review_form(submission, members: dict[int, int], **extra) -> dict:
    """The review page's form: `members` = {line index: member id}, placements as stored."""
    rows = list(submission.rows.order_by("placement"))
    form = {"notes": ""}
    for index in range(8):
        row = rows[index] if index < len(rows) else None
        member = members.get(index, row.user_id if row else None)
        form[f"player_{index}"] = "" if member is None else str(member)
        form[f"placement_{index}"] = str(row.placement) if row else ""
    return form | extra


def test_the_queue_lists_what_waits_lowest_confidence_first(editor, waiting):
    tournament, round_, submission = waiting
    calm = store(bot_body(tournament, lobby_names(round_, 2), lobby=2, confidence=40.0))

    page = logged_in(editor).get(QUEUE)

    assert page.status_code == 200
    html = page.content.decode()
    assert html.index(f"/{calm.pk}/review/") < html.index(f"/{submission.pk}/review/")


def test_the_review_page_shows_the_screenshot_the_rows_and_the_players(editor, waiting):
    tournament, round_, submission = waiting

    page = logged_in(editor).get(f"{QUEUE}{submission.pk}/review/")

    assert page.status_code == 200
    html = page.content.decode()
    assert f'<img id="screenshot" src="{submission.image_url}"' in html
    assert "Mystery Guy" in html and "Placement 2: No registered member matches" in html
    for player in (registration.user for registration in tournament.registrations.all()):
        assert f'<option value="{player.pk}"' in html       # every player in the dropdowns
    assert 'name="_approve"' in html and 'name="_reject"' in html


def test_an_editor_fixes_a_row_and_approves(editor, waiting):
    tournament, round_, submission = waiting
    second = round_.lobbies.get(number=1).seats.select_related("user")[1].user

    response = logged_in(editor).post(f"{QUEUE}{submission.pk}/review/",
                                      review_form(submission, {1: second.pk}, _approve="1"))

    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.validation_method, submission.validated_by) == (
        "validated", "manual", editor)
    assert Placement.objects.get(user=second).placement == 2
    standings = {row["user_id"]: row["total_points"]
                 for row in standings_for(tournament_id=tournament.id)["standings"]}
    assert standings[second.pk] == 7
    assert PlayerAlias.objects.get().alias == "Mystery Guy"


def test_approving_without_fixing_the_row_shows_the_problem_and_changes_nothing(editor, waiting):
    tournament, round_, submission = waiting

    response = logged_in(editor).post(f"{QUEUE}{submission.pk}/review/",
                                      review_form(submission, {}, _approve="1"))

    assert response.status_code == 200
    assert "Line 2, member: Choose a member for this row." in (
        response.content.decode())
    submission.refresh_from_db()
    assert submission.status == "pending_review" and not Placement.objects.exists()


def test_an_editor_rejects_with_notes(editor, waiting):
    tournament, round_, submission = waiting

    response = logged_in(editor).post(f"{QUEUE}{submission.pk}/review/",
                                      review_form(submission, {}, notes="Wrong lobby",
                                                  _reject="1"))

    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.notes) == ("rejected", "Wrong lobby")
    assert not Placement.objects.exists()


def test_a_viewer_may_look_but_not_decide(viewer, waiting):
    tournament, round_, submission = waiting
    viewer.is_staff = True
    viewer.save(update_fields=["is_staff"])
    client = logged_in(viewer)

    page = client.get(f"{QUEUE}{submission.pk}/review/")
    refused = client.post(f"{QUEUE}{submission.pk}/review/",
                          review_form(submission, {}, _reject="1"))

    assert page.status_code == 200 and 'name="_approve"' not in page.content.decode()
    assert refused.status_code == 403
    submission.refresh_from_db()
    assert submission.status == "pending_review"


def test_a_decided_submission_offers_no_buttons(admin_user, waiting):
    tournament, round_, submission = waiting
    client = logged_in(admin_user)
    client.post(f"{QUEUE}{submission.pk}/review/", review_form(submission, {}, _reject="1"))

    page = client.get(f"{QUEUE}{submission.pk}/review/")

    assert 'id="status">rejected<' in page.content.decode()
    assert 'name="_approve"' not in page.content.decode()


def test_queue_and_alias_pages_use_fixed_queries(editor, waiting, django_assert_max_num_queries):
    tournament, round_, submission = waiting
    for lobby in (1, 2):
        store(bot_body(tournament, ["Nobody", *lobby_names(round_, lobby)[1:]], lobby=lobby,
                       confidence=50.0))
    client = logged_in(editor)
    for url in (QUEUE, f"{QUEUE}?queue=all", "/admin/tournaments/playeralias/",
                f"{QUEUE}{submission.pk}/review/"):
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200
