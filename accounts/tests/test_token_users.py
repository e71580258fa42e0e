"""The user of a valid token is kept per process while users are unchanged: on two real daphne
processes, a user deactivated, deleted or given another role (here straight in the database,
as a bulk update or another process would) is refused or re-read by the very next request in
both processes, after both had served that user."""

import time
from datetime import timedelta

import httpx
import pytest
from django.contrib.auth.models import Group
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from accounts.roles import EDITOR, VIEWER
from conftest import access_token, make_user
from realtime.tests.socket_helpers import role_groups  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("role_groups")]


@pytest.fixture
def servers(daphne_server):
    return daphne_server("users-a"), daphne_server("users-b")


def create(server, token: str) -> int:
    return httpx.post(f"{server.url}/api/v1/graphics", json={"title": "Card"},
                      headers={"Authorization": f"Bearer {token}"}, timeout=10).status_code


def read(server, token: str) -> httpx.Response:
    return httpx.get(f"{server.url}/api/v1/graphics", headers={"Authorization": f"Bearer {token}"},
                     timeout=10)


@pytest.mark.parametrize("fate", ["deactivated", "deleted"])
def test_a_gone_user_is_refused_by_the_next_request_in_every_process(servers, fate):
    victim = make_user("gone-editor", EDITOR, is_staff=True)
    token = access_token(victim)
    assert [read(server, token).status_code for server in servers * 2] == [200] * 4

    if fate == "deleted":
        victim.delete()
    else:
        User.objects.filter(pk=victim.pk).update(is_active=False)

    refused = [read(server, token) for server in servers]
    assert [answer.status_code for answer in refused] == [401, 401]
    assert all(answer.json()["code"] for answer in refused)


def test_a_role_taken_away_is_refused_by_the_next_request_in_every_process(servers):
    victim = make_user("demoted-editor", EDITOR, is_staff=True)
    token = access_token(victim)
    assert [create(server, token) for server in servers * 2] == [201] * 4

    victim.groups.set([Group.objects.get(name=VIEWER)])

    assert [create(server, token) for server in servers] == [403, 403]
    assert [read(server, token).status_code for server in servers] == [200, 200]


def test_a_renamed_user_is_read_again(servers):
    user = make_user("renamed-editor", EDITOR, is_staff=True, display_name="Old name")
    token = access_token(user)
    assert create(servers[0], token) == 201

    User.objects.filter(pk=user.pk).update(display_name="New name")
    assert create(servers[0], token) == 201

    names = [graphic["created_by"] for graphic in read(servers[1], token).json()["graphics"]]
    assert names == ["New name", "Old name"]


def test_a_token_that_worked_is_refused_once_it_expires(servers):
    """Checked tokens are kept per process: expiry is still checked on every request."""
    user = make_user("short-lived", EDITOR)
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=timedelta(seconds=2))
    server = servers[0]
    assert [read(server, str(token)).status_code for _ in range(3)] == [200] * 3

    time.sleep(2.1)
    expired = read(server, str(token))
    assert expired.status_code == 401
    assert expired.json()["code"] == "token_not_valid"
