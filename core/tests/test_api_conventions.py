import json

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_malformed_json_is_a_400_envelope(api_client):
    response = api_client.generic("POST", "/auth/token", "{not json",
                                  content_type="application/json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "parse_error"
    assert "JSON" in body["detail"]


def test_wrong_content_type_is_415(api_client):
    response = api_client.generic("POST", "/auth/token", "username=a&password=b",
                                  content_type="application/x-www-form-urlencoded")

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_unknown_route_under_api_is_a_json_404(api_client):
    response = api_client.get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "No route matches GET /api/v1/no-such-thing.",
                               "code": "not_found"}


def test_wrong_method_is_405(api_client):
    response = api_client.get("/auth/token")

    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "GET" not allowed.',
                               "code": "method_not_allowed"}


def test_routes_answer_with_and_without_trailing_slash_without_redirecting_a_post(api_client,
                                                                                  editor):
    credentials = {"username": "eddie-editor", "password": "editor-pass-123"}

    without = api_client.post("/auth/token", credentials, format="json")
    with_slash = api_client.post("/auth/token/", credentials, format="json")

    assert without.status_code == 200
    assert with_slash.status_code == 200


def test_every_response_has_request_id_process_time_and_security_headers(api_client):
    response = api_client.get("/auth/verify", HTTP_X_REQUEST_ID="trace-123")

    assert response["X-Request-ID"] == "trace-123"
    assert response["X-Process-Time"].endswith("ms")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"]


def test_body_over_the_limit_is_413(api_client, settings):
    response = api_client.generic("POST", "/auth/token", "x" * (settings.REQUEST_BODY_MAX_BYTES + 1),
                                  content_type="application/json")

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


@override_settings(ENABLE_DASHBOARD=False)
def test_disabled_dashboard_answers_503_but_health_stays_up(api_client):
    assert api_client.get("/api/v1/auth/verify").status_code == 503
    assert api_client.get("/health").status_code == 200


def test_request_log_never_contains_tokens_or_passwords(api_client, editor, caplog):
    caplog.set_level("INFO", logger="galdash.request")
    api_client.post("/auth/token?password=editor-pass-123", {"username": "eddie-editor",
                                                               "password": "editor-pass-123"},
                    format="json")
    token = api_client.post("/auth/token", {"username": "eddie-editor",
                                            "password": "editor-pass-123"},
                            format="json").json()["access_token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    api_client.get(f"/auth/verify?token={token}")

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "POST /auth/token 200" in logged
    assert "editor-pass-123" not in logged
    assert token not in logged


def test_health_is_ok_with_database_and_channel_layer(api_client):
    response = api_client.get("/health")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy"
    assert body["checks"] == {"database": "ok", "channel_layer": "ok"}
    assert body["version"]


def test_openapi_schema_and_docs_are_served(api_client):
    schema = api_client.get("/openapi.json")
    docs = api_client.get("/docs")

    assert schema.status_code == 200
    assert "/auth/token" in json.loads(schema.content)["paths"]
    assert docs.status_code == 200
    assert api_client.get("/redoc").status_code == 200


def test_health_is_503_when_the_database_is_unreachable(daphne_server):
    import httpx

    server = daphne_server(
        name="no-database", wait_healthy=False,
        DATABASE_URL="postgres://postgres@127.0.0.1:9/unreachable",
    )

    response = httpx.get(f"{server.url}/health", timeout=10)

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "error"
    assert response.json()["status"] == "unhealthy"


def test_health_is_503_when_the_channel_layer_is_unreachable(daphne_server):
    import httpx

    server = daphne_server(name="no-redis", wait_healthy=False, REDIS_URL="redis://127.0.0.1:9/0")

    response = httpx.get(f"{server.url}/health", timeout=15)

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "channel_layer": "error"}
