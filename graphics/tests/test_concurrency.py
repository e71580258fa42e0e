"""Locks and versions under real parallel requests: threads, each with its own PostgreSQL
connection, released at the same instant."""

import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connections, transaction
from django.utils import timezone

from accounts.roles import ROLES
from conftest import client_for, make_user
from graphics.models import CanvasLock, Graphic
from graphics.tests.conftest import make_graphic

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
                       reason="needs PostgreSQL (DATABASE_URL=postgres://...) for parallel row locks"),
    pytest.mark.django_db(transaction=True),
]

API = "/api/v1"
THREADS = 20


def race(calls) -> list:
    """Run every call in its own thread, all released together; answers their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def editors():
    for role in ROLES:  # a transactional test starts from a flushed database
        Group.objects.get_or_create(name=role)
    return [make_user(f"racer-{n}", "Editor", display_name=f"Racer {n}") for n in range(THREADS)]


def acquire_all(graphic, editors):
    clients = [client_for(user) for user in editors]
    return race([
        (lambda client=client, n=n: client.post(f"{API}/lock/{graphic.pk}", {"session_id": f"tab-{n}"},
                                                format="json"))
        for n, client in enumerate(clients)
    ])


def assert_one_winner(responses):
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] + [409] * (THREADS - 1)
    [winner] = [response.json() for response in responses if response.status_code == 200]
    for response in responses:
        if response.status_code == 409:
            assert response.json()["code"] == "locked"
            assert response.json()["locked_by"] == winner["locked_by"]
    lock = CanvasLock.objects.get()
    assert (lock.session_id, lock.locked_by) == (winner["session_id"], winner["locked_by"])


def test_twenty_sessions_race_for_a_lock_and_exactly_one_wins(editors):
    graphic = make_graphic(editors[0])
    assert_one_winner(acquire_all(graphic, editors))


def test_twenty_sessions_race_to_take_over_an_expired_lock(editors):
    graphic = make_graphic(editors[0])
    client_for(editors[0]).post(f"{API}/lock/{graphic.pk}", {"session_id": "gone"}, format="json")
    CanvasLock.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_one_winner(acquire_all(graphic, editors))


def test_two_editors_saving_from_the_same_version_lose_no_update(editors):
    graphic = make_graphic(editors[0])
    first, second = client_for(editors[0]), client_for(editors[1])
    responses = race([
        lambda: first.put(f"{API}/graphics/{graphic.pk}", {"title": "First", "version": 1}, format="json"),
        lambda: second.put(f"{API}/graphics/{graphic.pk}", {"title": "Second", "version": 1}, format="json"),
    ])
    assert sorted(response.status_code for response in responses) == [200, 409]
    [saved] = [response.json() for response in responses if response.status_code == 200]
    [refused] = [response.json() for response in responses if response.status_code == 409]
    assert refused["code"] == "version_conflict" and refused["current_version"] == 2
    stored = Graphic.objects.get()
    assert (stored.title, stored.version) == (saved["title"], 2)
    assert stored.history.count() == 2


def test_many_saves_without_versions_are_all_counted(editors):
    graphic = make_graphic(editors[0])
    clients = [client_for(user) for user in editors[:10]]
    responses = race([
        (lambda client=client, n=n: client.put(f"{API}/graphics/{graphic.pk}", {"title": f"Save {n}"},
                                               format="json"))
        for n, client in enumerate(clients)
    ])
    assert all(response.status_code == 200 for response in responses)
    assert sorted(response.json()["version"] for response in responses) == list(range(2, 12))
    assert Graphic.objects.get().history.count() == 11


def test_graphics_taken_on_one_layer_at_the_same_instant_leave_one_on_air(editors):
    graphics = [make_graphic(editors[0], title=f"Strap {n}", layer="lower-third") for n in range(10)]
    other = make_graphic(editors[0], title="Standings")
    client_for(editors[0]).post(f"{API}/graphics/{other.pk}/take")
    clients = [client_for(user) for user in editors[:10]]
    responses = race([
        (lambda client=client, graphic=graphic: client.post(f"{API}/graphics/{graphic.pk}/take"))
        for client, graphic in zip(clients, graphics, strict=True)
    ])
    assert [response.status_code for response in responses] == [200] * 10
    assert Graphic.objects.filter(layer="lower-third", on_air=True).count() == 1
    assert Graphic.objects.get(pk=other.pk).on_air is True


def test_a_take_and_a_move_onto_the_same_layer_at_the_same_instant_leave_one_on_air(editors):
    strap = make_graphic(editors[0], title="Strap", layer="lower-third")
    moved = make_graphic(editors[0], title="Caster names", layer="fullscreen")
    taker, mover = client_for(editors[0]), client_for(editors[1])
    for attempt in range(12):  # either may get the layer's rows first; the later one wins
        Graphic.objects.filter(pk=strap.pk).update(on_air=False)
        Graphic.objects.filter(pk=moved.pk).update(layer="fullscreen", on_air=True)
        responses = race([
            lambda: taker.post(f"{API}/graphics/{strap.pk}/take"),
            lambda: mover.put(f"{API}/graphics/{moved.pk}", {"layer": "lower-third"}, format="json"),
        ])
        assert [response.status_code for response in responses] == [200, 200], attempt
        on_air = list(Graphic.objects.filter(layer="lower-third", on_air=True).values_list("title", flat=True))
        assert len(on_air) == 1, (attempt, on_air)


def test_a_lock_that_expires_while_the_request_waits_for_the_graphic_is_taken_over(editors):
    """The request waits behind another writer of the graphic; meanwhile the other session's lock
    expires. It gets the lock (measured at the time it ends waiting), not a 409 or a hang."""
    graphic = make_graphic(editors[0])
    client_for(editors[1]).post(f"{API}/lock/{graphic.pk}", {"session_id": "leaving"}, format="json")
    CanvasLock.objects.update(expires_at=timezone.now() + timedelta(seconds=0.5))
    holding, answer = threading.Event(), {}

    def hold_the_graphic():
        with transaction.atomic():
            Graphic.objects.select_for_update().get(pk=graphic.pk)
            holding.set()
            time.sleep(1.0)
        connections.close_all()

    def take_the_lock():
        holding.wait(5)
        answer["response"] = client_for(editors[0]).post(
            f"{API}/lock/{graphic.pk}", {"session_id": "arriving"}, format="json")
        connections.close_all()

    threads = [threading.Thread(target=hold_the_graphic, daemon=True),
               threading.Thread(target=take_the_lock, daemon=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert "response" in answer, "the lock request did not finish"
    assert answer["response"].status_code == 200, answer["response"].json()
    assert CanvasLock.objects.get().session_id == "arriving"
