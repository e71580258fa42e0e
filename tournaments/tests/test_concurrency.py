import threading

import pytest
from django.db import connection

from conftest import make_member
from core.errors import Conflict
from tournaments.models import Registration, Tournament
from tournaments.services import registration_create

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL row locks (DATABASE_URL=postgres://...)"),
]


def test_racing_registrations_never_overfill_a_tournament():
    tournament = Tournament.objects.create(name="Cup", status="registration", max_participants=3)
    members = [make_member(f"racer{i}") for i in range(8)]
    start, outcomes = threading.Barrier(len(members)), []

    def register(user):
        try:
            start.wait()
            registration_create(tournament_id=tournament.id, user_id=user.id)
            outcomes.append("registered")
        except Conflict as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(user,)) for user in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["registered"] * 3 + ["tournament_full"] * 5
    assert Registration.objects.filter(tournament=tournament).count() == 3
