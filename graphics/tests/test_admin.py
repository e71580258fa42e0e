import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from graphics import services
from graphics.models import ArchiveEntry, CanvasLock, Graphic
from graphics.tests.conftest import canvas, list_element, make_graphic, text_element
from realtime.events import graphic_group

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:graphics_graphic_changelist")


def change_url(graphic) -> str:
    return reverse("admin:graphics_graphic_change", args=[graphic.pk])


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def graphic(editor):
    return make_graphic(editor)


def form_data(graphic, **changes) -> dict:
    data = {"title": graphic.title, "event_name": graphic.event_name, "tournament": "",
            "data_json": json.dumps(graphic.data_json), "loaded_version": graphic.version,
            "archive_entries-TOTAL_FORMS": "0", "archive_entries-INITIAL_FORMS": "0",
            "archive_entries-MIN_NUM_FORMS": "0", "archive_entries-MAX_NUM_FORMS": "1000"}
    data.update(changes)
    return data


class TestChangelist:
    @pytest.mark.parametrize("count", [5, 200])
    def test_lists_graphics_with_their_lock_in_fixed_queries(self, staff, editor, count,
                                                              django_assert_max_num_queries):
        Graphic.objects.bulk_create(Graphic(title=f"Graphic {n}", event_name=f"Week {n % 3}",
                                            data_json=canvas()) for n in range(count))
        locked = Graphic.objects.first()
        services.lock_acquire(graphic_id=locked.pk, session_id="tab", user=editor)
        with django_assert_max_num_queries(12):
            response = staff.get(CHANGELIST)
        assert response.status_code == 200
        assert f"Graphic {count - 1}" in response.content.decode()
        assert "Eddie until" in response.content.decode()

    def test_search_and_filters(self, staff, editor):
        make_graphic(editor, title="Finals board", event_name="Finals")
        make_graphic(editor, title="Week card", event_name="Week 1")
        assert "Week card" not in staff.get(CHANGELIST, {"q": "finals"}).content.decode()
        filtered = staff.get(CHANGELIST, {"event_name": "Week 1"}).content.decode()
        assert "Week card" in filtered and "Finals board" not in filtered
        assert staff.get(CHANGELIST, {"archived__exact": "1"}).status_code == 200

    def test_a_viewer_reads_but_an_outsider_does_not(self, graphic):
        viewer = make_user("staff-viewer", "Viewer", is_staff=True)
        client = logged_in(viewer)
        assert client.get(CHANGELIST).status_code == 200
        assert client.get(change_url(graphic)).status_code == 200
        assert client.post(change_url(graphic), form_data(graphic, title="x")).status_code == 403
        outsider = logged_in(make_user("staff-nobody", is_staff=True))
        assert outsider.get(CHANGELIST).status_code == 403


class TestChangeForm:
    def test_renders_with_the_overlay_url_to_copy(self, staff, graphic):
        response = staff.get(change_url(graphic))
        assert response.status_code == 200
        page = response.content.decode()
        assert f"/overlay/{graphic.pk}/?key={graphic.overlay_key}" in page
        assert "canvas-json" in page and "Copy" in page

    def test_add_goes_through_the_service(self, staff, admin_user, events, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = staff.post(reverse("admin:graphics_graphic_add"), {
                **form_data(Graphic(title="New card", data_json=canvas(text_element()))), "loaded_version": ""})
        assert response.status_code == 302
        graphic = Graphic.objects.get()
        assert (graphic.title, graphic.version, graphic.created_by) == ("New card", 1, admin_user)
        assert graphic.history.count() == 1
        assert events.types() == ["graphic_created"]

    def test_save_bumps_the_version_records_a_revision_and_publishes(
            self, staff, admin_user, graphic, events, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = staff.post(change_url(graphic), form_data(graphic, title="Edited in admin"))
        assert response.status_code == 302
        graphic.refresh_from_db()
        assert (graphic.title, graphic.version) == ("Edited in admin", 2)
        revision = graphic.history.latest()
        assert (revision.title, revision.history_user) == ("Edited in admin", admin_user)
        [event] = events.received(graphic_group(graphic.pk))
        assert event["type"] == "graphic_updated" and event["data"]["version"] == 2

    def test_refused_while_a_session_holds_the_lock(self, staff, editor, graphic):
        services.lock_acquire(graphic_id=graphic.pk, session_id="tab", user=editor)
        response = staff.post(change_url(graphic), form_data(graphic, title="Edited in admin"))
        assert response.status_code == 200
        page = response.content.decode()
        assert "locked by Eddie until" in page
        graphic.refresh_from_db()
        assert (graphic.title, graphic.version) == ("Lobby standings", 1)

    def test_an_expired_lock_does_not_refuse(self, staff, editor, graphic):
        services.lock_acquire(graphic_id=graphic.pk, session_id="tab", user=editor)
        CanvasLock.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        assert staff.post(change_url(graphic), form_data(graphic, title="x")).status_code == 302

    def test_a_wrong_element_shows_in_the_form(self, staff, graphic):
        bad = json.dumps(canvas(list_element(spacing="wide")))
        response = staff.post(change_url(graphic), form_data(graphic, data_json=bad))
        assert response.status_code == 200
        assert "elements[0].spacing: is required for a players element" in response.content.decode()
        assert Graphic.objects.get().version == 1

    def test_invalid_json_shows_in_the_form(self, staff, graphic):
        response = staff.post(change_url(graphic), form_data(graphic, data_json="{nope"))
        assert response.status_code == 200 and "Enter a valid JSON" in response.content.decode()

    def test_someone_saving_meanwhile_is_not_overwritten(self, staff, editor, graphic):
        services.graphic_update(graphic_id=graphic.pk, user=editor, changes={"title": "Saved by the dashboard"})
        response = staff.post(change_url(graphic), form_data(graphic, title="Admin", loaded_version=1))
        assert response.status_code == 200 and "saved this graphic meanwhile" in response.content.decode()
        assert Graphic.objects.get().title == "Saved by the dashboard"

    def test_editor_staff_can_save(self, editor, graphic):
        response = logged_in(editor).post(change_url(graphic), form_data(graphic, event_name="Week 9"))
        assert response.status_code == 302
        assert Graphic.objects.get().event_name == "Week 9"

    def test_archive_entries_inline(self, staff, editor, graphic):
        services.graphic_archive(graphic_id=graphic.pk, user=editor, reason="week over")
        assert "week over" in staff.get(change_url(graphic)).content.decode()


class TestHistory:
    def test_revision_history_and_revert(self, staff, editor, graphic):
        first = graphic.history.get()
        services.graphic_update(graphic_id=graphic.pk, user=editor, changes={"title": "Second"})
        history = staff.get(reverse("admin:graphics_graphic_history", args=[graphic.pk]))
        assert history.status_code == 200 and "Second" in history.content.decode()
        revert_url = reverse("admin:graphics_graphic_simple_history", args=[graphic.pk, first.history_id])
        assert staff.get(revert_url).status_code == 200
        response = staff.post(revert_url, form_data(graphic))
        assert response.status_code == 302
        graphic.refresh_from_db()
        assert (graphic.title, graphic.version, graphic.history.count()) == ("Lobby standings", 3, 3)

    def test_revert_refused_while_locked(self, staff, editor, graphic):
        first = graphic.history.get()
        services.lock_acquire(graphic_id=graphic.pk, session_id="tab", user=editor)
        revert_url = reverse("admin:graphics_graphic_simple_history", args=[graphic.pk, first.history_id])
        response = staff.post(revert_url, form_data(graphic), follow=True)
        assert "locked by Eddie" in response.content.decode()
        assert Graphic.objects.get().version == 1


class TestActions:
    def act(self, client, action, *graphics):
        return client.post(CHANGELIST, {"action": action, "_selected_action": [g.pk for g in graphics]},
                           follow=True)

    def test_take_on_air_and_clear(self, staff, graphic, events, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            self.act(staff, "take_on_air", graphic)
            assert Graphic.objects.get().on_air
            self.act(staff, "clear_from_air", graphic)
        assert not Graphic.objects.get().on_air
        assert events.types() == ["on_air", "off_air"]

    def test_archive_restore(self, staff, graphic):
        self.act(staff, "archive", graphic)
        assert Graphic.objects.get().archived
        self.act(staff, "restore", graphic)
        assert not Graphic.objects.get().archived
        assert list(ArchiveEntry.objects.order_by("id").values_list("action", flat=True)) == ["archived", "restored"]

    def test_archive_refused_while_locked_names_the_holder(self, staff, editor, graphic):
        services.lock_acquire(graphic_id=graphic.pk, session_id="tab", user=editor)
        response = self.act(staff, "archive", graphic)
        assert "locked by Eddie" in response.content.decode()
        assert not Graphic.objects.get().archived

    def test_duplicate_and_rotate(self, staff, graphic):
        old_key = graphic.overlay_key
        self.act(staff, "duplicate", graphic)
        assert Graphic.objects.filter(title="Lobby standings (Copy)").exists()
        self.act(staff, "rotate_overlay_key", graphic)
        assert Graphic.objects.get(pk=graphic.pk).overlay_key != old_key

    def test_clean_up_expired_locks(self, staff, editor, graphic):
        services.lock_acquire(graphic_id=graphic.pk, session_id="tab", user=editor)
        CanvasLock.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        response = self.act(staff, "clean_up_expired_locks", graphic)
        assert "Removed 1 expired lock(s)" in response.content.decode()
        assert not CanvasLock.objects.exists()

    def test_permanent_delete_through_the_delete_page(self, staff, graphic):
        url = reverse("admin:graphics_graphic_delete", args=[graphic.pk])
        assert staff.get(url).status_code == 200
        assert staff.post(url, {"post": "yes"}).status_code == 302
        assert not Graphic.objects.exists()
        assert ArchiveEntry.objects.get().action == "deleted"

    def test_an_editor_cannot_delete(self, editor, graphic):
        assert logged_in(editor).post(reverse("admin:graphics_graphic_delete", args=[graphic.pk]),
                                      {"post": "yes"}).status_code == 403
        assert Graphic.objects.exists()


class TestLockAndArchivePages:
    def test_locks_are_listed_and_broken(self, staff, editor, graphic, django_assert_max_num_queries):
        services.lock_acquire(graphic_id=graphic.pk, session_id="tab", user=editor)
        url = reverse("admin:graphics_canvaslock_changelist")
        with django_assert_max_num_queries(8):
            page = staff.get(url)
        assert page.status_code == 200 and "Eddie" in page.content.decode()
        lock = CanvasLock.objects.get()
        assert staff.get(reverse("admin:graphics_canvaslock_change", args=[lock.pk])).status_code == 200
        staff.post(url, {"action": "break_locks", "_selected_action": [lock.pk]})
        assert not CanvasLock.objects.exists()

    def test_archive_entries_page(self, staff, editor, graphic):
        services.graphic_archive(graphic_id=graphic.pk, user=editor, reason="week over")
        page = staff.get(reverse("admin:graphics_archiveentry_changelist"))
        assert page.status_code == 200 and "week over" in page.content.decode()
