"""Attacks from outside on a real daphne process, each named after what it tries."""

import asyncio
import json
import subprocess
import sys

import httpx
import pytest
import websockets
from channels.db import database_sync_to_async
from django.conf import settings

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
