"""A logout ends what it can; a refresh token rotates once, however many replay it at once."""

import threading

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from accounts.models import User

LOGIN = {"username": "eddie-editor", "password": "editor-pass-123"}


def login(client: APIClient) -> dict:
    response = client.post("/auth/token", LOGIN, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.mark.django_db
def test_after_logout_with_a_bearer_token_nothing_issued_before_can_mint_new_tokens(editor):
    first = login(APIClient())
    second = login(APIClient())  # another session of the same account, refresh token unsent

    logout = bearer(first["access_token"]).post("/auth/logout")

    assert logout.status_code == 200
    assert bearer(first["access_token"]).post("/auth/refresh").status_code == 401
    for pair in (first, second):
        replay = APIClient().post("/auth/refresh", {"refresh_token": pair["refresh_token"]},
                                  format="json")
        assert replay.status_code == 401
    assert bearer(second["access_token"]).get("/auth/verify").status_code == 401
    fresh = login(APIClient())  # logging in again works at once
    assert bearer(fresh["access_token"]).post("/auth/refresh").status_code == 200


@pytest.mark.django_db
def test_the_dashboards_logout_without_a_header_ends_nothing_else(editor):
    pair = login(APIClient())

    assert APIClient().post("/auth/logout").status_code == 200
    assert bearer(pair["access_token"]).post("/auth/refresh").status_code == 200


@pytest.mark.django_db
def test_an_expired_bearer_on_logout_still_logs_out(editor):
    response = bearer("not.a.token").post("/auth/logout")

    assert response.status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_refresh_token_replayed_in_parallel_rotates_exactly_once(editor):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...)")
    refresh_token = login(APIClient())["refresh_token"]
    racers = 12
    barrier = threading.Barrier(racers)
    answers: list[int] = []

    def replay():
        try:
            barrier.wait()
            response = APIClient().post("/auth/refresh", {"refresh_token": refresh_token},
                                        format="json")
            answers.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=replay) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answers) == [200] + [401] * (racers - 1)
    assert User.objects.get(pk=editor.pk).is_active
