"""Admin access follows the league roles on every page, as the API's permissions do."""

import pytest
from django.contrib import admin
from django.test import Client

from accounts.permissions import LeagueRoleAdmin
from accounts.roles import ADMINISTRATOR, EDITOR, VIEWER
from config.models import Configuration
from conftest import make_user
from graphics.models import Graphic
from tournaments import services
from tournaments.models import Placement, Round, Tournament
from tournaments.tests.builders import tournament_with_members

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


def staff(role: str | None, name: str | None = None, **fields) -> Client:
    fields.setdefault("is_staff", True)
    user = make_user(name or f"staff-{(role or 'none').lower()}", role, **fields)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def league():
    tournament, _ = tournament_with_members(16, name="Winter Cup")
    graphic = Graphic.objects.create(title="Standings", data_json={"elements": []})
    setting = Configuration.objects.create(key="stream.title", value="GAL", category="stream")
    staff_member = make_user("sam-staff", ADMINISTRATOR, is_staff=True)
    return tournament, graphic, setting, staff_member


TOURNAMENT_FORM = {"name": "Winter Cup", "description": "", "status": "in_progress", "guild_id": "",
                   "scoring": "{}", "registrations-TOTAL_FORMS": "0", "registrations-INITIAL_FORMS": "0"}


def test_every_admin_page_and_inline_follows_the_league_roles():
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, LeagueRoleAdmin), model._meta.label
        for inline in model_admin.inlines:
            assert issubclass(inline, LeagueRoleAdmin), f"{model._meta.label} {inline.__name__}"


def test_a_viewer_reads_every_league_page_and_changes_nothing(league):
    tournament, graphic, setting, staff_member = league
    viewer = staff(VIEWER)

    index = viewer.get("/admin/").content.decode()
    assert "Tournaments" in index and "Graphics" in index and "Configurations" in index
    assert "Groups" not in index and "Auth logs" not in index
    for url in ("/admin/tournaments/tournament/", f"/admin/tournaments/tournament/{tournament.pk}/change/",
                f"/admin/tournaments/tournament/{tournament.pk}/standings/", "/admin/tournaments/round/",
                "/admin/graphics/graphic/", f"/admin/config/configuration/{setting.pk}/change/",
                "/admin/accounts/user/"):
        assert viewer.get(url).status_code == 200, url
    page = viewer.get(f"/admin/tournaments/tournament/{tournament.pk}/change/").content.decode()
    assert 'name="_save"' not in page and "Create the next round" not in page

    refused = [
        viewer.post(f"/admin/tournaments/tournament/{tournament.pk}/change/", {**TOURNAMENT_FORM, "name": "X"}),
        viewer.post(f"/admin/tournaments/tournament/{tournament.pk}/rounds/next/"),
        viewer.get("/admin/tournaments/tournament/add/"),
        viewer.post(f"/admin/config/configuration/{setting.pk}/delete/", {"post": "yes"}),
        viewer.get("/admin/auth/group/"),
        viewer.get("/admin/accounts/authlog/"),
        viewer.get(f"/admin/accounts/user/{staff_member.pk}/password/"),
    ]
    assert [response.status_code for response in refused] == [403] * len(refused)
    tournament.refresh_from_db()
    assert tournament.name == "Winter Cup" and not Round.objects.exists()
    assert Configuration.objects.filter(pk=setting.pk).exists()


def test_an_editor_runs_a_tournament_but_does_not_manage_staff(league):
    tournament, graphic, setting, staff_member = league
    editor = staff(EDITOR)

    saved = editor.post(f"/admin/tournaments/tournament/{tournament.pk}/change/",
                        {**TOURNAMENT_FORM, "name": "Winter Cup Finals"})
    assert saved.status_code == 302
    assert editor.post(f"/admin/tournaments/tournament/{tournament.pk}/rounds/next/").status_code == 302
    assert editor.post(f"/admin/tournaments/tournament/{tournament.pk}/rounds/1/seed/").status_code == 302
    assert editor.get("/admin/tournaments/tournament/add/").status_code == 200
    changed = editor.post(f"/admin/config/configuration/{setting.pk}/change/",
                          {"key": "stream.title", "category": "stream", "description": "", "value": '"GAL Finals"'})
    assert changed.status_code == 302
    assert editor.get(f"/admin/graphics/graphic/{graphic.pk}/change/").status_code == 200

    tournament.refresh_from_db()
    setting.refresh_from_db()
    assert tournament.name == "Winter Cup Finals" and setting.value == "GAL Finals"
    assert Round.objects.get(tournament=tournament).lobbies.count() == 2

    refused = [
        editor.get("/admin/accounts/user/add/"),
        editor.post(f"/admin/accounts/user/{staff_member.pk}/change/", {"username": "sam", "is_superuser": "on"}),
        editor.get(f"/admin/accounts/user/{staff_member.pk}/password/"),
        editor.get("/admin/auth/group/"),
        editor.get("/admin/accounts/authlog/"),
        editor.get("/admin/token_blacklist/outstandingtoken/"),
        editor.post(f"/admin/graphics/graphic/{graphic.pk}/delete/", {"post": "yes"}),  # permanent: A
    ]
    assert [response.status_code for response in refused] == [403] * len(refused)
    assert Graphic.objects.filter(pk=graphic.pk).exists()
    assert editor.get("/admin/accounts/user/").status_code == 200  # registrations pick members


def test_an_administrator_manages_staff_and_roles(league):
    *_, staff_member = league
    administrator = staff(ADMINISTRATOR, name="ada-admin")
    for url in ("/admin/auth/group/", "/admin/accounts/authlog/", "/admin/accounts/user/add/",
                f"/admin/accounts/user/{staff_member.pk}/change/", "/admin/token_blacklist/outstandingtoken/"):
        assert administrator.get(url).status_code == 200, url


def test_staff_without_a_league_role_see_an_empty_admin(league):
    tournament, *_ = league
    nobody = staff(None)

    assert nobody.get("/admin/").status_code == 200
    assert "Tournaments" not in nobody.get("/admin/").content.decode()
    assert nobody.get("/admin/tournaments/tournament/").status_code == 403
    assert Tournament.objects.filter(pk=tournament.pk).exists()


def test_a_league_role_without_staff_status_cannot_log_into_the_admin(league):
    editor = staff(EDITOR, is_staff=False)

    response = editor.get("/admin/tournaments/tournament/")

    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_viewer_reads_a_lobby_results_form_but_cannot_save_it(league):
    tournament, *_ = league
    services.round_create(tournament_id=tournament.pk)
    round_ = services.lobbies_seed(tournament_id=tournament.pk, number=1)
    seated = round_.lobbies.get(number=1).seats.first().user
    viewer = staff(VIEWER)
    url = f"/admin/tournaments/round/{round_.pk}/results/?lobby=1"

    page = viewer.get(url).content.decode()
    refused = viewer.post(url, {"lobby": "1", "player_1": str(seated.pk), "placement_1": "1"})

    assert seated.player_name in page and "disabled" in page and "Save results" not in page
    assert refused.status_code == 403
    assert not Placement.objects.exists()
