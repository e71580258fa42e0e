"""Riot ID verification against a fake Riot (httpx.MockTransport); no test touches the network."""

import time

import httpx
import pytest

from accounts import riot
from accounts.models import User
from conftest import make_user

pytestmark = pytest.mark.django_db

VERIFY = "/api/v1/ign-verification/verify"
PUUID = "p" * 78


class FakeRiot:
    """Answers like Riot's account-v1 and records every request it gets."""

    def __init__(self):
        self.requests: list[httpx.Request] = []
        self.accounts = {("faker", "kr1"): {"puuid": PUUID, "gameName": "Faker", "tagLine": "KR1"}}
        self.reply: httpx.Response | Exception | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if isinstance(self.reply, Exception):
            raise self.reply
        if self.reply is not None:
            return self.reply
        *_, game_name, tag_line = request.url.path.split("/")
        account = self.accounts.get((game_name.lower(), tag_line.lower()))
        if account is None:
            return httpx.Response(404, json={"status": {"status_code": 404,
                                                        "message": "Data not found"}})
        return httpx.Response(200, json=account)


@pytest.fixture
def fake_riot(settings, monkeypatch):
    settings.RIOT_API_KEY = "test-riot-key"
    fake = FakeRiot()
    client = riot.RiotClient(api_key="test-riot-key", timeout=2, cache_ttl=60,
                             transport=httpx.MockTransport(fake))
    monkeypatch.setattr(riot, "_client", client)
    return fake


def test_a_riot_id_that_exists_is_valid(viewer_api, fake_riot):
    response = viewer_api.post(VERIFY, {"ign": "Faker#KR1", "region": "kr"}, format="json")

    assert response.status_code == 200
    assert response.json() == {
        "is_valid": True,
        "message": "Faker#KR1 is a Riot account.",
        "riot_data": {"puuid": PUUID, "gameName": "Faker", "tagLine": "KR1", "region": "kr",
                      "routing": "asia"},
        "puuid": PUUID,
        "riot_id": "Faker#KR1",
        "region": "kr",
        "cached": False,
        "user_id": None,
        "summoner_id": None,
        "account_id": None,
        "rank": None,
        "level": None,
    }
    [request] = fake_riot.requests
    assert str(request.url) == ("https://asia.api.riotgames.com/riot/account/v1/accounts/"
                                "by-riot-id/Faker/KR1")
    assert request.headers["X-Riot-Token"] == "test-riot-key"


def test_get_takes_the_same_input_from_the_query(viewer_api, fake_riot):
    response = viewer_api.get(VERIFY, {"ign": "faker#kr1", "region": "KR"})

    assert response.status_code == 200
    assert response.json()["is_valid"] is True
    assert response.json()["riot_id"] == "Faker#KR1"  # as Riot spells it


@pytest.mark.parametrize(("region", "host"), [
    ("na", "americas"), ("br", "americas"), ("lan", "americas"), ("las", "americas"),
    ("euw", "europe"), ("eune", "europe"), ("tr", "europe"), ("ru", "europe"),
    ("kr", "asia"), ("jp", "asia"),
    ("oce", "asia"),  # routed to sea, which has no account API: asked on asia
])
def test_each_region_asks_its_regional_route(viewer_api, fake_riot, region, host):
    viewer_api.get(VERIFY, {"ign": "Faker#KR1", "region": region})

    assert fake_riot.requests[-1].url.host == f"{host}.api.riotgames.com"


def test_region_defaults_to_na(viewer_api, fake_riot):
    response = viewer_api.get(VERIFY, {"ign": "Faker#KR1"})

    assert response.json()["region"] == "na"
    assert fake_riot.requests[-1].url.host == "americas.api.riotgames.com"


def test_names_with_spaces_and_accents_are_sent_encoded(viewer_api, fake_riot):
    viewer_api.get(VERIFY, {"ign": "Mé Gusta#EUW", "region": "euw"})

    assert fake_riot.requests[-1].url.raw_path.decode().endswith("/by-riot-id/M%C3%A9%20Gusta/EUW")


def test_a_riot_id_that_does_not_exist_is_not_valid(viewer_api, fake_riot):
    response = viewer_api.post(VERIFY, {"ign": "Nobody#0000", "region": "euw"}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["is_valid"] is False
    assert body["message"] == "No Riot account is named Nobody#0000."
    assert body["riot_data"] is None
    assert body["puuid"] is None


def test_answers_are_cached_found_or_not(viewer_api, fake_riot):
    viewer_api.get(VERIFY, {"ign": "Faker#KR1", "region": "kr"})
    viewer_api.get(VERIFY, {"ign": "Nobody#0000", "region": "kr"})

    again = viewer_api.get(VERIFY, {"ign": "FAKER#kr1", "region": "kr"})
    missing_again = viewer_api.get(VERIFY, {"ign": "Nobody#0000", "region": "kr"})

    assert len(fake_riot.requests) == 2
    assert again.json()["cached"] is True
    assert again.json()["puuid"] == PUUID
    assert missing_again.json()["is_valid"] is False


def test_a_cached_answer_expires_after_the_ttl(fake_riot):
    client = riot.RiotClient(api_key="k", timeout=2, cache_ttl=1,
                             transport=httpx.MockTransport(fake_riot))
    riot_id = riot.RiotId.parse("Faker#KR1")

    client.verify(riot_id=riot_id, region="kr")
    assert client.verify(riot_id=riot_id, region="kr")["cached"] is True
    assert client.stats()["expired_cached"] == 0
    time.sleep(1.1)
    assert client.stats()["expired_cached"] == 1

    assert client.verify(riot_id=riot_id, region="kr")["cached"] is False
    assert client.stats()["expired_cached"] == 0
    assert len(fake_riot.requests) == 2


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_api_key_is_503(viewer_api, fake_riot, status):
    fake_riot.reply = httpx.Response(status, json={"status": {"message": "Forbidden"}})

    response = viewer_api.get(VERIFY, {"ign": "Faker#KR1", "region": "kr"})

    assert response.status_code == 503
    assert response.json()["code"] == "riot_bad_api_key"
    assert "bad Riot API key" in response.json()["detail"]


def test_riots_rate_limit_is_503_with_retry_after(viewer_api, fake_riot):
    fake_riot.reply = httpx.Response(429, headers={"Retry-After": "7"})

    response = viewer_api.get(VERIFY, {"ign": "Faker#KR1", "region": "kr"})

    assert response.status_code == 503
    assert response["Retry-After"] == "7"
    assert response.json() == {"detail": "Riot's rate limit is reached; try again in 7 s.",
                               "code": "riot_rate_limited"}


def test_a_rate_limit_without_retry_after_still_says_when(viewer_api, fake_riot):
    fake_riot.reply = httpx.Response(429)

    response = viewer_api.get(VERIFY, {"ign": "Faker#KR1", "region": "kr"})

    assert response.status_code == 503
    assert response["Retry-After"] == "1"


def test_a_timeout_is_504(viewer_api, fake_riot):
    fake_riot.reply = httpx.ReadTimeout("slow")

    response = viewer_api.get(VERIFY, {"ign": "Faker#KR1", "region": "kr"})

    assert response.status_code == 504
    assert response.json() == {"detail": "Riot did not answer within 2 s; try again.",
                               "code": "riot_timeout"}


def test_riot_out_of_reach_is_503(viewer_api, fake_riot):
    fake_riot.reply = httpx.ConnectError("no route to host")

    response = viewer_api.get(VERIFY, {"ign": "Faker#KR1", "region": "kr"})

    assert response.status_code == 503
    assert response.json()["code"] == "riot_unreachable"


def test_a_riot_server_error_is_503(viewer_api, fake_riot):
    fake_riot.reply = httpx.Response(502, text="Bad gateway")

    response = viewer_api.get(VERIFY, {"ign": "Faker#KR1", "region": "kr"})

    assert response.status_code == 503
    assert response.json()["detail"] == "Riot answered with status 502; try again later."


@pytest.mark.parametrize("reply", [
    httpx.Response(200, text="<html>maintenance</html>"),
    httpx.Response(200, json=["not", "an", "account"]),
    httpx.Response(200, json={"gameName": "Faker", "tagLine": "KR1"}),
    httpx.Response(200, json={"puuid": 12, "gameName": "Faker", "tagLine": "KR1"}),
])
def test_a_malformed_riot_answer_is_503_and_not_cached(viewer_api, fake_riot, reply):
    fake_riot.reply = reply

    response = viewer_api.get(VERIFY, {"ign": "Faker#KR1", "region": "kr"})

    assert response.status_code == 503
    assert response.json()["code"] == "riot_bad_answer"
    fake_riot.reply = None
    assert viewer_api.get(VERIFY, {"ign": "Faker#KR1", "region": "kr"}).json()["is_valid"]


def test_errors_are_not_cached(viewer_api, fake_riot):
    fake_riot.reply = httpx.Response(500)
    viewer_api.get(VERIFY, {"ign": "Faker#KR1", "region": "kr"})
    fake_riot.reply = None

    response = viewer_api.get(VERIFY, {"ign": "Faker#KR1", "region": "kr"})

    assert response.json()["is_valid"] is True
    assert response.json()["cached"] is False


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"ign": "Faker", "region": "kr"}, "ign", "write it as gameName#tagLine"),
    ({"ign": "Fa#ker#KR1", "region": "kr"}, "ign", "write it as gameName#tagLine"),
    ({"ign": "F" * 30 + "#KR1", "region": "kr"}, "ign", "at most 32 characters"),
    ({"ign": "F" * 17 + "#KR1", "region": "kr"}, "ign", "3 to 16 characters"),
    ({"ign": "Faker#K", "region": "kr"}, "ign", "3 to 5 letters or digits"),
    ({"ign": "Faker#KR-1", "region": "kr"}, "ign", "3 to 5 letters or digits"),
    ({"ign": "Faker#KR1", "region": "mars"}, "region", "Unknown region 'mars'"),
    ({"region": "kr"}, "ign", "required"),
])
def test_bad_input_is_400_and_riot_is_not_asked(viewer_api, fake_riot, body, field, message):
    response = viewer_api.post(VERIFY, body, format="json")

    assert response.status_code == 400
    assert message in response.json()["errors"][field][0]
    assert fake_riot.requests == []


def test_verifying_a_member_stores_riot_id_and_puuid(editor_api, fake_riot,
                                                     django_capture_on_commit_callbacks):
    member = make_user("player-1", discord_id="123456789")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = editor_api.post(VERIFY, {"ign": "faker#kr1", "region": "kr",
                                            "user_id": member.pk}, format="json")

    assert response.status_code == 200
    assert response.json()["user_id"] == member.pk
    member.refresh_from_db()
    assert (member.riot_id, member.puuid) == ("Faker#KR1", PUUID)
    assert len(callbacks) == 1


def test_a_member_can_be_named_by_discord_id(editor_api, fake_riot):
    member = make_user("player-1", discord_id="123456789")

    response = editor_api.get(VERIFY, {"ign": "Faker#KR1", "region": "kr",
                                       "discord_id": "123456789"})

    assert response.json()["user_id"] == member.pk
    assert User.objects.get(pk=member.pk).puuid == PUUID


def test_a_riot_id_that_does_not_exist_is_not_stored(editor_api, fake_riot):
    member = make_user("player-1", riot_id="Old#NA1", puuid="old-puuid")

    response = editor_api.post(VERIFY, {"ign": "Nobody#0000", "user_id": member.pk},
                               format="json")

    assert response.json()["is_valid"] is False
    assert response.json()["user_id"] is None
    member.refresh_from_db()
    assert (member.riot_id, member.puuid) == ("Old#NA1", "old-puuid")


def test_an_unknown_member_is_404_before_riot_is_asked(editor_api, fake_riot):
    response = editor_api.post(VERIFY, {"ign": "Faker#KR1", "discord_id": "999"}, format="json")

    assert response.status_code == 404
    assert response.json()["detail"] == "No league member with Discord id 999."
    assert fake_riot.requests == []


def test_naming_a_member_twice_is_400(editor_api, fake_riot):
    member = make_user("player-1", discord_id="123")

    response = editor_api.post(VERIFY, {"ign": "Faker#KR1", "user_id": member.pk,
                                        "discord_id": "123"}, format="json")

    assert response.status_code == 400
    assert "not both" in response.json()["detail"]


def test_a_riot_account_already_linked_to_another_member_is_409(editor_api, fake_riot):
    make_user("player-1", riot_id="Faker#KR1", puuid=PUUID)
    other = make_user("player-2")

    response = editor_api.post(VERIFY, {"ign": "Faker#KR1", "region": "kr",
                                        "user_id": other.pk}, format="json")

    assert response.status_code == 409
    assert User.objects.get(pk=other.pk).puuid == ""


def test_a_viewer_may_check_but_not_store(viewer_api, fake_riot):
    member = make_user("player-1")

    response = viewer_api.post(VERIFY, {"ign": "Faker#KR1", "user_id": member.pk},
                               format="json")

    assert response.status_code == 403
    assert User.objects.get(pk=member.pk).puuid == ""
    assert fake_riot.requests == []


def test_verification_needs_a_token(api_client, fake_riot):
    assert api_client.get(VERIFY, {"ign": "Faker#KR1"}).status_code == 401


def test_stats_count_the_cache(viewer_api, fake_riot):
    viewer_api.get(VERIFY, {"ign": "Faker#KR1", "region": "kr"})
    viewer_api.get(VERIFY, {"ign": "Faker#KR1", "region": "kr"})
    viewer_api.get(VERIFY, {"ign": "Nobody#0000", "region": "kr"})

    response = viewer_api.get("/api/v1/ign-verification/stats")

    assert response.status_code == 200
    assert response.json() == {"total_cached": 2, "valid_cached": 1, "expired_cached": 0,
                               "recent_verifications": 3, "cache_ttl_seconds": 60}


def test_health_and_regions(viewer_api, fake_riot):
    health = viewer_api.get("/api/v1/ign-verification/health")
    regions = viewer_api.get("/api/v1/ign-verification/regions")

    assert health.json() == {"status": "healthy", "service": "ign_verification",
                             "message": "Riot ID verification is configured."}
    body = regions.json()
    assert body["default"] == "na"
    assert set(body["regions"]) == {"na", "euw", "eune", "kr", "jp", "br", "lan", "las", "oce",
                                    "tr", "ru"}
    assert body["routing"]["oce"] == "sea"
    assert fake_riot.requests == []


@pytest.mark.parametrize("path", ["verify?ign=Faker%23KR1", "stats", "health", "regions"])
def test_without_an_api_key_every_route_is_503(viewer_api, settings, path):
    settings.RIOT_API_KEY = ""

    response = viewer_api.get(f"/api/v1/ign-verification/{path}")

    assert response.status_code == 503
    assert response.json() == {
        "detail": "Riot ID verification is disabled: RIOT_API_KEY is not set on this server.",
        "code": "verification_disabled"}


def test_without_an_api_key_a_post_is_503_too(editor_api, settings):
    settings.RIOT_API_KEY = ""

    response = editor_api.post(VERIFY, {"ign": "Faker#KR1"}, format="json")

    assert response.status_code == 503


def test_the_event_names_the_member(editor_api, fake_riot, events,
                                    django_capture_on_commit_callbacks):
    member = make_user("player-1", discord_id="42")

    with django_capture_on_commit_callbacks(execute=True):
        editor_api.post(VERIFY, {"ign": "Faker#KR1", "user_id": member.pk}, format="json")

    assert events.of_type("user_update") == [{
        "action": "riot_verified", "id": member.pk, "discord_id": "42", "riot_id": "Faker#KR1",
        "puuid": PUUID}]


def test_the_routes_are_in_the_openapi_schema(api_client):
    paths = api_client.get("/openapi.json").json()["paths"]

    assert set(paths["/api/v1/ign-verification/verify"]) == {"get", "post"}
    for route in ("stats", "health", "regions"):
        assert set(paths[f"/api/v1/ign-verification/{route}"]) == {"get"}
