"""An Editor must not reach accounts above league members, and tokens follow the account they
were issued to, never a name."""

import jwt
import pytest
from django.conf import settings
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import ADMINISTRATOR, EDITOR, VIEWER
from accounts.services import dashboard_account
from conftest import access_token, client_for, make_user

pytestmark = pytest.mark.django_db


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_an_editor_cannot_deactivate_rename_or_delete_the_dashboard_account(editor_api):
    dashboard = dashboard_account()

    deactivate = editor_api.put(f"/api/v1/users/{dashboard.pk}", {"is_active": False},
                                format="json")
    rename = editor_api.put(f"/api/v1/users/{dashboard.pk}", {"username": "gone"}, format="json")
    delete = editor_api.delete(f"/api/v1/users/{dashboard.pk}")

    assert [r.status_code for r in (deactivate, rename, delete)] == [409, 409, 409]
    assert deactivate.json()["code"] == "not_a_league_member"
    dashboard.refresh_from_db()
    assert (dashboard.username, dashboard.is_active) == ("dashboard", True)


@pytest.mark.parametrize("role", [ADMINISTRATOR, EDITOR, VIEWER])
def test_an_editor_cannot_change_an_account_with_a_league_role(editor_api, role):
    target = make_user(f"holder-{role.lower()}", role)

    response = editor_api.put(f"/api/v1/users/{target.pk}", {"display_name": "Taken over"},
                              format="json")
    delete = editor_api.delete(f"/api/v1/users/{target.pk}")

    assert (response.status_code, delete.status_code) == (409, 409)
    target.refresh_from_db()
    assert target.display_name == ""


def test_an_administrator_manages_viewers_and_editors_but_not_administrators(admin_api):
    viewer = make_user("some-viewer", VIEWER)
    other_admin = make_user("other-admin", ADMINISTRATOR)

    assert admin_api.put(f"/api/v1/users/{viewer.pk}", {"display_name": "V"},
                         format="json").status_code == 200
    assert admin_api.put(f"/api/v1/users/{other_admin.pk}", {"is_active": False},
                         format="json").status_code == 409
    assert admin_api.put(f"/api/v1/users/{dashboard_account().pk}", {"is_active": False},
                         format="json").status_code == 409


def test_an_editor_still_manages_plain_league_members(editor_api):
    kira = make_user("kira")

    response = editor_api.put(f"/api/v1/users/{kira.pk}", {"display_name": "Kira"}, format="json")

    assert response.status_code == 200
    assert editor_api.delete(f"/api/v1/users/{kira.pk}").status_code == 200


def test_an_editor_cannot_take_the_dashboard_accounts_name_for_a_member(editor_api):
    kira = make_user("kira")

    create = editor_api.post("/api/v1/users", {"username": settings.DASHBOARD_ACCOUNT_USERNAME},
                             format="json")
    rename = editor_api.put(f"/api/v1/users/{kira.pk}",
                            {"username": settings.DASHBOARD_ACCOUNT_USERNAME}, format="json")

    assert (create.status_code, rename.status_code) == (409, 409)
    assert not User.objects.filter(username=settings.DASHBOARD_ACCOUNT_USERNAME).exists()


def test_renaming_accounts_does_not_hand_a_token_to_another_user():
    victim = make_user("victim", VIEWER)
    token = access_token(victim)
    User.objects.filter(pk=victim.pk).update(username="victim-renamed")
    make_user("victim", ADMINISTRATOR)

    response = bearer(token).get("/auth/verify")

    assert response.status_code == 200
    assert (response.json()["username"], response.json()["roles"]) == ("victim-renamed", [VIEWER])


def test_a_deleted_users_token_does_not_come_back_when_a_new_member_reuses_the_name():
    sam = make_user("sam", VIEWER)
    token = access_token(sam)
    sam.delete()
    make_user("sam", ADMINISTRATOR)

    response = bearer(token).get("/auth/verify")

    assert response.status_code == 401
    assert bearer(token).post("/auth/refresh").status_code == 401


def test_an_old_token_that_names_its_user_is_refused_not_resolved(editor):
    old = jwt.encode({"sub": editor.username, "token_type": "access", "exp": 9999999999,
                      "jti": "old-style", "roles": ["Editor"]},
                     settings.SIMPLE_JWT["SIGNING_KEY"], algorithm="HS256")

    response = bearer(old).get("/auth/verify")

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_tokens_carry_the_users_primary_key(editor):
    from rest_framework_simplejwt.tokens import AccessToken

    claims = AccessToken(access_token(editor))

    assert claims["user_id"] == str(editor.pk)
    assert "sub" not in claims
    assert client_for(editor).get("/auth/verify").json()["username"] == editor.username
