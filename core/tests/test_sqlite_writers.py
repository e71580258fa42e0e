"""SQLite: the writing transactions of one process queue in turn (core.sqlite), and one that
cannot start within the database's timeout fails as SQLite's own wait does."""

import threading

import pytest
from django.conf import settings
from django.db import OperationalError, connection, connections, transaction

from accounts.models import User
from conftest import make_user

pytestmark = [
    pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "core.sqlite",
                       reason="the SQLite backend's writer queue"),
    pytest.mark.django_db(transaction=True),
]

WRITERS = 12


def in_thread(function) -> dict:
    """Run `function` in a thread with its own connection; answers {thread} and its {error}."""
    outcome = {}

    def run():
        try:
            function()
        except Exception as error:  # reported to the test
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    outcome["thread"] = thread
    return outcome


def test_writers_of_one_process_at_once_all_land_whole():
    barrier = threading.Barrier(WRITERS)

    def write(n):
        barrier.wait()
        with transaction.atomic():
            user = make_user(f"writer-{n}")
            user.display_name = f"Writer {n}"
            user.save(update_fields=["display_name"])

    outcomes = [in_thread(lambda n=n: write(n)) for n in range(WRITERS)]
    for outcome in outcomes:
        outcome["thread"].join(timeout=60)
    assert [outcome.get("error") for outcome in outcomes] == [None] * WRITERS
    assert sorted(User.objects.filter(username__startswith="writer-").values_list("display_name", flat=True)) \
        == sorted(f"Writer {n}" for n in range(WRITERS))


def test_a_write_waits_for_the_open_one_then_lands_and_fails_past_the_timeout(monkeypatch):
    started, finish = threading.Event(), threading.Event()

    def hold():
        with transaction.atomic():
            make_user("holder")
            started.set()
            finish.wait(timeout=30)

    holder = in_thread(hold)
    assert started.wait(timeout=10)
    # Past the timeout: a clear error, and nothing of that write is kept.
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.3)
    refused = in_thread(lambda: make_user("too-late"))
    refused["thread"].join(timeout=10)
    assert isinstance(refused.get("error"), OperationalError)
    assert "database is locked" in str(refused["error"])
    # Within it: the write waits for the holder's commit, then lands.
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 10)
    waiting = in_thread(lambda: make_user("next"))
    waiting["thread"].join(timeout=0.5)
    assert waiting["thread"].is_alive(), "a second writer started while the first was open"
    finish.set()
    for outcome in (holder, waiting):
        outcome["thread"].join(timeout=10)
        assert "error" not in outcome
    assert set(User.objects.filter(username__in=["holder", "too-late", "next"])
               .values_list("username", flat=True)) == {"holder", "next"}
