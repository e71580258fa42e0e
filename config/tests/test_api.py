import pytest

from config.models import Configuration
from config.tests.conftest import make_configuration

pytestmark = pytest.mark.django_db

URL = "/api/v1/configuration"


def entry(key, value, description="", category="general") -> dict:
    return {"key": key, "value": value, "description": description, "category": category}


@pytest.fixture
def league_configuration(db):
    make_configuration("overlay.theme", {"accent": "#ff0"}, category="overlay",
                       description="Overlay colours")
    make_configuration("round_length", 30, category="tournament")
    make_configuration("sponsor", None, category="overlay")


def test_list_answers_every_entry_ordered_by_category_then_key(viewer_api, league_configuration):
    response = viewer_api.get(URL)

    assert response.status_code == 200
    assert response.json() == {"configurations": [
        entry("overlay.theme", {"accent": "#ff0"}, "Overlay colours", "overlay"),
        entry("sponsor", None, category="overlay"),
        entry("round_length", 30, category="tournament"),
    ], "total": 3}


def test_list_filters_by_category(viewer_api, league_configuration):
    response = viewer_api.get(f"{URL}/?category=tournament")

    assert response.json() == {"configurations": [entry("round_length", 30,
                                                        category="tournament")], "total": 1}


def test_an_empty_category_filter_lists_everything(viewer_api, league_configuration):
    assert viewer_api.get(f"{URL}?category=").json()["total"] == 3


def test_category_route_answers_the_same_shape(viewer_api, league_configuration):
    response = viewer_api.get(f"{URL}/category/overlay")

    assert response.status_code == 200
    assert [row["key"] for row in response.json()["configurations"]] == ["overlay.theme",
                                                                          "sponsor"]
    assert response.json()["total"] == 2
    assert viewer_api.get(f"{URL}/category/none-such").json() == {"configurations": [],
                                                                   "total": 0}


def test_list_uses_a_fixed_number_of_queries(viewer_api, django_assert_max_num_queries):
    for number in range(40):
        make_configuration(f"key-{number}", {"n": number})

    with django_assert_max_num_queries(3):
        response = viewer_api.get(URL)

    assert response.json()["total"] == 40


def test_reading_needs_a_token(api_client, league_configuration):
    assert api_client.get(URL).status_code == 401
    assert api_client.get(f"{URL}/round_length").status_code == 401


def test_get_one_entry(viewer_api, league_configuration):
    response = viewer_api.get(f"{URL}/overlay.theme")

    assert response.status_code == 200
    assert response.json() == entry("overlay.theme", {"accent": "#ff0"}, "Overlay colours",
                                    "overlay")


def test_get_an_unknown_entry_is_404(viewer_api):
    response = viewer_api.get(f"{URL}/missing")

    assert response.status_code == 404
    assert response.json() == {"detail": "Configuration 'missing' not found.",
                               "code": "not_found"}


def test_create_an_entry(editor_api, django_capture_on_commit_callbacks, events):
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_api.post(f"{URL}/overlay.logo", {
            "value": {"url": "/logo.png", "width": 200}, "description": "League logo",
            "category": "overlay"}, format="json")

    assert response.status_code == 201
    assert response.json() == entry("overlay.logo", {"url": "/logo.png", "width": 200},
                                    "League logo", "overlay")
    assert Configuration.objects.get(key="overlay.logo").value == {"url": "/logo.png",
                                                                   "width": 200}
    [event] = events.received()
    assert event["type"] == "configuration_update"
    assert event["data"]["key"] == "overlay.logo"


def test_create_with_a_trailing_slash_is_not_redirected(editor_api):
    response = editor_api.post(f"{URL}/volume/", {"value": 0.5}, format="json")

    assert response.status_code == 201
    assert Configuration.objects.get(key="volume").category == "general"


def test_create_an_existing_key_is_409(editor_api, league_configuration):
    response = editor_api.post(f"{URL}/round_length", {"value": 45}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert Configuration.objects.get(key="round_length").value == 30


def test_create_without_a_value_is_400(editor_api):
    response = editor_api.post(f"{URL}/theme", {"description": "no value"}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"value": ["This field is required."]}
    assert not Configuration.objects.exists()


@pytest.mark.parametrize("key", ["has%20space", "semi;colon", "dot..dot", "%C3%A9t%C3%A9",
                                 "x" * 101])
def test_a_key_that_is_not_a_slug_is_400_and_nothing_is_stored(editor_api, key):
    response = editor_api.post(f"{URL}/{key}", {"value": 1}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "key" in body["errors"]
    assert not Configuration.objects.exists()


def test_a_body_that_is_not_json_is_400_and_nothing_is_stored(editor_api, league_configuration):
    created = editor_api.generic("POST", f"{URL}/theme", '{"value": {oops}',
                                 content_type="application/json")
    updated = editor_api.generic("PUT", f"{URL}/round_length", '{"value": NaN}',
                                 content_type="application/json")

    assert created.status_code == 400
    assert created.json()["code"] == "parse_error"
    assert updated.status_code == 400
    assert not Configuration.objects.filter(key="theme").exists()
    assert Configuration.objects.get(key="round_length").value == 30


def test_a_value_over_one_megabyte_is_413(editor_api):
    response = editor_api.post(f"{URL}/big", {"value": "x" * (1024 * 1024)}, format="json")

    assert response.status_code == 413
    assert not Configuration.objects.exists()


def test_update_an_entry(editor_api, league_configuration, django_capture_on_commit_callbacks,
                         events):
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_api.put(f"{URL}/round_length", {"value": 45,
                                                          "description": "Minutes"},
                                  format="json")

    assert response.status_code == 200
    assert response.json() == entry("round_length", 45, "Minutes", "tournament")
    assert editor_api.get(f"{URL}/round_length").json()["value"] == 45
    [event] = events.received()
    assert event["data"]["action"] == "updated"


def test_update_an_unknown_entry_is_404(editor_api):
    response = editor_api.put(f"{URL}/missing", {"value": 1}, format="json")

    assert response.status_code == 404
    assert not Configuration.objects.exists()


def test_update_with_an_empty_body_is_400(editor_api, league_configuration):
    response = editor_api.put(f"{URL}/round_length", {}, format="json")

    assert response.status_code == 400
    assert "at least one" in response.json()["detail"]


def test_delete_an_entry(editor_api, league_configuration):
    response = editor_api.delete(f"{URL}/round_length")

    assert response.status_code == 200
    assert response.json() == {"message": "Configuration 'round_length' deleted successfully."}
    assert not Configuration.objects.filter(key="round_length").exists()
    assert editor_api.delete(f"{URL}/round_length").status_code == 404


def test_a_viewer_cannot_write(viewer_api, league_configuration):
    assert viewer_api.post(f"{URL}/new", {"value": 1}, format="json").status_code == 403
    assert viewer_api.put(f"{URL}/round_length", {"value": 1}, format="json").status_code == 403
    assert viewer_api.delete(f"{URL}/round_length").status_code == 403
    assert viewer_api.post(f"{URL}/bulk-update", {"round_length": 1},
                           format="json").status_code == 403
    assert Configuration.objects.get(key="round_length").value == 30
    assert not Configuration.objects.filter(key="new").exists()


def test_bulk_update_with_a_key_value_object(editor_api, league_configuration):
    response = editor_api.post(f"{URL}/bulk-update", {"round_length": 40, "sponsor": "Acme"},
                               format="json")

    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "message": "Successfully updated 2 configurations.",
        "data": {
            "updated": [
                {"key": "round_length", "success": True,
                 "data": entry("round_length", 40, category="tournament")},
                {"key": "sponsor", "success": True,
                 "data": entry("sponsor", "Acme", category="overlay")},
            ],
            "errors": [],
            "total_updated": 2,
            "total_errors": 0,
        },
    }


def test_bulk_update_with_a_list_reports_each_failing_key(editor_api, league_configuration):
    response = editor_api.post(f"{URL}/bulk-update", {"configurations": [
        {"key": "round_length", "value": 40},
        {"key": "missing", "value": 1},
    ]}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["success"] is False
    assert body["message"] == "Updated 1 configurations with 1 errors."
    assert body["data"]["errors"] == [{"key": "missing", "success": False,
                                       "error": "Configuration 'missing' not found."}]
    assert body["data"]["total_updated"] == 1
    assert Configuration.objects.get(key="round_length").value == 40
    assert not Configuration.objects.filter(key="missing").exists()


@pytest.mark.parametrize("body", [{}, [], {"configurations": []},
                                  {"configurations": [{"key": "round_length"}]}, "text"])
def test_bulk_update_with_a_malformed_body_is_400(editor_api, league_configuration, body):
    response = editor_api.post(f"{URL}/bulk-update", body, format="json")

    assert response.status_code == 400
    assert Configuration.objects.get(key="round_length").value == 30


def test_bulk_update_of_too_many_keys_is_400(editor_api):
    response = editor_api.post(f"{URL}/bulk-update", {f"k{n}": n for n in range(501)},
                               format="json")

    assert response.status_code == 400
    assert "at most 500" in response.json()["detail"]
