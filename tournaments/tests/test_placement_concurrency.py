"""Reviewers racing on one submission, and the bot sending one message twice at once, on
PostgreSQL: threads with their own connections."""

import threading

import pytest
from django.db import connection

from core.errors import Conflict
from tournaments.models import Placement, PlacementCorrection
from tournaments.placement_models import PlacementSubmission, SubmissionRow
from tournaments.placement_services import submission_approve, submission_create
from tournaments.tests.builders import tournament_with_members
from tournaments.tests.placement_builders import lobby_names, seeded_round

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL row locks (DATABASE_URL=postgres://...)"),
]


def race(count: int, action) -> list[str]:
    """Run `action()` in `count` threads started together; each outcome or error code."""
    start, outcomes = threading.Barrier(count), []

    def run():
        try:
            start.wait()
            outcomes.append(action())
        except Conflict as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def submission_fields(tournament, names, message_id="1180000000000000777", confidence=60.0):
    return {"tournament_id": tournament.id, "round_number": 1, "lobby_number": 1,
            "discord_message_id": message_id, "discord_channel_id": "1180000000000000000",
            "image_url": "https://cdn.discordapp.com/attachments/1/2/lobby1.png",
            "overall_confidence": confidence,
            "placements": [{"player_name": name, "placement": place}
                           for place, name in enumerate(names, start=1)]}


def test_racing_approvals_of_one_submission_post_the_results_once():
    tournament, _ = tournament_with_members(16)
    round_ = seeded_round(tournament)
    submission, _ = submission_create(**submission_fields(tournament, lobby_names(round_, 1)),
                                      by=None)
    assert submission.status == "pending_review"

    outcomes = race(6, lambda: submission_approve(submission_id=submission.id, by=None).status)

    assert sorted(outcomes) == ["already_validated"] * 5 + ["validated"]
    assert Placement.objects.filter(round=round_).count() == 8
    assert PlacementCorrection.objects.count() == 0          # posted once, never re-posted
    assert PlacementSubmission.objects.get().status == "validated"


def test_the_same_message_sent_at_once_is_stored_once():
    tournament, _ = tournament_with_members(16)
    round_ = seeded_round(tournament)
    fields = submission_fields(tournament, lobby_names(round_, 1), confidence=97.0)

    outcomes = race(5, lambda: submission_create(**fields, by=None)[1])

    assert sorted(outcomes) == [False] * 4 + [True]
    assert PlacementSubmission.objects.count() == 1 and SubmissionRow.objects.count() == 8
    assert Placement.objects.filter(round=round_).count() == 8
    assert PlacementCorrection.objects.count() == 0
