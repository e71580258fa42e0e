"""Input PostgreSQL cannot store, or numbers it cannot count to: 400 naming the field, nothing
stored, never a 500 (these answered 500 on PostgreSQL; SQLite let most of them through)."""


import pytest
from django.test import Client

from config.models import Configuration
from graphics.models import Graphic

pytestmark = pytest.mark.django_db
API = "/api/v1"
HUGE = "100000000000000000000"


def post_json(client, path: str, text: str, method: str = "POST"):
    return client.generic(method, path, text.encode("utf-8", "surrogatepass"),
                          content_type="application/json")


def assert_refused_naming(response, field: str):
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert field in body.get("errors", {}) or field in body["detail"], body


@pytest.fixture
def graphic(db):
    return Graphic.objects.create(title="G", data_json={"elements": []}, version=1)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_or_infinity_in_a_string_canvas_is_refused(editor_api, graphic, constant):
    canvas = '{"elements": [{"id": "a", "type": "text", "x": ' + constant + ', "y": 0, "content": "x"}]}'

    response = editor_api.put(f"{API}/graphics/{graphic.pk}", {"data_json": canvas}, format="json")

    assert_refused_naming(response, "data_json")
    graphic.refresh_from_db()
    assert graphic.version == 1


@pytest.mark.parametrize("text, field", [
    ('{"title": "T", "data_json": {"elements": [{"id": "a", "type": "text", "x": 0, "y": 0, '
     '"content": "a\\u0000b"}]}}', "data_json.elements[0].content"),
    ('{"title": "T", "data_json": {"elements": [], "\\u0000": 1}}', "data_json"),
    ('{"title": "T", "data_json": "{\\"elements\\": [], \\"note\\": \\"\\\\u0000\\"}"}', "data_json"),
    ('{"title": "nul\\u0000title"}', "title"),
    ('{"title": "T", "event_name": "\\ud800"}', "event_name"),
    ('{"title": "T", "data_json": {"elements": [], "note": "\\udfff"}}', "data_json.note"),
], ids=["nul-in-canvas-value", "nul-in-canvas-key", "nul-in-string-canvas", "nul-in-title",
        "lone-surrogate-in-event-name", "lone-surrogate-in-canvas"])
def test_nul_or_lone_surrogates_in_a_graphic_are_refused(editor_api, text, field):
    response = post_json(editor_api, f"{API}/graphics", text)

    assert_refused_naming(response, field)
    assert not Graphic.objects.exists()


@pytest.mark.parametrize("path, text, field", [
    ("/configuration/k", '{"value": {"a": "\\u0000"}}', "value.a"),
    ("/configuration/k", '{"value": "\\ud800"}', "value"),
    ("/configuration/bulk-update", '{"configurations": [{"key": "k", "value": ["\\u0000"]}]}',
     "configurations[0].value[0]"),
    ("/configuration/bulk-update", '{"k\\u0000": 1}', "k\\x00"),
], ids=["nul-in-value", "surrogate-in-value", "nul-in-bulk-update", "nul-in-bulk-key"])
def test_nul_or_lone_surrogates_in_configuration_are_refused(admin_api, path, text, field):
    response = post_json(admin_api, f"{API}{path}", text)

    assert response.status_code == 400, response.content[:300]
    assert not Configuration.objects.filter(key__startswith="k").exists()


@pytest.mark.parametrize("path", ["/users", "/tournaments", "/scoreboard/snapshots",
                                  "/graphics/{graphic}/revisions"])
def test_a_huge_skip_is_refused_naming_it(admin_api, graphic, path):
    response = admin_api.get(f"{API}{path.format(graphic=graphic.pk)}", {"skip": HUGE})

    assert_refused_naming(response, "skip")


def test_a_nul_in_a_discord_id_is_refused(viewer_api):
    response = viewer_api.get(f"{API}/users/discord/%00")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_characters"


def test_a_nul_in_a_query_parameter_is_refused(viewer_api):
    response = viewer_api.get(f"{API}/graphics", {"q": "a\x00b"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_characters"


class TestAdmin:
    @pytest.fixture
    def browser(self, admin_user):
        client = Client()
        client.force_login(admin_user)
        return client

    def test_a_nul_in_a_changelist_filter_is_refused(self, browser, graphic):
        response = browser.get("/admin/graphics/graphic/", {"event_name": "\x00"})

        assert response.status_code == 400

    def test_a_non_numeric_history_id_is_not_found(self, browser, graphic):
        assert browser.get(f"/admin/graphics/graphic/{graphic.pk}/history/abc/").status_code == 404
        assert browser.get("/admin/graphics/graphic/abc/history/").status_code in (302, 404)
        assert browser.get(f"/admin/graphics/graphic/{graphic.pk}/history/").status_code == 200

    @pytest.mark.parametrize("canvas", [
        '{"elements": [{"id": "a", "type": "text", "x": NaN, "y": 0, "content": "x"}]}',
        '{"elements": [], "note": "\\u0000"}',
    ], ids=["nan", "nul"])
    def test_a_canvas_with_nan_or_nul_in_the_form_is_refused(self, browser, graphic, canvas):
        response = browser.post(f"/admin/graphics/graphic/{graphic.pk}/change/", {
            "title": "Changed", "event_name": "", "tournament": "", "data_json": canvas,
            "loaded_version": 1})

        assert response.status_code == 200  # the form again, with its error
        assert b"errorlist" in response.content
        graphic.refresh_from_db()
        assert (graphic.title, graphic.version) == ("G", 1)
