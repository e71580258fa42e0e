"""Attacks from outside on a real daphne process, each named after what it tries."""

import asyncio
import json
import subprocess
import sys
from datetime import timedelta

import httpx
import pytest
import websockets
from channels.db import database_sync_to_async
from django.conf import settings

from accounts.models import AuthLog, User
from conftest import access_token, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_cookies_are_not_sent_over_plain_http_without_ssl_redirect(daphne_server):
    """DEBUG off and no SECURE_SSL_REDIRECT (TLS ends at a proxy that redirects): the session
    and CSRF cookies still carry Secure, so a plain-http request never leaks them."""
    server = daphne_server("cookies", SECURE_SSL_REDIRECT="false")

    response = httpx.get(f"{server.url}/admin/login/", timeout=10)

    assert response.status_code == 200
    csrf = [c for c in response.headers.get_list("set-cookie") if c.startswith("csrftoken=")]
    assert csrf and "Secure" in csrf[0], csrf


@pytest.mark.parametrize(("env", "expected"), [
    ({"DEBUG": "false"}, "True True"),
    ({"DEBUG": "true"}, "False False"),
    ({"DEBUG": "false", "SESSION_COOKIE_SECURE": "false", "CSRF_COOKIE_SECURE": "false"},
     "False False"),
])
def test_cookie_security_has_its_own_switches(env, expected):
    code = ("import django; from django.conf import settings; "
            "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, capture_output=True, text=True,
        env={"DJANGO_SETTINGS_MODULE": "galdash.settings", "GALDASH_IGNORE_DOTENV": "1",
             "SECRET_KEY": "x" * 60, "PATH": "/usr/bin:/bin", **env}, timeout=60)

    assert result.stdout.strip() == expected, result.stderr


async def handshake(url: str, origin: str) -> int | str:
    """The close code or "open" after the greeting, or the HTTP status of a refused handshake."""
    try:
        async with websockets.connect(url, origin=origin, open_timeout=5) as socket:
            message = json.loads(await asyncio.wait_for(socket.recv(), 5))
            return "open" if message["type"] == "connection_established" else message["type"]
    except websockets.InvalidStatus as refused:
        return refused.response.status_code


async def test_a_page_on_another_port_of_an_allowed_host_cannot_open_the_dashboard_socket(
    daphne_server, role_groups
):
    editor = await database_sync_to_async(make_user)("origin-editor", "Editor")
    token = await database_sync_to_async(access_token)(editor)
    server = await asyncio.to_thread(daphne_server, "origin")
    url = f"{server.ws_url}/ws/dashboard/?token={token}"

    attacks = [await handshake(url, origin) for origin in (
        "http://localhost:6666", "http://127.0.0.1:6666", "https://localhost:3000",
        "http://localhost", "https://127.0.0.1:8000")]
    allowed = [await handshake(url, origin) for origin in (
        "http://localhost:3000", "http://127.0.0.1:8000", f"http://127.0.0.1:{server.port}")]

    assert attacks == [403] * 5
    assert allowed == ["open"] * 3


def procfile_daphne_options() -> tuple[str, ...]:
    """daphne's options in the Procfile's web process, without the address and port."""
    line = next(line for line in (settings.BASE_DIR / "Procfile").read_text().splitlines()
                if line.startswith("web:"))
    words = line.split()
    options = words[words.index("daphne") + 1:words.index("galdash.asgi:application")]
    kept, skip = [], False
    for word in options:
        if skip:
            skip = False
        elif word in ("-b", "-p"):
            skip = True
        else:
            kept.append(word)
    return tuple(kept)


def token_login(server, username: str, password: str, forwarded_for: str | None = None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return httpx.post(f"{server.url}/auth/token", json={"username": username,
                                                        "password": password},
                      headers=headers, timeout=10)


def test_a_new_x_forwarded_for_per_attempt_does_not_escape_the_login_limit(daphne_server):
    server = daphne_server("xff-rotation", LOGIN_FAILURE_LIMIT=5)

    answers = [token_login(server, f"guess-{n}", "wrong", f"198.51.100.{n}").status_code
               for n in range(8)]

    assert answers == [401] * 4 + [429] * 4
    assert set(AuthLog.objects.values_list("ip", flat=True)) == {"127.0.0.1"}


def test_the_shipped_server_does_not_record_a_spoofed_x_forwarded_for(daphne_server):
    server = daphne_server("procfile", args=procfile_daphne_options())

    answer = token_login(server, "nobody", "wrong", "203.0.113.9")

    assert answer.status_code == 401
    assert list(AuthLog.objects.values_list("ip", flat=True)) == ["127.0.0.1"]


def test_behind_a_trusted_proxy_a_client_cannot_pick_its_address(daphne_server):
    """One proxy appends the address it saw; whatever the client put left of it is ignored,
    so each client is limited on its own address and AuthLog records it."""
    server = daphne_server("one-proxy", TRUSTED_PROXY_COUNT=1, LOGIN_FAILURE_LIMIT=5,
                           DASHBOARD_MASTER_PASSWORD="proxy-master")

    attacker = [token_login(server, f"guess-{n}", "wrong",
                            f"10.9.9.{n}, 198.51.100.66").status_code for n in range(6)]
    bystander = httpx.post(f"{server.url}/auth/login", json={"master_password": "proxy-master"},
                           headers={"X-Forwarded-For": "198.51.100.77"}, timeout=10)

    assert attacker == [401] * 4 + [429] * 2
    assert bystander.status_code == 200
    assert set(AuthLog.objects.values_list("ip", flat=True)) == {"198.51.100.66",
                                                                 "198.51.100.77"}


def test_one_account_attacked_from_many_addresses_is_locked_with_a_cool_off(daphne_server,
                                                                            editor):
    server = daphne_server("per-account", TRUSTED_PROXY_COUNT=1, LOGIN_FAILURE_LIMIT=5,
                           LOGIN_COOLOFF_SECONDS=120)

    attempts = [token_login(server, editor.username, f"guess-{n}", f"198.51.100.{n}")
                for n in range(6)]
    owner = token_login(server, editor.username, "editor-pass-123", "192.0.2.1")

    assert [a.status_code for a in attempts] == [401] * 4 + [429] * 2
    assert owner.status_code == 429
    assert owner.headers["Retry-After"] == "120"
    assert owner.json() == {"detail": "Too many failed logins; try again in 120 seconds.",
                            "code": "throttled"}


def test_a_venue_of_producers_behind_one_address_is_never_refused_for_logging_in(daphne_server):
    server = daphne_server("venue", DASHBOARD_MASTER_PASSWORD="venue-master",
                           LOGIN_FAILURE_LIMIT=5)

    answers = [httpx.post(f"{server.url}/auth/login", json={"master_password": "venue-master"},
                          timeout=10).status_code for _ in range(12)]

    assert answers == [200] * 12
    assert AuthLog.objects.filter(method="master_password", success=True).count() == 12


def test_admin_login_brute_force_is_limited_and_every_attempt_logged(daphne_server, admin_user):
    server = daphne_server("admin-login", LOGIN_FAILURE_LIMIT=3, CSRF_COOKIE_SECURE="false",
                           SESSION_COOKIE_SECURE="false")
    client = httpx.Client(base_url=server.url, timeout=10)
    client.get("/admin/login/")

    def attempt(password: str) -> httpx.Response:
        return client.post("/admin/login/?next=/admin/", data={
            "username": admin_user.username, "password": password,
            "csrfmiddlewaretoken": client.cookies["csrftoken"]})

    wrong = [attempt(f"guess-{n}") for n in range(4)]
    right = attempt("admin-pass-123")

    assert [r.status_code for r in wrong] == [200, 200, 429, 429]  # 200: the form again
    assert right.status_code == 429
    assert int(right.headers["Retry-After"]) > 0
    logged = list(AuthLog.objects.filter(method="admin").values_list("success", flat=True))
    assert logged == [False] * 5


async def greeted_socket(url: str):
    socket = await websockets.connect(url, open_timeout=5)
    assert json.loads(await asyncio.wait_for(socket.recv(), 5))["type"] == "connection_established"
    return socket


async def close_code_within(socket, seconds: float) -> int | None:
    """The close code the server sends within `seconds`, skipping messages; None if open."""
    try:
        while True:
            await asyncio.wait_for(socket.recv(), seconds)
    except websockets.ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None
    except TimeoutError:
        return None


async def still_answers(socket) -> bool:
    await socket.send(json.dumps({"type": "ping"}))
    while True:
        message = json.loads(await asyncio.wait_for(socket.recv(), 5))
        if message["type"] == "pong":
            return True


@pytest.mark.parametrize("fate", ["deactivated", "deleted", "logged out"])
async def test_an_open_dashboard_socket_stops_streaming_when_its_user_loses_the_right(
    daphne_server, role_groups, fate
):
    victim = await database_sync_to_async(make_user)("leaving-editor", "Editor")
    bystander = await database_sync_to_async(make_user)("staying-editor", "Editor")
    token = await database_sync_to_async(access_token)(victim)
    other_token = await database_sync_to_async(access_token)(bystander)
    server = await asyncio.to_thread(daphne_server, "session-end", WS_AUTH_CHECK_SECONDS=1)
    socket = await greeted_socket(f"{server.ws_url}/ws/dashboard/?token={token}")
    other = await greeted_socket(f"{server.ws_url}/ws/dashboard/?token={other_token}")
    assert await close_code_within(socket, 1.5) is None  # open while the account is fine

    if fate == "deactivated":
        await database_sync_to_async(User.objects.filter(pk=victim.pk).update)(is_active=False)
    elif fate == "deleted":
        await database_sync_to_async(victim.delete)()
    else:
        async with httpx.AsyncClient() as client:
            logout = await client.post(f"{server.url}/auth/logout",
                                       headers={"Authorization": f"Bearer {token}"})
        assert logout.status_code == 200

    assert await close_code_within(socket, 5) == 4001
    assert await still_answers(other)
    await other.close()


async def test_an_open_dashboard_socket_is_closed_when_its_token_expires(daphne_server,
                                                                        role_groups):
    from rest_framework_simplejwt.tokens import AccessToken

    user = await database_sync_to_async(make_user)("short-lived", "Viewer")
    server = await asyncio.to_thread(daphne_server, "token-expiry", WS_AUTH_CHECK_SECONDS=30)
    short = await database_sync_to_async(AccessToken.for_user)(user)
    short.set_exp(lifetime=timedelta(seconds=4))
    socket = await greeted_socket(f"{server.ws_url}/ws/dashboard/?token={short}")
    other = await greeted_socket(
        f"{server.ws_url}/ws/dashboard/?token={await database_sync_to_async(access_token)(user)}")

    assert await close_code_within(socket, 1) is None
    assert await close_code_within(socket, 8) == 4001
    assert await still_answers(other)
    await other.close()
