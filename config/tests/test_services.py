import pytest
from django.core.exceptions import ValidationError

from config import services
from config.models import Configuration
from config.tests.conftest import make_configuration
from core.errors import Conflict, NotFound, PayloadTooLarge

pytestmark = pytest.mark.django_db


def test_create_stores_the_entry_and_tells_the_dashboard(django_capture_on_commit_callbacks,
                                                         events):
    with django_capture_on_commit_callbacks(execute=True):
        services.configuration_create(key="overlay.theme", value={"accent": "#ff0"},
                                      description="Overlay colours", category="overlay")

    stored = Configuration.objects.get(key="overlay.theme")
    assert (stored.value, stored.description, stored.category) == (
        {"accent": "#ff0"}, "Overlay colours", "overlay")
    [event] = events.received()
    assert event["type"] == "configuration_update"
    assert event["data"] == {"action": "created", "key": "overlay.theme",
                             "value": {"accent": "#ff0"}, "description": "Overlay colours",
                             "category": "overlay"}


@pytest.mark.parametrize("value", [None, 0, 1.5, "text", [], [1, "two"], {"a": {"b": None}}, True])
def test_any_json_value_round_trips(value):
    services.configuration_create(key="anything", value=value)

    assert Configuration.objects.get(key="anything").value == value


@pytest.mark.parametrize("key", ["has space", "slash/key", "", "dot.", ".dot", "a..b", "ключ",
                                 "x" * 101, "bulk-update", "category"])
def test_a_key_that_is_not_a_slug_is_refused_and_nothing_is_stored(key):
    with pytest.raises(ValidationError) as error:
        services.configuration_create(key=key, value=1)

    assert "key" in error.value.message_dict
    assert not Configuration.objects.exists()


def test_a_value_that_is_not_json_is_refused():
    with pytest.raises(ValidationError) as error:
        services.configuration_create(key="bad", value=float("nan"))

    assert "not JSON" in error.value.message_dict["value"][0]
    assert not Configuration.objects.exists()


def test_a_value_over_one_megabyte_is_refused():
    with pytest.raises(PayloadTooLarge):
        services.configuration_create(key="big", value="x" * (1024 * 1024))

    assert not Configuration.objects.exists()


def test_a_bad_category_is_refused():
    with pytest.raises(ValidationError) as error:
        services.configuration_create(key="k", value=1, category="no spaces")

    assert "category" in error.value.message_dict


def test_creating_an_existing_key_is_a_conflict_and_keeps_the_stored_value():
    make_configuration("theme", "dark")

    with pytest.raises(Conflict):
        services.configuration_create(key="theme", value="light")

    assert Configuration.objects.get(key="theme").value == "dark"


def test_update_changes_only_what_it_is_given(django_capture_on_commit_callbacks,
                                              events):
    make_configuration("theme", "dark", category="overlay", description="Colour scheme")

    with django_capture_on_commit_callbacks(execute=True):
        services.configuration_update(key="theme", value="light")

    stored = Configuration.objects.get(key="theme")
    assert (stored.value, stored.category, stored.description) == ("light", "overlay",
                                                                  "Colour scheme")
    [event] = events.received()
    assert event["data"]["action"] == "updated"
    assert event["data"]["value"] == "light"


def test_update_can_set_a_value_to_null():
    make_configuration("sponsor", {"name": "Acme"})

    services.configuration_update(key="sponsor", value=None)

    assert Configuration.objects.get(key="sponsor").value is None


def test_update_of_an_unknown_key_is_not_found():
    with pytest.raises(NotFound, match="'missing' not found"):
        services.configuration_update(key="missing", value=1)


def test_update_with_nothing_to_change_is_refused():
    make_configuration("theme", "dark")

    with pytest.raises(ValidationError, match="at least one"):
        services.configuration_update(key="theme")


def test_delete_removes_the_entry_and_tells_the_dashboard(django_capture_on_commit_callbacks,
                                                          events):
    make_configuration("theme", "dark")

    with django_capture_on_commit_callbacks(execute=True):
        services.configuration_delete(key="theme")

    assert not Configuration.objects.exists()
    [event] = events.received()
    assert event["data"] == {"action": "deleted", "key": "theme", "value": None,
                             "description": "", "category": "general"}


def test_delete_of_an_unknown_key_is_not_found():
    with pytest.raises(NotFound):
        services.configuration_delete(key="missing")


def test_bulk_update_applies_each_key_on_its_own(django_capture_on_commit_callbacks,
                                                 events):
    make_configuration("a", 1)
    make_configuration("b", 2)

    with django_capture_on_commit_callbacks(execute=True):
        result = services.configuration_bulk_update(
            values=[("a", 10), ("missing", 5), ("b", float("inf"))])

    assert result["total_updated"] == 1
    assert result["total_errors"] == 2
    assert result["updated"] == [{"key": "a", "success": True, "data": {
        "key": "a", "value": 10, "description": "", "category": "general"}}]
    assert result["errors"][0] == {"key": "missing", "success": False,
                                   "error": "Configuration 'missing' not found."}
    assert result["errors"][1]["key"] == "b"
    assert "not JSON" in result["errors"][1]["error"]
    assert dict(Configuration.objects.values_list("key", "value")) == {"a": 10, "b": 2}
    assert [event["data"]["key"] for event in events.received()] == ["a"]


def test_nothing_is_sent_when_the_write_fails(django_capture_on_commit_callbacks,
                                              events):
    make_configuration("theme", "dark")

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(Conflict):
            services.configuration_create(key="theme", value="light")

    assert events.received() == []
