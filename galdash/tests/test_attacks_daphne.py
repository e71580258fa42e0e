"""Attacks from outside on a real daphne process, each named after what it tries."""

import subprocess
import sys

import httpx
import pytest
from django.conf import settings

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
