"""A canvas costs work and memory in proportion to the size limit, never more: elements are
capped, a refusal lists a bounded number of errors, and the graphics list pages when asked."""

import json

import pytest

from graphics.canvas import CANVAS_MAX_ELEMENTS, CANVAS_MAX_ERRORS
from graphics.models import Graphic
from graphics.tests.conftest import canvas, text_element

pytestmark = pytest.mark.django_db
API = "/api/v1"


def post_raw(client, body: bytes):
    return client.generic("POST", f"{API}/graphics", body, content_type="application/json")


def test_a_5mb_canvas_of_two_and_a_half_million_zeros_is_refused_in_a_few_lines(editor_api):
    body = b'{"title": "Zeros", "data_json": {"elements": [' + b"0," * 2_499_999 + b"0]}}"

    response = post_raw(editor_api, body)

    assert response.status_code == 400, response.content[:300]
    assert len(response.content) < 1000
    assert response.json()["errors"]["data_json.elements"] == [
        f"has 2500000 elements; the limit is {CANVAS_MAX_ELEMENTS}"]
    assert not Graphic.objects.exists()


def test_two_thousand_bad_elements_list_fifty_errors_and_count_the_rest(editor_api):
    elements = [{"id": n, "type": "text", "x": "left", "y": 0, "content": "x"}
                for n in range(CANVAS_MAX_ELEMENTS)]

    response = editor_api.post(f"{API}/graphics", {"title": "Bad", "data_json": {"elements": elements}},
                               format="json")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert len(errors) == CANVAS_MAX_ERRORS + 1
    assert errors["data_json.elements[0].x"] == ["must be a number"]
    assert errors["data_json"] == [f"and {CANVAS_MAX_ELEMENTS - CANVAS_MAX_ERRORS} more errors"]
    assert not Graphic.objects.exists()


def test_a_canvas_at_the_element_cap_is_stored(editor_api):
    elements = [text_element(f"t{n}") for n in range(CANVAS_MAX_ELEMENTS)]

    response = editor_api.post(f"{API}/graphics", {"title": "Full", "data_json": canvas(*elements)},
                               format="json")

    assert response.status_code == 201, response.content[:300]
    assert len(Graphic.objects.get().data_json["elements"]) == CANVAS_MAX_ELEMENTS


def test_one_element_over_the_cap_is_refused_on_update(editor_api):
    graphic = Graphic.objects.create(title="G", data_json=canvas(), version=1)
    elements = [text_element(f"t{n}") for n in range(CANVAS_MAX_ELEMENTS + 1)]

    response = editor_api.put(f"{API}/graphics/{graphic.pk}", {"data_json": json.dumps(canvas(*elements))},
                              format="json")

    assert response.status_code == 400
    assert "data_json.elements" in response.json()["errors"]
    graphic.refresh_from_db()
    assert graphic.version == 1


class TestPagedList:
    @pytest.fixture
    def graphics(self):
        return [Graphic.objects.create(title=f"G{n}", data_json=canvas(text_element()), version=1)
                for n in range(5)]

    def test_limit_and_offset_page_the_list_newest_first(self, viewer_api, graphics):
        first = viewer_api.get(f"{API}/graphics", {"limit": 2}).json()
        second = viewer_api.get(f"{API}/graphics", {"limit": 2, "offset": 2}).json()
        last = viewer_api.get(f"{API}/graphics", {"offset": 4}).json()

        assert [g["title"] for g in first["graphics"]] == ["G4", "G3"]
        assert [g["title"] for g in second["graphics"]] == ["G2", "G1"]
        assert [g["title"] for g in last["graphics"]] == ["G0"]
        assert (first["total"], first["limit"], first["offset"]) == (5, 2, 0)
        assert second["offset"] == 2

    def test_without_limit_or_offset_the_dashboard_shape_is_unchanged(self, viewer_api, graphics):
        body = viewer_api.get(f"{API}/graphics").json()

        assert set(body) == {"graphics", "total"}
        assert body["total"] == 5 and len(body["graphics"]) == 5
        assert body["graphics"][0]["data_json"] == canvas(text_element())

    @pytest.mark.parametrize("query", [{"limit": 0}, {"limit": 101}, {"offset": -1},
                                       {"offset": "10" * 20}, {"limit": "many"}])
    def test_bad_paging_is_refused_naming_the_parameter(self, viewer_api, graphics, query):
        response = viewer_api.get(f"{API}/graphics", query)

        assert response.status_code == 400
        assert set(response.json()["errors"]) == set(query)
