import pytest

from tournaments.demo import seed
from tournaments.models import Tournament
from tournaments.selectors import standings_for

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_shows_standings(admin_user):
    lines = seed(admin_user, base_url="http://127.0.0.1:8000")
    assert seed(admin_user, base_url="http://127.0.0.1:8000") == lines
    tournament = Tournament.objects.get(name="GAL Demo Cup")
    standings = standings_for(tournament_id=tournament.id)
    assert standings["round_names"] == ["round_1", "round_2"]
    assert len(standings["standings"]) == 16
    assert sum(row["total_points"] for row in standings["standings"]) == 2 * 2 * 36
    assert any(str(tournament.id) in line for line in lines)
