from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from django.test import override_settings
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import AuthLog, User
from conftest import access_token, client_for

pytestmark = pytest.mark.django_db


@override_settings(DASHBOARD_MASTER_PASSWORD="s3cret-master")
def test_master_password_login_answers_tokens_for_the_dashboard_account(api_client):
    response = api_client.post("/auth/login", {"master_password": "s3cret-master"}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()
    claims = AccessToken(body["access_token"])
    assert claims["user_id"] == str(User.objects.get(username="dashboard").pk)
    assert claims["roles"] == ["Administrator"]
    assert claims["read_only"] is False
    log = AuthLog.objects.get()
    assert (log.username, log.method, log.success) == ("dashboard", "master_password", True)


@override_settings(DASHBOARD_MASTER_PASSWORD="s3cret-master")
def test_wrong_master_password_is_401_and_logged(api_client):
    response = api_client.post("/api/v1/auth/login/", {"master_password": "nope"}, format="json",
                               HTTP_USER_AGENT="pytest-agent")

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid master password.",
                               "code": "authentication_failed"}
    log = AuthLog.objects.get()
    assert log.success is False
    assert log.user_agent == "pytest-agent"
    assert log.ip == "127.0.0.1"


@override_settings(DASHBOARD_MASTER_PASSWORD="")
def test_master_password_login_is_503_when_not_configured(api_client):
    response = api_client.post("/auth/login", {"master_password": "anything"}, format="json")

    assert response.status_code == 503
    assert "DASHBOARD_MASTER_PASSWORD" in response.json()["detail"]


def test_personal_login_answers_tokens_with_roles(api_client, editor):
    response = api_client.post("/auth/token", {"username": "eddie-editor",
                                               "password": "editor-pass-123"}, format="json")

    assert response.status_code == 200
    claims = AccessToken(response.json()["access_token"])
    assert claims["user_id"] == str(editor.pk)
    assert claims["roles"] == ["Editor"]
    assert AuthLog.objects.get().user == editor


def test_personal_login_with_wrong_password_is_401_and_logged(api_client, editor):
    response = api_client.post("/auth/token", {"username": "eddie-editor", "password": "bad"},
                               format="json")

    assert response.status_code == 401
    log = AuthLog.objects.get()
    assert (log.user, log.username, log.success) == (editor, "eddie-editor", False)


def test_login_missing_fields_names_them(api_client):
    response = api_client.post("/auth/token", {"username": "x"}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == {"password": ["This field is required."]}
    assert "password" in body["detail"]


def test_failed_logins_lock_the_account_and_the_address_with_retry_after(api_client, editor,
                                                                         viewer):
    answers = [api_client.post("/auth/token", {"username": "eddie-editor", "password": "bad"},
                               format="json").status_code for _ in range(5)]

    right_password = api_client.post("/auth/token", {"username": "eddie-editor",
                                                     "password": "editor-pass-123"}, format="json")
    same_account_elsewhere = api_client.post(
        "/auth/token", {"username": "eddie-editor", "password": "editor-pass-123"},
        format="json", REMOTE_ADDR="10.1.2.3")
    other_account_same_address = api_client.post(
        "/auth/token", {"username": "vera-viewer", "password": "viewer-pass-123"}, format="json")
    other_account_elsewhere = api_client.post(
        "/auth/token", {"username": "vera-viewer", "password": "viewer-pass-123"},
        format="json", REMOTE_ADDR="10.1.2.3")

    assert answers == [401] * 4 + [429]
    assert right_password.status_code == 429
    assert int(right_password["Retry-After"]) == settings.LOGIN_COOLOFF_SECONDS
    assert right_password.json()["code"] == "throttled"
    assert same_account_elsewhere.status_code == 429
    assert other_account_same_address.status_code == 429
    assert other_account_elsewhere.status_code == 200


def test_successful_logins_never_count(api_client, editor):
    answers = [api_client.post("/auth/token", {"username": "eddie-editor",
                                               "password": "editor-pass-123"},
                               format="json").status_code for _ in range(12)]

    assert answers == [200] * 12
    assert AuthLog.objects.filter(success=True).count() == 12


def test_expired_token_is_refused(api_client, editor):
    token = AccessToken.for_user(editor)
    token.set_exp(lifetime=-timedelta(seconds=1))
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    response = api_client.get("/auth/verify")

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_forged_token_is_refused(api_client, editor):
    claims = {"user_id": editor.pk, "token_type": "access", "exp": 9999999999, "jti": "x",
              "roles": ["Administrator"]}
    forged = jwt.encode(claims, "not-our-key-but-long-enough-for-hs256-0123456789", algorithm="HS256")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {forged}")

    assert api_client.get("/auth/verify").status_code == 401


def test_verify_answers_username_and_roles(viewer_api):
    response = viewer_api.get("/auth/verify")

    assert response.status_code == 200
    assert response.json() == {"valid": True, "username": "vera-viewer", "roles": ["Viewer"],
                               "read_only": True}


def test_deactivated_user_token_stops_working_at_once(editor):
    client = client_for(editor)
    editor.is_active = False
    editor.save(update_fields=["is_active"])

    assert client.get("/auth/verify").status_code == 401


def test_refresh_rotates_and_blacklists_the_old_refresh_token(api_client, editor):
    login = api_client.post("/auth/token", {"username": "eddie-editor",
                                            "password": "editor-pass-123"}, format="json").json()

    first = api_client.post("/auth/refresh", {"refresh_token": login["refresh_token"]},
                            format="json")
    replay = api_client.post("/auth/refresh", {"refresh_token": login["refresh_token"]},
                             format="json")

    assert first.status_code == 200
    assert first.json()["refresh_token"] != login["refresh_token"]
    assert replay.status_code == 401


def test_refresh_with_a_valid_access_token_as_the_existing_dashboard_does(editor):
    response = client_for(editor).post("/auth/refresh")

    assert response.status_code == 200
    assert AccessToken(response.json()["access_token"])["user_id"] == str(editor.pk)


def test_refresh_without_anything_is_401(api_client):
    assert api_client.post("/auth/refresh", {}, format="json").status_code == 401


def test_logout_blacklists_the_refresh_token(api_client, editor):
    login = api_client.post("/auth/token", {"username": "eddie-editor",
                                            "password": "editor-pass-123"}, format="json").json()

    logout = api_client.post("/auth/logout", {"refresh_token": login["refresh_token"]},
                             format="json")
    refresh = api_client.post("/auth/refresh", {"refresh_token": login["refresh_token"]},
                              format="json")

    assert logout.status_code == 200
    assert refresh.status_code == 401


def test_logout_with_an_empty_body_is_200(api_client):
    response = api_client.post("/auth/logout")

    assert response.status_code == 200
    assert response.json() == {"message": "Logged out."}


def test_token_for_a_deleted_user_is_refused(editor):
    token = access_token(editor)
    editor.delete()
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    assert client.get("/auth/verify").status_code == 401
