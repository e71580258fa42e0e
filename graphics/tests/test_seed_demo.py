from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from graphics.models import Graphic
from tournaments.models import Tournament

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_prints_how_to_log_in(settings):
    settings.DASHBOARD_MASTER_PASSWORD = "printed-master"
    first, second = StringIO(), StringIO()

    call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=second)

    assert User.objects.filter(username="admin", is_superuser=True).count() == 1
    assert Graphic.objects.count() == 2
    assert Tournament.objects.count() == 1
    board = Graphic.objects.get(title="Demo: standings board")
    assert board.tournament == Tournament.objects.get()
    printed = first.getvalue()
    assert "admin / galdash-admin" in printed
    assert "printed-master" in printed
    assert f"/overlay/{board.id}/?key={board.overlay_key}" in printed
    assert "unchanged" in second.getvalue()
