"""Every answer of the API matches the OpenAPI schema it publishes.

The root conftest holds every answer the test client gets against the schema
(`core/tests/openapi_answers.py`), so each API test also checks the shape of what it was
answered. Here every GET route is called once on the demo data, and the checker is shown to
catch an answer that breaks the schema.
"""

import httpx
import pytest
from django.core.management import call_command

from accounts import riot
from accounts.models import User
from config import services as config_services
from core.tests import openapi_answers
from graphics.models import Graphic
from tournaments import services as tournament_services
from tournaments.demo import demo_tournament_id
from tournaments.models import Tournament
from tournaments.tests.placement_builders import bot_body, lobby_names, seeded_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(admin_user, admin_api, settings, monkeypatch):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    tournament_id = demo_tournament_id()
    snapshot = tournament_services.snapshot_create(tournament_id=tournament_id, by=admin_user)
    config_services.configuration_create(key="overlay.theme", value={"accent": "#c89b3c"},
                                         category="overlays")
    member = User.objects.get(username="demo-aurelion")
    tournament = Tournament.objects.get(pk=tournament_id)
    round_ = seeded_round(tournament, 3)
    submission = admin_api.post("/api/v1/placements/submissions", bot_body(
        tournament, lobby_names(round_, 1), round_name="round_3", confidence=50), format="json")
    assert submission.status_code == 201, submission.content
    settings.RIOT_API_KEY = "test-riot-key"
    account = {"puuid": "p" * 78, "gameName": "Faker", "tagLine": "KR1"}
    monkeypatch.setattr(riot, "_client", riot.RiotClient(
        api_key="test-riot-key", timeout=2, cache_ttl=60,
        transport=httpx.MockTransport(lambda request: httpx.Response(200, json=account))))
    return {
        "graphic_id": Graphic.objects.order_by("id").values_list("id", flat=True).first(),
        "tournament_id": tournament_id, "number": 1, "snapshot_id": snapshot.pk,
        "key": "overlay.theme", "category": "overlays",
        "user_id": member.pk, "discord_id": member.discord_id,
        "round_name": "round_3", "submission_id": submission.json()["id"],
    }


# Routes whose required query parameters have no default.
QUERIES = {"/api/v1/ign-verification/verify": "?ign=Faker%23KR1&region=kr",
           "/api/v1/placements/players/search": "?q=Aur"}


def test_every_get_route_answers_what_the_schema_says(admin_api, demo):
    paths = [path for method, path in openapi_answers.operations() if method == "GET"]
    assert len(paths) > 30  # the schema is read, not empty

    for templated in paths:
        path = templated.format(**demo) + QUERIES.get(templated, "")
        response = admin_api.get(path)  # the root conftest checks the answer against the schema

        assert response.status_code == 200, f"GET {path}: {response.status_code} {response.content[:300]}"
        assert openapi_answers.check("GET", path, response.status_code, response.content,
                                     response["Content-Type"]), f"GET {path} was not checked"


def test_an_answer_that_breaks_the_schema_is_caught():
    broken = b'{"status": "healthy", "timestamp": "2026-12-04T10:00:00+00:00", "checks": {}}'

    with pytest.raises(openapi_answers.AnswerBreaksSchema, match="version"):
        openapi_answers.check("GET", "/health", 200, broken, "application/json")
    # The same answer with its `version` passes.
    whole = broken.replace(b'"checks"', b'"version": "1.0.0", "checks"')
    assert openapi_answers.check("GET", "/health", 200, whole, "application/json")
