import html
import json

import pytest

from config.models import Configuration
from config.tests.conftest import make_configuration

pytestmark = pytest.mark.django_db

ADD = "/admin/config/configuration/add/"


@pytest.fixture(autouse=True)
def _static_files_without_collectstatic(settings):
    # The production storage needs `collectstatic` first; admin pages link static files.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


def change_url(configuration: Configuration) -> str:
    return f"/admin/config/configuration/{configuration.pk}/change/"


def test_adding_an_entry_saves_it_through_the_services(staff, django_capture_on_commit_callbacks,
                                                       events):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(ADD, {"key": "overlay.theme", "category": "overlay",
                                    "description": "Colours",
                                    "value": '{"accent": "#ff0", "sizes": [1, 2]}'})

    assert response.status_code == 302
    stored = Configuration.objects.get(key="overlay.theme")
    assert stored.value == {"accent": "#ff0", "sizes": [1, 2]}
    [event] = events.received()
    assert event["data"]["action"] == "created"


def test_json_that_does_not_parse_is_shown_as_a_form_error(staff):
    response = staff.post(ADD, {"key": "theme", "category": "general", "description": "",
                                "value": '{"accent": '})

    assert response.status_code == 200
    assert "This is not valid JSON" in response.context["adminform"].form.errors["value"][0]
    assert '{"accent": ' in html.unescape(response.content.decode())  # kept for fixing
    assert not Configuration.objects.exists()


def test_empty_value_and_bad_key_are_form_errors(staff):
    response = staff.post(ADD, {"key": "has space", "category": "general", "description": "",
                                "value": "  "})

    errors = response.context["adminform"].form.errors
    assert "is not a valid key" in errors["key"][0]
    assert "Enter a JSON value" in errors["value"][0]
    assert not Configuration.objects.exists()


def test_a_duplicate_key_is_a_form_error(staff):
    make_configuration("theme", "dark")

    response = staff.post(ADD, {"key": "theme", "category": "general", "description": "",
                                "value": '"light"'})

    assert response.status_code == 200
    assert "key" in response.context["adminform"].form.errors
    assert Configuration.objects.get(key="theme").value == "dark"


def test_changing_an_entry_shows_pretty_json_and_saves_through_the_services(
        staff, django_capture_on_commit_callbacks, events):
    configuration = make_configuration("theme", {"accent": "#ff0"})

    page = staff.get(change_url(configuration))
    assert json.dumps({"accent": "#ff0"}, indent=2) in html.unescape(page.content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(change_url(configuration), {
            "category": "overlay", "description": "Colours", "value": "null"})

    assert response.status_code == 302
    configuration.refresh_from_db()
    assert (configuration.value, configuration.category) == (None, "overlay")
    [event] = events.received()
    assert event["data"]["action"] == "updated"


def test_deleting_from_the_changelist_goes_through_the_services(
        staff, django_capture_on_commit_callbacks, events):
    first, second = make_configuration("a", 1), make_configuration("b", 2)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post("/admin/config/configuration/", {
            "action": "delete_selected", "_selected_action": [first.pk, second.pk],
            "post": "yes"})

    assert response.status_code == 302
    assert not Configuration.objects.exists()
    assert sorted(event["data"]["key"] for event in events.received()) == ["a", "b"]


def test_changelist_uses_a_fixed_number_of_queries(staff, django_assert_max_num_queries):
    for number in range(30):
        make_configuration(f"key-{number}", {"n": number}, category=f"c{number % 3}")

    with django_assert_max_num_queries(8):
        response = staff.get("/admin/config/configuration/")

    assert response.status_code == 200
    assert "key-29" in response.content.decode()


def test_deleting_one_entry_goes_through_the_services(staff, django_capture_on_commit_callbacks,
                                                      events):
    configuration = make_configuration("theme", "dark")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/admin/config/configuration/{configuration.pk}/delete/",
                              {"post": "yes"})

    assert response.status_code == 302
    assert not Configuration.objects.exists()
    [event] = events.received()
    assert event["data"] == {"action": "deleted", "key": "theme", "value": None,
                             "description": "", "category": "general"}
