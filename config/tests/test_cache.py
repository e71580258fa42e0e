"""`config.get` serves a per-process cache that every write, in any process, invalidates."""

import httpx
import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings

import config
from config import selectors, services
from config.models import Configuration
from config.tests.conftest import make_configuration
from conftest import access_token, make_user

# Outside a transaction only: inside one, reads go to the database by design.
pytestmark = pytest.mark.django_db(transaction=True)


def test_get_answers_the_value_or_the_default():
    make_configuration("round_length", 30)

    assert config.get("round_length") == 30
    assert config.get("missing") is None
    assert config.get("missing", "fallback") == "fallback"


def test_a_second_read_does_not_touch_the_database(django_assert_num_queries):
    make_configuration("round_length", 30)
    config.get("round_length")

    with django_assert_num_queries(0):
        assert config.get("round_length") == 30
        assert config.get("other", 1) == 1


def test_a_write_through_the_services_is_read_back_at_once():
    make_configuration("theme", "dark")
    assert config.get("theme") == "dark"

    services.configuration_update(key="theme", value="light")
    assert config.get("theme") == "light"

    services.configuration_create(key="logo", value="/logo.png")
    assert config.get("logo") == "/logo.png"

    services.configuration_delete(key="theme")
    assert config.get("theme") is None


def test_a_write_in_another_process_makes_this_one_reload():
    make_configuration("theme", "dark")
    assert config.get("theme") == "dark"
    # Another process writes the row and moves the shared version token.
    Configuration.objects.filter(key="theme").update(value="light")
    assert config.get("theme") == "dark"  # still this process's cached copy

    cache.set(selectors.VERSION_KEY, "moved-by-another-process", timeout=None)

    assert config.get("theme") == "light"


def test_a_flushed_shared_cache_makes_every_process_reload():
    make_configuration("theme", "dark")
    config.get("theme")
    Configuration.objects.filter(key="theme").update(value="light")

    cache.clear()

    assert config.get("theme") == "light"


def test_changing_a_returned_value_does_not_change_the_cache():
    make_configuration("colours", {"accent": "#ff0"})

    config.get("colours")["accent"] = "#000"

    assert config.get("colours") == {"accent": "#ff0"}


def test_inside_a_transaction_reads_see_its_own_writes_and_a_rollback_leaves_no_trace():
    make_configuration("theme", "dark")
    assert config.get("theme") == "dark"

    with pytest.raises(RuntimeError):
        with transaction.atomic():
            Configuration.objects.filter(key="theme").update(value="light")
            assert config.get("theme") == "light"
            raise RuntimeError("the write fails")

    assert config.get("theme") == "dark"


@override_settings(CACHES={"default": {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
}})
def test_reads_fall_back_to_the_database_when_the_shared_cache_is_down():
    make_configuration("theme", "dark")

    assert config.get("theme") == "dark"
    services.configuration_update(key="theme", value="light")
    assert config.get("theme") == "light"


@pytest.mark.redis
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL: processes share the "
                    "version token through Redis")
def test_a_write_on_one_server_is_read_at_once_on_another(daphne_server):
    make_configuration("theme", "dark")
    # A superuser needs no role group (transactional tests flush the seeded groups).
    staff = make_user("cfg-admin", is_superuser=True)
    headers = {"Authorization": f"Bearer {access_token(staff)}"}
    first, second = daphne_server("first"), daphne_server("second")

    def read(server) -> object:
        response = httpx.get(f"{server.url}/api/v1/configuration/theme", headers=headers)
        assert response.status_code == 200, response.text
        return response.json()["value"]

    assert read(second) == "dark"
    # Proof that the second server serves from its cache: a change nobody announced is unseen.
    Configuration.objects.filter(key="theme").update(value="unannounced")
    assert read(second) == "dark"

    response = httpx.put(f"{first.url}/api/v1/configuration/theme", headers=headers,
                         json={"value": "light"})
    assert response.status_code == 200, response.text

    assert read(second) == "light"
    assert read(first) == "light"
