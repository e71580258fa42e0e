"""The graphic's admin page as a control room: Take / Clear with layers, the live state its preview
polls, connected overlays in words, a lock holder's name and a history that says what changed."""

import json

import pytest
from django.urls import reverse

from graphics import services
from graphics.models import Graphic
from graphics.tests.conftest import canvas, list_element, make_graphic, text_element
from graphics.tests.test_admin import CHANGELIST, change_url, form_data, logged_in
from realtime import presence

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(admin_user):
    return logged_in(admin_user)


@pytest.fixture
def straps(editor):
    return (make_graphic(editor, title="Caster names", layer="lower-third"),
            make_graphic(editor, title="Sponsor strap", layer="lower-third"))


def take_url(graphic, action: str = "take") -> str:
    return reverse(f"admin:graphics_graphic_{action}", args=[graphic.pk])


class TestTakeAndClear:
    def test_the_page_says_what_is_on_air_on_its_layer_and_take_clears_it(self, staff, editor, straps):
        first, second = straps
        services.graphic_set_on_air(graphic_id=first.pk, user=editor, on_air=True)
        page = staff.get(change_url(second)).content.decode()
        assert "Off air; on air on layer lower-third: Caster names (Take clears it)" in page
        assert 'id="take-button"' in page and 'id="clear-button"' in page

        response = staff.post(take_url(second), follow=True)

        assert response.redirect_chain[-1][0] == change_url(second)
        assert "Sponsor strap: ON AIR on layer lower-third." in response.content.decode()
        assert dict(Graphic.objects.values_list("title", "on_air")) == {"Caster names": False,
                                                                       "Sponsor strap": True}

    def test_the_list_has_a_button_per_graphic_that_comes_back_to_the_list(self, staff, editor, straps):
        first, _ = straps
        page = staff.get(CHANGELIST).content.decode()
        assert f'formaction="{take_url(first)}?next=changelist"' in page

        response = staff.post(f"{take_url(first)}?next=changelist")
        assert response.status_code == 302 and response["Location"] == CHANGELIST
        assert Graphic.objects.get(pk=first.pk).on_air is True
        assert f'formaction="{take_url(first, "clear")}?next=changelist"' in staff.get(CHANGELIST).content.decode()
        staff.post(take_url(first, "clear"))
        assert Graphic.objects.get(pk=first.pk).on_air is False

    def test_a_viewer_cannot_take_and_a_get_takes_nothing(self, viewer, straps):
        viewer.is_staff = True
        viewer.save(update_fields=["is_staff"])
        first, _ = straps
        client = logged_in(viewer)
        assert client.post(take_url(first)).status_code == 403
        assert 'id="take-button"' not in client.get(change_url(first)).content.decode()
        listed = client.get(CHANGELIST).content.decode()
        assert "off air · lower-third" in listed and "formaction" not in listed
        assert logged_in(viewer).get(take_url(first)).status_code == 405
        assert Graphic.objects.get(pk=first.pk).on_air is False


class TestProgramFields:
    def test_layer_and_transitions_are_saved_from_the_form(self, staff, editor):
        graphic = make_graphic(editor)
        response = staff.post(change_url(graphic), form_data(
            graphic, layer="fullscreen", transition_in="fade", transition_out="slide-left",
            transition_duration_ms="250"))
        assert response.status_code == 302
        graphic.refresh_from_db()
        assert (graphic.layer, graphic.transition_in, graphic.transition_out, graphic.transition_duration_ms,
                graphic.version) == ("fullscreen", "fade", "slide-left", 250, 2)
        assert graphic.history.latest().history_change_reason == "saved in the admin"


class TestLiveState:
    def test_the_preview_follows_the_saved_graphic_and_the_chosen_tournaments_standings(self, staff, editor):
        graphic = make_graphic(editor, data_json=canvas(list_element()))
        services.graphic_update(graphic_id=graphic.pk, user=editor, changes={"title": "Saved elsewhere"})

        live = staff.get(reverse("admin:graphics_graphic_live", args=[graphic.pk]) + "?tournament=").json()

        assert (live["version"], live["title"], live["on_air"]) == (2, "Saved elsewhere", False)
        assert live["data_json"] == canvas(list_element())
        assert live["program"] == "Off air; nothing on air on layer main"
        assert isinstance(live["standings"], list) and live["overlays"] == []

    def test_the_page_carries_the_preview_config_and_the_shared_drawing_code(self, staff, editor):
        graphic = make_graphic(editor)
        page = staff.get(change_url(graphic)).content.decode()
        assert "/static/graphics/drawing.js" in page and "/static/graphics/admin_preview.js" in page
        assert f"/overlay/{graphic.pk}/preview/?key={graphic.overlay_key}" in page
        assert '"liveUrl"' in page and 'id="preview-stage"' in page


class TestConnectedOverlays:
    def test_a_connected_obs_source_reads_as_a_producer_says_it(self, staff, editor, settings):
        settings.REDIS_URL = ""  # this process's records
        graphic = make_graphic(editor)
        record = {"id": "overlay-test", "kind": "overlay", "graphic_id": graphic.pk, "client": "10.0.0.5:50758",
                  "connected_at": "2026-01-01T00:00:00+00:00", "last_ping": None, "version": 1, "output": "program",
                  "user_agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/103.0 Safari/537.36 OBS/30.0.2"}
        presence.register(record)
        try:
            page = staff.get(change_url(graphic)).content.decode()
        finally:
            presence.unregister("overlay-test")
        assert "OBS (Windows) · 10.0.0.5 · connected " in page
        assert "d ago · showing version 1 (current)" in page


class TestLockHolderAndHistory:
    def test_the_lock_shows_the_user_name_of_the_lock_body(self, staff, editor):
        graphic = make_graphic(editor)
        services.lock_acquire(graphic_id=graphic.pk, session_id="tab", user=editor, holder_name="Mia")
        assert "Mia until" in staff.get(change_url(graphic)).content.decode()
        response = staff.post(change_url(graphic), form_data(graphic, title="Mine"))
        assert "locked by Mia until" in response.content.decode()

    def test_history_says_what_changed_who_and_why(self, staff, editor):
        graphic = make_graphic(editor, data_json=canvas(text_element("title"), list_element("names")))
        services.graphic_update(graphic_id=graphic.pk, user=editor, reason="saved via API", changes={
            "title": "Finals", "data_json": canvas(text_element("title", x=300, content="Finals"),
                                                   text_element("note"))})
        services.graphic_set_on_air(graphic_id=graphic.pk, user=editor, on_air=True)
        first = graphic.history.order_by("history_id").first()
        services.graphic_revision_restore(graphic_id=graphic.pk, history_id=first.history_id, user=editor)

        page = staff.get(reverse("admin:graphics_graphic_history", args=[graphic.pk])).content.decode()

        for text in ("title: Lobby standings → Finals", "added element note (text)",
                     "removed element names (players)", "moved title to (300, 20)", "edited title (content)",
                     "saved via API", "taken on air (layer main)", "on air", "reverted to version 1", "Eddie"):
            assert text in page, text
        assert json.dumps(first.data_json) not in page


def test_the_live_state_of_an_unknown_graphic_is_a_404(staff):
    assert staff.get(reverse("admin:graphics_graphic_live", args=[999])).status_code == 404
    response = staff.post(reverse("admin:graphics_graphic_take", args=[999]), follow=True)
    assert "Graphic 999 not found." in response.content.decode()
