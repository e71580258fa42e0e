"""Deleting what a concurrent write refers to, on parallel PostgreSQL connections: the loser
answers 404/409 (or its write lands before the delete), never a 500 from a foreign key.

A statement trigger pauses the first request's insert or update for half a second so the delete
reliably lands inside its transaction (the window a real race hits by chance)."""

import threading
import time
from contextlib import contextmanager

import pytest
from django.db import connection

from accounts.models import User
from conftest import client_for, make_member
from graphics.models import Graphic
from tournaments.models import Placement, Registration, Round, StandingsSnapshot, Tournament
from tournaments.tests.builders import register

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL row locks (DATABASE_URL=postgres://...)"),
]
API = "/api/v1"


@contextmanager
def paused(model, event: str, seconds: float = 0.5):
    """Every `event` (INSERT/UPDATE) statement on `model`'s table first sleeps `seconds`."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("CREATE OR REPLACE FUNCTION race_pause() RETURNS trigger LANGUAGE plpgsql AS "
                       f"$$ BEGIN PERFORM pg_sleep({seconds}); RETURN NULL; END $$")
        cursor.execute(f"CREATE TRIGGER race_pause BEFORE {event} ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION race_pause()")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER IF EXISTS race_pause ON {table}")
            cursor.execute("DROP FUNCTION IF EXISTS race_pause()")


def race(first, second, head_start: float = 0.2) -> tuple:
    """Runs `first`, then `second` `head_start` seconds later, each on its own connection."""
    answers = {}

    def run(name, call):
        try:
            answers[name] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=("first", first)),
               threading.Thread(target=run, args=("second", second))]
    threads[0].start()
    time.sleep(head_start)
    threads[1].start()
    for thread in threads:
        thread.join(30)
    return answers["first"], answers["second"]


def test_deleting_a_member_while_registering_them(admin_user):
    api = client_for(admin_user)
    tournament = Tournament.objects.create(name="Cup", status="registration")
    player = make_member("racer")

    with paused(Registration, "INSERT"):
        registered, deleted = race(
            lambda: api.post(f"{API}/tournaments/{tournament.pk}/registrations",
                             {"user_id": player.pk}, format="json"),
            lambda: api.delete(f"{API}/users/{player.pk}"))

    assert registered.status_code in (201, 404, 409), registered.content
    assert deleted.status_code in (200, 204, 404, 409), deleted.content
    assert not User.objects.filter(pk=player.pk).exists()
    assert not Registration.objects.filter(user_id=player.pk).exists()


def test_registering_a_member_being_deleted_answers_404(admin_user):
    api = client_for(admin_user)
    tournament = Tournament.objects.create(name="Cup", status="registration")
    player = make_member("racer")

    with paused(Tournament, "UPDATE"):  # the registration's own touch of the tournament
        deleted, registered = race(
            lambda: api.delete(f"{API}/users/{player.pk}"),
            lambda: api.post(f"{API}/tournaments/{tournament.pk}/registrations",
                             {"user_id": player.pk}, format="json"), head_start=0.1)

    assert deleted.status_code == 200, deleted.content
    assert registered.status_code in (201, 404), registered.content
    assert not Registration.objects.filter(user_id=player.pk).exists()


def test_deleting_a_member_while_posting_their_result(admin_user):
    api = client_for(admin_user)
    tournament = Tournament.objects.create(name="Cup", status="in_progress")
    first, second = make_member("first"), make_member("second")
    register(tournament, first, second)
    Round.objects.create(tournament=tournament, number=1)
    body = {"lobbies": [{"lobby": 1, "placements": [{"user_id": first.pk, "placement": 1},
                                                    {"user_id": second.pk, "placement": 2}]}]}

    with paused(Placement, "INSERT"):
        posted, deleted = race(
            lambda: api.post(f"{API}/tournaments/{tournament.pk}/rounds/1/results", body, format="json"),
            lambda: api.delete(f"{API}/users/{second.pk}"))

    assert posted.status_code in (200, 201, 400, 404, 409), posted.content
    assert deleted.status_code in (200, 404, 409), deleted.content
    if posted.status_code in (200, 201):
        # The result stands; the member with a result is deactivated, not deleted.
        assert deleted.json()["deactivated"] is True
        assert Placement.objects.filter(user_id=second.pk).exists()


def test_deleting_a_tournament_while_a_graphic_is_pointed_at_it(admin_user):
    api = client_for(admin_user)
    tournament = Tournament.objects.create(name="Cup", status="in_progress")
    graphic = Graphic.objects.create(title="G", data_json={"elements": []}, version=1)

    with paused(Graphic, "UPDATE"):
        pointed, deleted = race(
            lambda: api.put(f"{API}/graphics/{graphic.pk}", {"tournament_id": tournament.pk, "version": 1},
                            format="json"),
            lambda: api.delete(f"{API}/tournaments/{tournament.pk}"))

    assert pointed.status_code in (200, 400, 404, 409), pointed.content
    assert deleted.status_code in (200, 204, 404, 409), deleted.content
    graphic.refresh_from_db()
    assert graphic.tournament_id is None
    assert not Tournament.objects.filter(pk=tournament.pk).exists()


def test_deleting_a_tournament_while_a_snapshot_is_taken(admin_user):
    api = client_for(admin_user)
    tournament = Tournament.objects.create(name="Cup", status="in_progress")

    with paused(StandingsSnapshot, "INSERT"):
        taken, deleted = race(
            lambda: api.post(f"{API}/scoreboard/refresh", {"tournament_id": tournament.pk}, format="json"),
            lambda: api.delete(f"{API}/tournaments/{tournament.pk}"))

    assert taken.status_code in (200, 201, 404, 409), taken.content
    assert deleted.status_code in (200, 204, 404, 409), deleted.content
    assert not StandingsSnapshot.objects.filter(tournament_id=tournament.pk).exists()
