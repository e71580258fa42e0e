"""Production settings pass Django's deployment checklist and serve static files."""

import secrets
import subprocess
import sys

import httpx
from django.conf import settings

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "ALLOWED_HOSTS": "dash.example.org",
    "GALDASH_IGNORE_DOTENV": "1",
    "PATH": "/usr/bin:/bin",
}


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_static_files_are_collected_and_served_by_daphne(daphne_server, tmp_path):
    static_root = tmp_path / "static"
    env = {**PRODUCTION_ENV, "STATIC_ROOT": str(static_root)}
    collected = _manage("collectstatic", "--noinput", env=env)
    assert collected.returncode == 0, collected.stderr

    server = daphne_server(name="static", STATIC_ROOT=str(static_root))
    response = httpx.get(f"{server.url}/static/admin/css/base.css", timeout=10)

    assert response.status_code == 200
    assert "text/css" in response.headers["content-type"]
