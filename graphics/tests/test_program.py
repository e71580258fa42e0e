"""Program control through the API: layers (a take clears its layer), transitions, what is on
air, and the name a lock shows."""

import pytest

from conftest import client_for
from graphics import services
from graphics.models import Graphic
from graphics.tests.conftest import make_graphic
from realtime.events import graphic_group

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def lower_thirds(editor):
    first = make_graphic(editor, title="Caster names", layer="lower-third")
    second = make_graphic(editor, title="Sponsor strap", layer="lower-third")
    return first, second


class TestLayers:
    def test_a_new_graphic_is_on_the_main_layer_without_transitions(self, editor_api):
        response = editor_api.post(f"{API}/graphics", {"title": "Standings"}, format="json")
        assert response.status_code == 201
        body = response.json()
        assert (body["layer"], body["transition_in"], body["transition_out"]) == ("main", "none", "none")
        assert body["transition_duration_ms"] == 500

    def test_layer_and_transitions_are_accepted_on_create_and_update(self, editor_api):
        created = editor_api.post(f"{API}/graphics", {
            "title": "Strap", "layer": "lower-third", "transition_in": "slide-left",
            "transition_out": "fade", "transition_duration_ms": 300}, format="json")
        assert created.status_code == 201, created.json()
        graphic_id = created.json()["id"]
        updated = editor_api.put(f"{API}/graphics/{graphic_id}", {
            "layer": "fullscreen", "transition_in": "slide-bottom", "transition_duration_ms": 0,
            "version": 1}, format="json")
        assert updated.status_code == 200, updated.json()
        body = editor_api.get(f"{API}/graphics/{graphic_id}").json()
        assert (body["layer"], body["transition_in"], body["transition_out"], body["transition_duration_ms"],
                body["version"]) == ("fullscreen", "slide-bottom", "fade", 0, 2)

    @pytest.mark.parametrize("field, value", [
        ("transition_in", "spin"), ("transition_out", 3), ("transition_duration_ms", -1),
        ("transition_duration_ms", 60_000), ("layer", "x" * 65),
    ])
    def test_bad_values_are_refused_naming_the_field(self, editor_api, field, value):
        response = editor_api.post(f"{API}/graphics", {"title": "Strap", field: value}, format="json")
        assert response.status_code == 400
        assert field in response.json()["errors"]
        assert not Graphic.objects.exists()

    def test_taking_clears_the_other_graphic_of_the_layer_with_its_events(
            self, editor_api, editor, lower_thirds, events, django_capture_on_commit_callbacks):
        first, second = lower_thirds
        main = make_graphic(editor, title="Standings")
        services.graphic_set_on_air(graphic_id=first.pk, user=editor, on_air=True)
        services.graphic_set_on_air(graphic_id=main.pk, user=editor, on_air=True)
        events.clear()

        with django_capture_on_commit_callbacks(execute=True):
            response = editor_api.post(f"{API}/graphics/{second.pk}/take")

        assert response.status_code == 200 and response.json()["on_air"] is True
        assert dict(Graphic.objects.values_list("title", "on_air")) == {
            "Caster names": False, "Sponsor strap": True, "Standings": True}
        assert [(e["type"], e["data"]["id"]) for e in events.received()] == [
            ("off_air", first.pk), ("on_air", second.pk)]
        assert [e["type"] for e in events.received(graphic_group(first.pk))] == ["off_air"]
        assert [e["type"] for e in events.received(graphic_group(second.pk))] == ["on_air"]
        reasons = [first.history.latest().history_change_reason, second.history.latest().history_change_reason]
        assert reasons == ["cleared: Sponsor strap taken on layer lower-third", "taken on air (layer lower-third)"]

    def test_moving_a_graphic_on_air_to_another_layer_clears_that_layer(
            self, editor_api, editor, lower_thirds, events, django_capture_on_commit_callbacks):
        first, _second = lower_thirds
        main = make_graphic(editor, title="Standings")
        services.graphic_set_on_air(graphic_id=first.pk, user=editor, on_air=True)
        services.graphic_set_on_air(graphic_id=main.pk, user=editor, on_air=True)
        events.clear()

        with django_capture_on_commit_callbacks(execute=True):
            response = editor_api.put(f"{API}/graphics/{first.pk}", {"layer": "main"}, format="json")

        assert response.status_code == 200 and response.json()["on_air"] is True
        assert dict(Graphic.objects.values_list("title", "on_air")) == {
            "Caster names": True, "Sponsor strap": False, "Standings": False}
        assert [(e["type"], e["data"]["id"]) for e in events.received()] == [
            ("off_air", main.pk), ("graphic_updated", first.pk)]
        on_air = editor_api.get(f"{API}/on-air").json()
        assert [(layer["layer"], [g["id"] for g in layer["graphics"]]) for layer in on_air["layers"]] == [
            ("main", [first.pk])]
        assert main.history.latest().history_change_reason == "cleared: Caster names moved to layer main"

    def test_moving_a_graphic_off_air_to_another_layer_clears_nothing(self, editor_api, editor, lower_thirds):
        first, _second = lower_thirds
        main = make_graphic(editor, title="Standings")
        services.graphic_set_on_air(graphic_id=main.pk, user=editor, on_air=True)

        response = editor_api.put(f"{API}/graphics/{first.pk}", {"layer": "main"}, format="json")

        assert response.status_code == 200 and response.json()["on_air"] is False
        assert Graphic.objects.get(pk=main.pk).on_air is True

    def test_a_refused_take_clears_nothing(self, editor_api, editor, lower_thirds):
        first, second = lower_thirds
        services.graphic_set_on_air(graphic_id=first.pk, user=editor, on_air=True)
        services.graphic_archive(graphic_id=second.pk, user=editor)
        assert editor_api.post(f"{API}/graphics/{second.pk}/take").status_code == 409
        assert Graphic.objects.get(pk=first.pk).on_air is True

    def test_on_air_lists_each_layer(self, viewer_api, editor, lower_thirds):
        first, _ = lower_thirds
        main = make_graphic(editor, title="Standings")
        make_graphic(editor, title="Off air")
        for graphic in (first, main):
            services.graphic_set_on_air(graphic_id=graphic.pk, user=editor, on_air=True)

        response = viewer_api.get(f"{API}/on-air")

        assert response.status_code == 200
        body = response.json()
        assert body["total"] == 2
        assert [(layer["layer"], [g["title"] for g in layer["graphics"]]) for layer in body["layers"]] == [
            ("lower-third", ["Caster names"]), ("main", ["Standings"])]
        assert "data_json" not in body["layers"][0]["graphics"][0]
        assert body["layers"][0]["graphics"][0]["on_air"] is True
        assert client_for(None).get(f"{API}/on-air").status_code == 401


class TestLockHolder:
    def test_the_user_name_of_the_lock_body_is_the_holder(self, editor_api, editor):
        graphic = make_graphic(editor)
        response = editor_api.post(f"{API}/lock/{graphic.pk}", {"session_id": "tab-1", "user_name": "Mia"},
                                   format="json")
        assert response.status_code == 200
        assert (response.json()["locked_by"], response.json()["user_name"]) == ("Mia", "Mia")

        refused = editor_api.post(f"{API}/lock/{graphic.pk}", {"session_id": "tab-2"}, format="json")
        assert refused.status_code == 409
        assert refused.json()["locked_by"] == "Mia" and "locked by Mia" in refused.json()["detail"]
        status = editor_api.get(f"{API}/lock/{graphic.pk}/status?session_id=tab-2").json()
        assert status["lock_info"]["locked_by"] == "Mia"

    def test_without_a_user_name_the_account_display_name_holds_it(self, editor_api, editor):
        graphic = make_graphic(editor)
        response = editor_api.post(f"{API}/lock/{graphic.pk}", {"session_id": "tab-1"}, format="json")
        assert response.json()["locked_by"] == "Eddie"


class TestRevisionHistory:
    def test_revisions_say_what_changed_and_why(self, editor_api, editor):
        graphic = make_graphic(editor, data_json={"elements": [
            {"id": "title", "type": "text", "x": 10, "y": 20, "content": "Week 1"}]})
        moved = {"elements": [{"id": "title", "type": "text", "x": 300, "y": 20, "content": "Week 1"},
                              {"id": "names", "type": "players", "x": 0, "y": 0, "spacing": 40, "previewCount": 8}]}
        assert editor_api.put(f"{API}/graphics/{graphic.pk}", {"data_json": moved, "title": "Finals"},
                              format="json").status_code == 200
        editor_api.post(f"{API}/graphics/{graphic.pk}/take")

        revisions = editor_api.get(f"{API}/graphics/{graphic.pk}/revisions").json()["revisions"]

        assert [(r["version"], r["change_reason"], r["changes"]) for r in revisions] == [
            (2, "taken on air (layer main)", ["on air"]),
            (2, "saved via API", ["title: Lobby standings → Finals", "added element names (players)",
                                  "moved title to (300, 20)"]),
            (1, "created", ["created"]),
        ]
        assert revisions[0]["changed_by"] == "Eddie"

    def test_a_page_of_revisions_knows_what_its_oldest_changed(self, editor_api, editor):
        graphic = make_graphic(editor)
        for title in ("Second", "Third"):
            services.graphic_update(graphic_id=graphic.pk, user=editor, changes={"title": title})
        page = editor_api.get(f"{API}/graphics/{graphic.pk}/revisions?skip=1&limit=1").json()["revisions"]
        assert page[0]["changes"] == ["title: Lobby standings → Second"]
