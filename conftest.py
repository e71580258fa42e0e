"""Fixtures shared by every app's tests."""

import json
import os
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection, connections
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import ADMINISTRATOR, EDITOR, VIEWER
from accounts.services import token_pair_for
from bench.harness import Daphne
from realtime import events as realtime_events
from realtime.events import DASHBOARD_GROUP

ROOT = Path(__file__).resolve().parent
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Tests need no key stretching; production keeps Django's default hashers."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _answers_match_the_openapi_schema(monkeypatch):
    """Every answer the test client gets from a route of the OpenAPI schema must match the
    schema of its status (core/tests/openapi_answers.py); a test whose answer breaks it fails."""
    from django.test.client import Client

    from core.tests import openapi_answers

    request = Client.request

    def checked_request(self, **environ):
        response = request(self, **environ)
        if not getattr(response, "streaming", False):
            openapi_answers.check(environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", ""),
                                  response.status_code, response.content,
                                  response.get("Content-Type", ""))
        return response

    monkeypatch.setattr(Client, "request", checked_request)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def make_user(username: str, role: str | None = None, **fields) -> User:
    password = fields.pop("password", None)
    user = User.objects.create(username=username, **fields)
    if password:
        user.set_password(password)
        user.save(update_fields=["password"])
    if role:
        # get_or_create: transactional tests flush the groups the data migration made.
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def make_member(name: str, **fields) -> User:
    """A league member (no role, no password) with a Discord id and a Riot ID."""
    fields.setdefault("discord_id", f"d-{name}")
    fields.setdefault("riot_id", f"{name}#GAL")
    fields.setdefault("display_name", name.title())
    return make_user(name, **fields)


def make_members(count: int, *, prefix: str = "") -> list[User]:
    """`count` league members in one query: `<prefix>p001`, `<prefix>Player 001`, ..."""
    return User.objects.bulk_create(
        User(username=f"{prefix}p{i:03d}", display_name=f"{prefix}Player {i:03d}",
             discord_id=f"{prefix}{9000 + i}", riot_id=f"{prefix}Player{i}#GAL")
        for i in range(1, count + 1)
    )


def access_token(user: User) -> str:
    return token_pair_for(user)["access_token"]


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token(user)}")
    return client


@pytest.fixture
def admin_user(db):
    return make_user("alice-admin", ADMINISTRATOR, password="admin-pass-123", is_staff=True,
                     is_superuser=True, display_name="Alice")


@pytest.fixture
def editor(db):
    return make_user("eddie-editor", EDITOR, password="editor-pass-123", is_staff=True,
                     display_name="Eddie")


@pytest.fixture
def viewer(db):
    return make_user("vera-viewer", VIEWER, password="viewer-pass-123", display_name="Vera")


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def admin_api(admin_user):
    return client_for(admin_user)


@pytest.fixture
def editor_api(editor):
    return client_for(editor)


@pytest.fixture
def viewer_api(viewer):
    return client_for(viewer)


async def in_db(function, *args, **kwargs):
    """Run ORM code from an async (browser) test, in a worker thread that closes its connection
    afterwards (an open one would keep PostgreSQL from dropping the test database)."""

    def run():
        try:
            return function(*args, **kwargs)
        finally:
            connections.close_all()

    return await sync_to_async(run)()


@pytest.fixture
def staff(admin_user):
    """A browser session of the administrator in the Django admin."""
    from django.test import Client

    client = Client()
    client.force_login(admin_user)
    return client


class Events:
    """What `realtime.events.send` handed to the channel layer during the test: every event
    that was committed (run the writes inside `django_capture_on_commit_callbacks(execute=True)`
    in a non-transactional test), in order, with the groups it went to."""

    def __init__(self):
        self.sent: list[tuple[tuple[str, ...], dict]] = []

    def record(self, groups: tuple[str, ...], text: str) -> None:
        self.sent.append((tuple(groups), json.loads(text)))

    def received(self, group: str = DASHBOARD_GROUP) -> list[dict]:
        """The `{type, data, timestamp}` messages sent to `group`."""
        return [message for groups, message in self.sent if group in groups]

    def types(self, group: str = DASHBOARD_GROUP) -> list[str]:
        return [message["type"] for message in self.received(group)]

    def of_type(self, event_type: str, group: str = DASHBOARD_GROUP) -> list[dict]:
        """The `data` of each `event_type` message sent to `group`."""
        return [message["data"] for message in self.received(group) if message["type"] == event_type]

    def clear(self) -> None:
        self.sent.clear()


@pytest.fixture
def events(monkeypatch):
    """Captures events at the one point they all pass (`realtime.events.send`), then lets them
    go on to the channel layer as usual."""
    recorder = Events()
    send = realtime_events.send

    def recording_send(groups, event_type, text):
        recorder.record(groups, text)
        send(groups, event_type, text)

    monkeypatch.setattr(realtime_events, "send", recording_send)
    return recorder


def current_database_url() -> str:
    """The URL of the database the tests run on, for server processes they start."""
    conf = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{conf['NAME']}"
    auth = conf["USER"] + (f":{conf['PASSWORD']}" if conf.get("PASSWORD") else "")
    return f"postgres://{auth}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{conf['NAME']}"


@pytest.fixture
def daphne_server(transactional_db):
    """Start daphne processes against the test database: `daphne_server(**env)`; `args`
    replaces daphne's options (default `--websocket_timeout -1`)."""
    started: list[Daphne] = []

    def start(name: str = "server", wait_healthy: bool = True, args: tuple[str, ...] = (),
              **extra_env) -> Daphne:
        env = {**os.environ, "DATABASE_URL": current_database_url(), "DEBUG": "false",
               "DATABASE_POOL_SIZE": "20",
               **{key: str(value) for key, value in extra_env.items()}}
        server = Daphne(env, ARTIFACTS, name, start=False, verbosity=1, backlog=None, args=args)
        started.append(server)
        return server.start(wait_healthy=wait_healthy)

    yield start
    for server in started:
        server.stop()
