"""Fixtures shared by every app's tests."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection, connections
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import ADMINISTRATOR, EDITOR, VIEWER
from accounts.services import token_pair_for

ROOT = Path(__file__).resolve().parent
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Tests need no key stretching; production keeps Django's default hashers."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def current_database_url() -> str:
    """The URL of the database the tests run on, for server processes they start."""
    conf = connection.settings_dict
    if conf["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{conf['NAME']}"
    auth = conf["USER"] + (f":{conf['PASSWORD']}" if conf.get("PASSWORD") else "")
    return f"postgres://{auth}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{conf['NAME']}"


class DaphneProcess:
    """A real daphne server in its own process, on its own port."""

    def __init__(self, env: dict[str, str], name: str, args: tuple[str, ...] = ()):
        self.port = free_port()
        self.env = env
        self.name = name
        self.args = args or ("--websocket_timeout", "-1")
        self.process: subprocess.Popen | None = None
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"daphne-{name}-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, wait_healthy: bool = True) -> "DaphneProcess":
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port),
             *self.args, "galdash.asgi:application"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited; see {self.log_path}")
            try:
                response = httpx.get(f"{self.url}/health", timeout=2)
                if response.status_code == 200 or not wait_healthy:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"daphne did not answer /health within 30 s; see {self.log_path}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def daphne_server(transactional_db):
    """Start daphne processes against the test database: `daphne_server(**env)`; `args`
    replaces daphne's options (default `--websocket_timeout -1`)."""
    started: list[DaphneProcess] = []

    def start(name: str = "server", wait_healthy: bool = True, args: tuple[str, ...] = (),
              **extra_env) -> DaphneProcess:
        env = {**os.environ, "DATABASE_URL": current_database_url(), "DEBUG": "false",
               **{key: str(value) for key, value in extra_env.items()}}
        server = DaphneProcess(env, name, args)
        started.append(server)
        return server.start(wait_healthy=wait_healthy)

    yield start
    for server in started:
        server.stop()
