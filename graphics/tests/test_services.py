from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.errors import Conflict, NotFound, PayloadTooLarge
from graphics import services
from graphics.canvas import canvas_clean
from graphics.models import ArchiveEntry, CanvasLock, Graphic
from graphics.tests.conftest import canvas, list_element, make_graphic, text_element

pytestmark = pytest.mark.django_db


class TestCanvas:
    def test_the_dashboards_own_shape_is_valid_and_extra_keys_are_kept(self):
        data = {"elements": [], "settings": {"grid": True}}
        assert canvas_clean(data) == data

    def test_a_string_holding_json_is_parsed(self):
        assert canvas_clean('{"elements": [], "background": null}') == {
            "elements": [], "background": None}

    @pytest.mark.parametrize("data, field", [
        ("{not json", "data_json"),
        ("[1, 2]", "data_json"),
        (42, "data_json"),
        ({}, "data_json.elements"),
        ({"elements": "none"}, "data_json.elements"),
        ({"elements": [5]}, "data_json.elements[0]"),
        ({"elements": [{**text_element(), "type": "video"}]}, "data_json.elements[0].type"),
        ({"elements": [{**text_element(), "x": "10"}]}, "data_json.elements[0].x"),
        ({"elements": [{**text_element(), "y": True}]}, "data_json.elements[0].y"),
        ({"elements": [text_element(content=None)]}, "data_json.elements[0].content"),
        ({"elements": [{k: v for k, v in text_element().items() if k != "id"}]}, "data_json.elements[0].id"),
        ({"elements": [text_element(), list_element(spacing=None)]}, "data_json.elements[1].spacing"),
        ({"elements": [list_element(kind="scores", previewCount=-1)]}, "data_json.elements[0].previewCount"),
        ({"elements": [], "background": "red"}, "data_json.background"),
        ({"elements": [], "background": {"imageUrl": "x.png", "width": 0}}, "data_json.background.width"),
    ])
    def test_a_wrong_shape_names_the_field(self, data, field):
        with pytest.raises(ValidationError) as caught:
            canvas_clean(data)
        assert field in caught.value.message_dict

    def test_over_five_megabytes_is_too_large(self, settings):
        settings.GRAPHIC_DATA_MAX_BYTES = 1000
        with pytest.raises(PayloadTooLarge):
            canvas_clean(canvas(text_element(content="é" * 600)))


class TestUpdate:
    def test_bumps_the_version_and_keeps_a_revision(self, editor):
        graphic = make_graphic(editor)
        updated = services.graphic_update(graphic_id=graphic.pk, user=editor, changes={"title": "Finals"},
                                          expected_version=1)
        assert updated.version == 2
        assert [r.title for r in graphic.history.order_by("history_id")] == ["Lobby standings", "Finals"]
        assert graphic.history.latest().history_user == editor

    def test_a_stale_version_is_refused_and_nothing_is_stored(self, editor):
        graphic = make_graphic(editor)
        services.graphic_update(graphic_id=graphic.pk, user=editor, changes={"title": "First"})
        with pytest.raises(Conflict) as caught:
            services.graphic_update(graphic_id=graphic.pk, user=editor, changes={"title": "Second"},
                                    expected_version=1)
        assert caught.value.code == "version_conflict"
        assert caught.value.extra == {"current_version": 2}
        graphic.refresh_from_db()
        assert (graphic.title, graphic.version) == ("First", 2)

    def test_a_session_that_is_not_the_lock_holders_is_refused(self, editor, admin_user):
        graphic = make_graphic(editor)
        services.lock_acquire(graphic_id=graphic.pk, session_id="s-admin", user=admin_user)
        with pytest.raises(Conflict) as caught:
            services.graphic_update(graphic_id=graphic.pk, user=editor, changes={"title": "x"},
                                    session_id="s-editor")
        assert caught.value.code == "locked"
        assert caught.value.extra["locked_by"] == "Alice"

    def test_the_holder_and_a_write_without_session_pass_the_lock(self, editor):
        graphic = make_graphic(editor)
        services.lock_acquire(graphic_id=graphic.pk, session_id="s1", user=editor)
        services.graphic_update(graphic_id=graphic.pk, user=editor, changes={"title": "a"}, session_id="s1")
        services.graphic_update(graphic_id=graphic.pk, user=editor, changes={"title": "b"})
        assert Graphic.objects.get().version == 3

    def test_an_unknown_tournament_is_refused(self, editor):
        graphic = make_graphic(editor)
        with pytest.raises(ValidationError) as caught:
            services.graphic_update(graphic_id=graphic.pk, user=editor, changes={"tournament_id": 999})
        assert "tournament_id" in caught.value.message_dict

    def test_an_archived_graphic_is_not_edited(self, editor):
        graphic = make_graphic(editor)
        services.graphic_archive(graphic_id=graphic.pk, user=editor)
        with pytest.raises(Conflict):
            services.graphic_update(graphic_id=graphic.pk, user=editor, changes={"title": "x"})

    def test_restoring_a_revision_is_a_new_revision(self, editor):
        graphic = make_graphic(editor)
        first = graphic.history.get()
        services.graphic_update(graphic_id=graphic.pk, user=editor,
                                changes={"title": "Changed", "data_json": canvas()})
        restored = services.graphic_revision_restore(graphic_id=graphic.pk, history_id=first.history_id,
                                                     user=editor)
        assert (restored.title, restored.version, restored.data_json) == (
            "Lobby standings", 3, canvas(text_element()))
        assert graphic.history.count() == 3

    def test_a_revision_of_another_graphic_is_not_found(self, editor):
        one, other = make_graphic(editor), make_graphic(editor, title="Other")
        with pytest.raises(NotFound):
            services.graphic_revision_restore(graphic_id=one.pk, history_id=other.history.get().history_id,
                                              user=editor)


class TestLocks:
    def test_the_same_session_extends_its_lock(self, editor, settings):
        graphic = make_graphic(editor)
        first = services.lock_acquire(graphic_id=graphic.pk, session_id="s1", user=editor)
        CanvasLock.objects.update(expires_at=timezone.now() + timedelta(seconds=5))
        again = services.lock_acquire(graphic_id=graphic.pk, session_id="s1", user=editor)
        assert again.pk == first.pk
        assert again.expires_at > timezone.now() + timedelta(seconds=settings.LOCK_TTL_SECONDS - 5)

    def test_renewing_keeps_when_and_by_whom_and_a_user_name_renames_the_holder(self, editor,
                                                                                admin_user):
        graphic = make_graphic(editor)
        first = services.lock_acquire(graphic_id=graphic.pk, session_id="s1", user=editor,
                                      holder_name="Mia")
        again = services.lock_acquire(graphic_id=graphic.pk, session_id="s1", user=admin_user)
        assert (again.locked_at, again.locked_by, again.user_id) == (first.locked_at, "Mia", editor.pk)
        renamed = services.lock_acquire(graphic_id=graphic.pk, session_id="s1", user=editor,
                                        holder_name="Noor")
        assert (renamed.locked_at, renamed.locked_by) == (first.locked_at, "Noor")
        assert CanvasLock.objects.get().locked_by == "Noor"

    def test_a_missing_or_archived_graphic_cannot_be_locked(self, editor):
        graphic = make_graphic(editor)
        services.graphic_archive(graphic_id=graphic.pk, user=editor)
        with pytest.raises(Conflict) as caught:
            services.lock_acquire(graphic_id=graphic.pk, session_id="s1", user=editor)
        assert caught.value.code == "archived"
        for missing in (graphic.pk + 1000, "abc"):
            with pytest.raises(NotFound):
                services.lock_acquire(graphic_id=missing, session_id="s1", user=editor)
            with pytest.raises(NotFound):
                services.lock_release(graphic_id=missing, session_id="s1", user=editor)
        assert not CanvasLock.objects.exists()

    def test_an_expired_lock_of_another_session_is_not_released_by_this_one(self, editor):
        graphic = make_graphic(editor)
        services.lock_acquire(graphic_id=graphic.pk, session_id="old", user=editor)
        CanvasLock.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        assert services.lock_release(graphic_id=graphic.pk, session_id="new", user=editor) is False
        assert CanvasLock.objects.get().session_id == "old"
        assert services.lock_release(graphic_id=graphic.pk, session_id="old", user=editor) is True

    def test_an_expired_lock_is_taken_over(self, editor, admin_user):
        graphic = make_graphic(editor)
        services.lock_acquire(graphic_id=graphic.pk, session_id="old", user=editor)
        CanvasLock.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        lock = services.lock_acquire(graphic_id=graphic.pk, session_id="new", user=admin_user)
        assert (lock.session_id, lock.locked_by) == ("new", "Alice")
        assert CanvasLock.objects.count() == 1

    def test_another_sessions_live_lock_refuses(self, editor, admin_user):
        graphic = make_graphic(editor)
        services.lock_acquire(graphic_id=graphic.pk, session_id="s1", user=editor)
        with pytest.raises(Conflict) as caught:
            services.lock_acquire(graphic_id=graphic.pk, session_id="s2", user=admin_user)
        assert caught.value.extra["locked_by"] == "Eddie"

    def test_refresh_needs_this_sessions_live_lock(self, editor):
        graphic = make_graphic(editor)
        with pytest.raises(NotFound):
            services.lock_refresh(graphic_id=graphic.pk, session_id="s1", user=editor)

    def test_release_is_idempotent_and_keeps_other_sessions_locks(self, editor):
        graphic = make_graphic(editor)
        assert services.lock_release(graphic_id=graphic.pk, session_id="s1", user=editor) is False
        services.lock_acquire(graphic_id=graphic.pk, session_id="s1", user=editor)
        with pytest.raises(Conflict):
            services.lock_release(graphic_id=graphic.pk, session_id="s2", user=editor)
        assert services.lock_release(graphic_id=graphic.pk, session_id="s1", user=editor) is True
        assert not CanvasLock.objects.exists()

    def test_only_an_administrator_breaks_a_lock(self, editor, admin_user, events):
        graphic = make_graphic(editor)
        services.lock_acquire(graphic_id=graphic.pk, session_id="s1", user=editor)
        with pytest.raises(PermissionDenied):
            services.lock_break(graphic_id=graphic.pk, user=editor)
        assert services.lock_break(graphic_id=graphic.pk, user=admin_user) is True
        assert not CanvasLock.objects.exists()

    def test_cleanup_removes_only_expired_locks(self, editor):
        live, stale = make_graphic(editor), make_graphic(editor, title="Stale")
        services.lock_acquire(graphic_id=live.pk, session_id="s1", user=editor)
        services.lock_acquire(graphic_id=stale.pk, session_id="s2", user=editor)
        CanvasLock.objects.filter(graphic=stale).update(expires_at=timezone.now() - timedelta(seconds=1))
        assert services.locks_cleanup() == 1
        assert list(CanvasLock.objects.values_list("graphic_id", flat=True)) == [live.pk]


class TestArchive:
    def test_archive_records_who_and_why_and_takes_it_off_air(self, editor):
        graphic = make_graphic(editor)
        services.graphic_set_on_air(graphic_id=graphic.pk, user=editor, on_air=True)
        services.graphic_archive(graphic_id=graphic.pk, user=editor, reason="old week")
        graphic.refresh_from_db()
        assert graphic.archived and not graphic.on_air and graphic.archived_at
        entry = ArchiveEntry.objects.get()
        assert (entry.action, entry.reason, entry.username) == ("archived", "old week", "Eddie")

    def test_archive_is_refused_while_another_session_holds_the_lock(self, editor):
        graphic = make_graphic(editor)
        services.lock_acquire(graphic_id=graphic.pk, session_id="s1", user=editor)
        with pytest.raises(Conflict):
            services.graphic_archive(graphic_id=graphic.pk, user=editor)
        services.graphic_archive(graphic_id=graphic.pk, user=editor, session_id="s1")
        assert not CanvasLock.objects.exists()

    def test_state_changes_are_not_revisions_and_only_air_is_in_the_history(self, editor):
        graphic = make_graphic(editor)
        services.graphic_set_on_air(graphic_id=graphic.pk, user=editor, on_air=True)
        services.graphic_overlay_key_rotate(graphic_id=graphic.pk, user=editor)
        services.graphic_archive(graphic_id=graphic.pk, user=editor)
        services.graphic_restore(graphic_id=graphic.pk, user=editor)
        reasons = list(graphic.history.order_by("history_id").values_list("version", "history_change_reason"))
        assert reasons == [(1, "created"), (1, "taken on air (layer main)")]
        assert Graphic.objects.get().version == 1

    def test_permanent_delete_keeps_the_title(self, editor, admin_user):
        graphic = make_graphic(editor)
        services.graphic_archive(graphic_id=graphic.pk, user=editor)
        with pytest.raises(PermissionDenied):
            services.graphic_delete_permanently(graphic_id=graphic.pk, user=editor)
        services.graphic_delete_permanently(graphic_id=graphic.pk, user=admin_user)
        assert not Graphic.objects.exists()
        assert sorted(ArchiveEntry.objects.values_list("action", "graphic_ref", "graphic_title")) == [
            ("archived", graphic.pk, "Lobby standings"), ("deleted", graphic.pk, "Lobby standings")]


def test_demo_seed_is_idempotent_and_valid(admin_user):
    from graphics import demo

    first = demo.seed(admin_user, base_url="http://127.0.0.1:8000")
    assert demo.seed(admin_user, base_url="http://127.0.0.1:8000") == first
    assert Graphic.objects.count() == 2
    assert all("/overlay/" in line and "?key=" in line for line in first)
    kinds = {e["type"] for g in Graphic.objects.all() for e in g.data_json["elements"]}
    assert kinds == {"text", "players", "scores", "placements"}
