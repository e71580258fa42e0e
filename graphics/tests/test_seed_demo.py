from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from graphics.models import Graphic
from tournaments.models import Placement, Tournament

pytestmark = pytest.mark.django_db


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_is_idempotent_and_prints_how_to_log_in(settings):
    settings.DASHBOARD_MASTER_PASSWORD = "printed-master"

    first = seed()
    second = seed()

    assert User.objects.filter(username="admin", is_superuser=True).count() == 1
    assert Graphic.objects.count() == 2
    assert Tournament.objects.count() == 1
    board = Graphic.objects.get(title="Demo: standings board")
    assert board.tournament == Tournament.objects.get()
    assert "admin / galdash-admin" in first
    assert "printed-master" in first
    assert f"http://127.0.0.1:8000/overlay/{board.id}/?key={board.overlay_key}" in first
    assert "unchanged" in second and "make demo-reset" in second


def test_printed_urls_follow_the_host_and_port_the_server_listens_on(settings):
    settings.PUBLIC_BASE_URL = ""

    printed = seed("--host", "0.0.0.0", "--port", "8011")

    board = Graphic.objects.get(title="Demo: standings board")
    assert f"http://127.0.0.1:8011/overlay/{board.id}/?key={board.overlay_key}" in printed
    assert "http://127.0.0.1:8011/admin/" in printed and "http://127.0.0.1:8011/docs" in printed
    assert ":8000" not in printed


def test_reset_starts_the_demo_over_with_the_demo_password():
    seed()
    admin = User.objects.get(username="admin")
    admin.set_password("changed-by-someone")
    admin.save()
    Placement.objects.all().delete()
    old_board = Graphic.objects.get(title="Demo: standings board")

    printed = seed("--reset")

    admin.refresh_from_db()
    assert admin.check_password("galdash-admin") and "admin / galdash-admin" in printed
    assert Placement.objects.count() == 2 * 16
    assert not Graphic.objects.filter(pk=old_board.pk).exists()
    assert Graphic.objects.filter(title="Demo: standings board").count() == 1


def test_demo_standings_board_fits_1920_by_1080():
    seed()
    board = Graphic.objects.get(title="Demo: standings board")
    players = Tournament.objects.get().registrations.count()

    for element in board.data_json["elements"]:
        if element["type"] in {"players", "scores", "placements"}:
            rows = min(players, element["maxRows"])
            assert rows == players  # every demo player is drawn
            assert element["y"] + (rows - 1) * element["spacing"] + element["fontSize"] * 1.3 <= 1080
