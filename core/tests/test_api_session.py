"""Staff logged into the admin browse the API with their session (CSRF on writes); the JWT
clients (dashboard, bot) are answered exactly as before."""

import pytest
from django.test import Client

from accounts.roles import EDITOR, VIEWER
from conftest import access_token, make_user
from graphics.models import Graphic

pytestmark = pytest.mark.django_db

HTML = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


def logged_in(role: str, name: str) -> tuple[Client, object]:
    user = make_user(name, role, is_staff=True, password="pw-123456")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client, user


def csrf_token(client: Client) -> str:
    client.get("/admin/")  # the admin sets the CSRF cookie, as in a browser
    return client.cookies["csrftoken"].value


def test_a_staff_browser_sees_the_graphics_in_the_browsable_api():
    Graphic.objects.create(title="Week 3 standings", data_json={"elements": []})
    browser, _ = logged_in(VIEWER, "vera")

    page = browser.get("/api/v1/graphics", **HTML)

    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert "Week 3 standings" in page.content.decode()
    for path in ("/api/v1/tournaments", "/api/v1/configuration", "/api/v1/users", "/api/v1/overlays",
                 "/api/v1/lock/status", "/auth/verify"):
        assert browser.get(path, **HTML).status_code == 200, path


def test_a_session_write_needs_the_csrf_token():
    browser, _ = logged_in(EDITOR, "eddie")
    body = {"title": "From the browser", "event_name": "", "data_json": {"elements": []}}

    refused = browser.post("/api/v1/graphics", body, content_type="application/json")

    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied" and "CSRF" in refused.json()["detail"]
    assert not Graphic.objects.exists()

    accepted = browser.post("/api/v1/graphics", body, content_type="application/json",
                            HTTP_X_CSRFTOKEN=csrf_token(browser))
    assert accepted.status_code == 201
    assert Graphic.objects.get().title == "From the browser"


def test_a_viewer_session_is_still_refused_a_write():
    browser, _ = logged_in(VIEWER, "vera")

    response = browser.post("/api/v1/graphics", {"title": "x"}, content_type="application/json",
                            HTTP_X_CSRFTOKEN=csrf_token(browser))

    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert not Graphic.objects.exists()


def test_jwt_clients_are_answered_as_before():
    editor = make_user("bot", EDITOR)
    client = Client(enforce_csrf_checks=True)  # no session, no CSRF token: a token client
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {access_token(editor)}"}

    created = client.post("/api/v1/graphics", {"title": "From the bot", "data_json": {"elements": []}},
                          content_type="application/json", HTTP_ACCEPT="application/json, text/plain, */*",
                          **bearer)
    anything = client.get("/api/v1/graphics", HTTP_ACCEPT="*/*", **bearer)
    anonymous = client.get("/api/v1/graphics")

    assert created.status_code == 201 and created["Content-Type"] == "application/json"
    assert anything["Content-Type"] == "application/json" and anything.json()["total"] == 1
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"].startswith("Bearer")


def test_an_admin_session_cannot_mint_tokens():
    browser, _ = logged_in(EDITOR, "eddie")

    response = browser.post("/auth/refresh", {}, content_type="application/json",
                            HTTP_X_CSRFTOKEN=csrf_token(browser))

    assert response.status_code in (400, 401)
    assert "access_token" not in response.json()


def test_the_schema_still_documents_bearer_tokens_only():
    schema = Client().get("/openapi.json").json()

    assert set(schema["components"]["securitySchemes"]) == {"jwtAuth", "jwtAuthOptional"}
