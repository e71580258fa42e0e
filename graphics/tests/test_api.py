import json
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import client_for, make_user
from graphics import services
from graphics.models import ArchiveEntry, CanvasLock, Graphic
from graphics.payloads import MASKED_SESSION_ID
from graphics.tests.conftest import canvas, list_element, make_graphic, text_element
from realtime.events import graphic_group
from tournaments.models import Tournament

pytestmark = pytest.mark.django_db

API = "/api/v1"
GRAPHIC_KEYS = {"id", "title", "event_name", "data_json", "created_by", "created_at", "updated_at",
                "archived", "version", "on_air", "overlay_url", "tournament_id", "canvas_lock",
                "layer", "transition_in", "transition_out", "transition_duration_ms"}


@pytest.fixture
def graphic(editor):
    return make_graphic(editor)


class TestList:
    def test_newest_first_without_archived(self, viewer_api, editor):
        old = make_graphic(editor, title="Old")
        new = make_graphic(editor, title="New")
        hidden = make_graphic(editor, title="Hidden")
        services.graphic_archive(graphic_id=hidden.pk, user=editor)
        response = viewer_api.get(f"{API}/graphics")
        assert response.status_code == 200
        body = response.json()
        assert [g["id"] for g in body["graphics"]] == [new.pk, old.pk]
        assert body["total"] == 2
        assert set(body["graphics"][0]) == GRAPHIC_KEYS

    def test_each_item_is_the_graphic_as_its_own_route_answers_it(self, viewer_api, editor):
        tournament = Tournament.objects.create(name="Cup")
        graphic = make_graphic(editor, title="Ünïcode \"quoted\" </script>", tournament_id=tournament.pk,
                               data_json=canvas(text_element(content="été 🏆"), list_element(), settings={"a": [1.5]}))
        services.lock_acquire(graphic_id=graphic.pk, session_id="tab", user=editor)
        [item] = viewer_api.get(f"{API}/graphics").json()["graphics"]
        assert item == viewer_api.get(f"{API}/graphics/{graphic.pk}").json()
        assert item["canvas_lock"]["locked_by"] == "Eddie" and item["canvas_lock"]["session_id"] == MASKED_SESSION_ID

    def test_conditional_requests_follow_the_list_etag(self, viewer_api, editor):
        graphic = make_graphic(editor)
        first = viewer_api.get(f"{API}/graphics")
        etag = first["ETag"]

        unchanged = viewer_api.get(f"{API}/graphics", HTTP_IF_NONE_MATCH=etag)
        weak = viewer_api.get(f"{API}/graphics", HTTP_IF_NONE_MATCH=f'"other", W/{etag}')
        refused = viewer_api.get(f"{API}/graphics", HTTP_IF_MATCH='"an-older-list"')
        services.graphic_update(graphic_id=graphic.pk, user=editor, changes={"title": "Renamed"})
        changed = viewer_api.get(f"{API}/graphics", HTTP_IF_NONE_MATCH=etag)

        assert (unchanged.status_code, unchanged.content, unchanged["ETag"]) == (304, b"", etag)
        assert weak.status_code == 304
        assert (refused.status_code, refused.json()["code"]) == (412, "precondition_failed")
        assert changed.status_code == 200 and changed["ETag"] != etag
        assert changed.json()["graphics"][0]["title"] == "Renamed"

    def test_filters(self, viewer_api, editor):
        make_graphic(editor, title="Finals board", event_name="Finals")
        make_graphic(editor, title="Week one", event_name="Week 1")
        archived = make_graphic(editor, title="Gone", event_name="Week 1")
        services.graphic_archive(graphic_id=archived.pk, user=editor)
        titles = lambda query: [g["title"] for g in viewer_api.get(f"{API}/graphics?{query}").json()["graphics"]]  # noqa: E731
        assert titles("event_name=Finals") == ["Finals board"]
        assert titles("q=week") == ["Week one"]
        assert titles("include_archived=true&event_name=Week 1") == ["Gone", "Week one"]

    def test_needs_a_token(self, api_client):
        response = api_client.get(f"{API}/graphics")
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"

    @pytest.mark.parametrize("count", [5, 200])
    def test_query_count_does_not_grow_with_rows(self, viewer_api, editor, count, django_assert_max_num_queries):
        Graphic.objects.bulk_create(Graphic(title=f"G{n}", data_json=canvas()) for n in range(count))
        for graphic in Graphic.objects.all()[:3]:
            services.lock_acquire(graphic_id=graphic.pk, session_id=f"s{graphic.pk}", user=editor)
        with django_assert_max_num_queries(4):  # user, groups, graphics with their locks
            response = viewer_api.get(f"{API}/graphics")
        assert response.json()["total"] == count
        assert sum(1 for g in response.json()["graphics"] if g["canvas_lock"]) == 3


class TestCreate:
    def test_creates_and_publishes(self, editor_api, events, django_capture_on_commit_callbacks, settings):
        settings.PUBLIC_BASE_URL = "https://gal.example"
        body = {"title": "Title card", "event_name": "Week 2", "data_json": canvas(text_element())}
        with django_capture_on_commit_callbacks(execute=True):
            response = editor_api.post(f"{API}/graphics", body, format="json")
        assert response.status_code == 201
        created = response.json()
        graphic = Graphic.objects.get()
        assert created["id"] == graphic.pk
        assert created["version"] == 1 and created["created_by"] == "Eddie"
        assert created["overlay_url"] == f"https://gal.example/overlay/{graphic.pk}/?key={graphic.overlay_key}"
        assert response["ETag"] == '"1"'
        [event] = events.received()
        assert event["type"] == "graphic_created" and event["data"] == created

    def test_overlay_url_from_the_request_without_a_public_base(self, editor_api):
        created = editor_api.post(f"{API}/graphics", {"title": "T", "data_json": canvas()}, format="json").json()
        assert created["overlay_url"].startswith(f"http://testserver/overlay/{created['id']}/?key=")

    @pytest.mark.parametrize("body", [{"title": "A"}, {"title": "A", "data_json": None},
                                      {"title": "A", "data_json": {}}])
    def test_no_null_or_empty_canvas_creates_an_empty_canvas(self, editor_api, body):
        response = editor_api.post(f"{API}/graphics", body, format="json")
        assert response.status_code == 201
        assert response.json()["data_json"] == {"background": None, "elements": []}
        assert Graphic.objects.get(pk=response.json()["id"]).data_json == {"background": None, "elements": []}

    def test_a_malformed_canvas_is_still_refused_naming_the_field(self, editor_api):
        response = editor_api.post(f"{API}/graphics", {"title": "A", "data_json": {"elements": "x"}},
                                   format="json")
        assert response.status_code == 400 and "data_json.elements" in response.json()["errors"]
        assert not Graphic.objects.exists()

    def test_data_json_may_be_a_string(self, editor_api):
        sent = editor_api.post(f"{API}/graphics", {"title": "B", "data_json": json.dumps(canvas(list_element()))},
                               format="json")
        assert sent.json()["data_json"] == canvas(list_element())

    def test_with_a_tournament(self, editor_api):
        tournament = Tournament.objects.create(name="Cup")
        created = editor_api.post(f"{API}/graphics", {"title": "T", "tournament_id": tournament.pk}, format="json")
        assert created.json()["tournament_id"] == tournament.pk

    @pytest.mark.parametrize("body, field", [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 256}, "title"),
        ({}, "title"),
        ({"title": "T", "data_json": "{oops"}, "data_json"),
        ({"title": "T", "data_json": [1]}, "data_json"),
        ({"title": "T", "data_json": {"elements": [{"id": "a", "type": "text", "x": 1, "y": 2}]}},
         "data_json.elements[0].content"),
        ({"title": "T", "tournament_id": 12345}, "tournament_id"),
        ({"title": "T", "event_name": "e" * 256}, "event_name"),
    ])
    def test_bad_input_is_refused_and_nothing_stored(self, editor_api, body, field):
        response = editor_api.post(f"{API}/graphics", body, format="json")
        assert response.status_code == 400
        assert response.json()["code"] == "invalid"
        assert field in response.json()["errors"]
        assert not Graphic.objects.exists()

    def test_malformed_json_body(self, editor_api):
        response = editor_api.post(f"{API}/graphics", "{title", content_type="application/json")
        assert response.status_code == 400
        assert not Graphic.objects.exists()

    def test_canvas_over_five_megabytes(self, editor_api):
        big = canvas(text_element(content="x" * (5 * 1024 * 1024)))
        response = editor_api.post(f"{API}/graphics", {"title": "Big", "data_json": big}, format="json")
        assert response.status_code == 413
        assert response.json()["code"] == "payload_too_large"
        assert not Graphic.objects.exists()

    def test_a_viewer_cannot_create(self, viewer_api):
        assert viewer_api.post(f"{API}/graphics", {"title": "T"}, format="json").status_code == 403


class TestDetailAndUpdate:
    def test_get(self, viewer_api, graphic):
        response = viewer_api.get(f"{API}/graphics/{graphic.pk}/")
        assert response.status_code == 200
        assert response.json()["title"] == "Lobby standings"

    def test_unknown_id(self, viewer_api, editor_api):
        assert viewer_api.get(f"{API}/graphics/999").status_code == 404
        assert editor_api.put(f"{API}/graphics/999", {"title": "x"}, format="json").json()["code"] == "not_found"

    def test_partial_update_publishes_to_the_dashboard_and_the_overlay(
            self, editor_api, graphic, events, django_capture_on_commit_callbacks, settings):
        settings.PUBLIC_BASE_URL = "https://gal.example"
        with django_capture_on_commit_callbacks(execute=True):
            response = editor_api.put(f"{API}/graphics/{graphic.pk}",
                                      {"data_json": json.dumps(canvas()), "version": 1}, format="json")
        assert response.status_code == 200
        body = response.json()
        assert (body["title"], body["data_json"], body["version"]) == ("Lobby standings", canvas(), 2)
        for group in ("dashboard", graphic_group(graphic.pk)):
            [event] = events.received(group)
            assert event["type"] == "graphic_updated" and event["data"] == body

    def test_version_conflict_keeps_the_first_save(self, editor_api, graphic):
        first = editor_api.put(f"{API}/graphics/{graphic.pk}", {"title": "Mine", "version": 1}, format="json")
        assert first.status_code == 200
        second = editor_api.put(f"{API}/graphics/{graphic.pk}", {"title": "Theirs", "version": 1}, format="json")
        assert second.status_code == 409
        assert second.json() == {"detail": second.json()["detail"], "code": "version_conflict",
                                 "current_version": 2}
        assert Graphic.objects.get().title == "Mine"

    def test_if_match(self, editor_api, graphic):
        stale = editor_api.put(f"{API}/graphics/{graphic.pk}", {"title": "A"}, format="json", HTTP_IF_MATCH='"7"')
        assert stale.status_code == 409
        ok = editor_api.put(f"{API}/graphics/{graphic.pk}", {"title": "A"}, format="json", HTTP_IF_MATCH='W/"1"')
        assert ok.status_code == 200 and ok["ETag"] == '"2"'
        bad = editor_api.put(f"{API}/graphics/{graphic.pk}", {"title": "B"}, format="json", HTTP_IF_MATCH="abc")
        assert bad.status_code == 400 and "If-Match" in bad.json()["errors"]

    def test_another_sessions_lock_refuses_the_write(self, editor_api, admin_user, graphic):
        services.lock_acquire(graphic_id=graphic.pk, session_id="admin-tab", user=admin_user)
        response = editor_api.put(f"{API}/graphics/{graphic.pk}", {"title": "x", "session_id": "mine"}, format="json")
        assert response.status_code == 409
        body = response.json()
        assert (body["code"], body["locked_by"]) == ("locked", "Alice")
        assert body["expires_at"] == CanvasLock.objects.get().expires_at.isoformat()
        assert Graphic.objects.get().title == "Lobby standings"

    def test_bad_element_is_refused(self, editor_api, graphic):
        response = editor_api.put(f"{API}/graphics/{graphic.pk}",
                                  {"data_json": {"elements": [list_element(previewCount="8")]}}, format="json")
        assert response.status_code == 400
        assert "data_json.elements[0].previewCount" in response.json()["errors"]
        assert Graphic.objects.get().version == 1

    def test_null_tournament_unbinds(self, editor_api, editor):
        tournament = Tournament.objects.create(name="Cup")
        graphic = make_graphic(editor, tournament_id=tournament.pk)
        response = editor_api.put(f"{API}/graphics/{graphic.pk}", {"tournament_id": None}, format="json")
        assert response.json()["tournament_id"] is None

    def test_a_viewer_cannot_write(self, viewer_api, graphic):
        assert viewer_api.put(f"{API}/graphics/{graphic.pk}", {"title": "x"}, format="json").status_code == 403


class TestDeleteAndDuplicate:
    def test_delete_archives(self, editor_api, graphic, events, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = editor_api.delete(f"{API}/graphics/{graphic.pk}")
        assert response.status_code == 200
        assert response.json()["success"] is True and response.json()["graphic_id"] == graphic.pk
        assert Graphic.objects.get().archived
        assert events.types() == ["graphic_archived"]

    def test_delete_refused_while_another_session_holds_the_lock(self, editor_api, admin_user, graphic):
        services.lock_acquire(graphic_id=graphic.pk, session_id="admin-tab", user=admin_user)
        response = editor_api.delete(f"{API}/graphics/{graphic.pk}")
        assert response.status_code == 409 and response.json()["code"] == "locked"
        assert not Graphic.objects.get().archived

    def test_delete_by_the_lock_holder_ends_the_lock(self, editor_api, editor, graphic, events,
                                                     django_capture_on_commit_callbacks):
        services.lock_acquire(graphic_id=graphic.pk, session_id="tab", user=editor)
        with django_capture_on_commit_callbacks(execute=True):
            assert editor_api.delete(f"{API}/graphics/{graphic.pk}?session_id=tab").status_code == 200
        assert not CanvasLock.objects.exists()
        assert [(e["type"], e["data"].get("reason")) for e in events.received()] == [
            ("lock_released", "archived"), ("graphic_archived", None)]

    def test_duplicate(self, editor_api, graphic, events, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = editor_api.post(f"{API}/graphics/{graphic.pk}/duplicate")
        assert response.status_code == 201
        copy = response.json()
        assert (copy["title"], copy["event_name"], copy["version"]) == ("Lobby standings (Copy)", "Week 1", 1)
        assert copy["data_json"] == graphic.data_json and copy["id"] != graphic.pk
        assert events.types() == ["graphic_created"]

    def test_duplicate_with_new_names(self, editor_api, graphic):
        by_query = editor_api.post(f"{API}/graphics/{graphic.pk}/duplicate?new_title=Q&new_event_name=E")
        assert (by_query.json()["title"], by_query.json()["event_name"]) == ("Q", "E")
        by_body = editor_api.post(f"{API}/graphics/{graphic.pk}/duplicate", {"new_title": "B"}, format="json")
        assert by_body.json()["title"] == "B"
        too_long = editor_api.post(f"{API}/graphics/{graphic.pk}/duplicate", {"new_title": "x" * 300}, format="json")
        assert too_long.status_code == 400 and "new_title" in too_long.json()["errors"]

    def test_duplicate_unknown(self, editor_api):
        assert editor_api.post(f"{API}/graphics/404/duplicate").status_code == 404

    def test_permanent_delete(self, admin_api, graphic, events, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_api.delete(f"{API}/graphics/{graphic.pk}/permanent")
        assert response.status_code == 200
        assert not Graphic.objects.exists()
        assert ArchiveEntry.objects.get().graphic_title == "Lobby standings"
        [event] = events.received()
        assert event == {**event, "type": "graphic_deleted", "data": {"id": graphic.pk, "title": "Lobby standings"}}

    def test_permanent_delete_needs_an_administrator(self, editor_api, graphic):
        assert editor_api.delete(f"{API}/graphics/{graphic.pk}/permanent").status_code == 403
        assert Graphic.objects.exists()

    def test_permanent_delete_refused_while_locked(self, admin_api, editor, graphic):
        services.lock_acquire(graphic_id=graphic.pk, session_id="tab", user=editor)
        assert admin_api.delete(f"{API}/archive/{graphic.pk}/permanent").status_code == 409
        assert Graphic.objects.exists()


class TestOverlayView:
    def test_with_the_key(self, api_client, graphic):
        response = api_client.get(f"{API}/graphics/{graphic.pk}/view?key={graphic.overlay_key}")
        assert response.status_code == 200
        assert response.json() == {"id": graphic.pk, "title": graphic.title, "data_json": graphic.data_json,
                                   "standings": []}

    def test_with_a_token(self, viewer_api, graphic):
        assert viewer_api.get(f"{API}/graphics/{graphic.pk}/view").status_code == 200

    def test_without_or_with_a_wrong_key(self, api_client, graphic):
        assert api_client.get(f"{API}/graphics/{graphic.pk}/view").status_code == 401
        response = api_client.get(f"{API}/graphics/{graphic.pk}/view?key=wrong")
        assert response.status_code == 401 and response.json()["code"] == "overlay_key_required"

    def test_key_not_required_when_configured(self, api_client, graphic, settings):
        settings.OVERLAY_REQUIRE_KEY = False
        assert api_client.get(f"{API}/graphics/{graphic.pk}/view").status_code == 200

    def test_archived_or_unknown(self, api_client, editor, graphic):
        services.graphic_archive(graphic_id=graphic.pk, user=editor)
        assert api_client.get(f"{API}/graphics/{graphic.pk}/view?key={graphic.overlay_key}").status_code == 404
        assert api_client.get(f"{API}/graphics/999/view?key=x").status_code == 404

    def test_stays_up_with_the_dashboard_off(self, api_client, graphic, settings):
        settings.ENABLE_DASHBOARD = False
        assert api_client.get(f"{API}/graphics/{graphic.pk}/view?key={graphic.overlay_key}").status_code == 200


class TestRevisions:
    def test_list_and_restore(self, editor_api, editor, graphic, events, django_capture_on_commit_callbacks):
        services.graphic_update(graphic_id=graphic.pk, user=editor, changes={"title": "Second"})
        listed = editor_api.get(f"{API}/graphics/{graphic.pk}/revisions")
        assert listed.status_code == 200
        revisions = listed.json()["revisions"]
        assert [(r["version"], r["title"], r["changed_by"]) for r in revisions] == [
            (2, "Second", "Eddie"), (1, "Lobby standings", "Eddie")]
        with django_capture_on_commit_callbacks(execute=True):
            restored = editor_api.post(f"{API}/graphics/{graphic.pk}/revisions/{revisions[1]['revision_id']}/restore")
        assert restored.status_code == 200
        assert (restored.json()["title"], restored.json()["version"]) == ("Lobby standings", 3)
        assert events.types() == ["graphic_updated"]
        assert editor_api.get(f"{API}/graphics/{graphic.pk}/revisions").json()["total"] == 3

    def test_restore_with_a_stale_version(self, editor_api, graphic):
        revision = graphic.history.get()
        response = editor_api.post(f"{API}/graphics/{graphic.pk}/revisions/{revision.history_id}/restore",
                                   {"version": 5}, format="json")
        assert response.status_code == 409 and response.json()["current_version"] == 1

    def test_unknown_revision_or_graphic(self, editor_api, viewer_api, graphic):
        assert editor_api.post(f"{API}/graphics/{graphic.pk}/revisions/999/restore").status_code == 404
        assert viewer_api.get(f"{API}/graphics/999/revisions").status_code == 404

    def test_a_viewer_reads_but_cannot_restore(self, viewer_api, graphic):
        revision = graphic.history.get()
        assert viewer_api.get(f"{API}/graphics/{graphic.pk}/revisions").status_code == 200
        assert viewer_api.post(
            f"{API}/graphics/{graphic.pk}/revisions/{revision.history_id}/restore").status_code == 403


class TestOnAirAndOverlayKey:
    def test_take_and_clear(self, editor_api, graphic, events, django_capture_on_commit_callbacks, settings):
        settings.PUBLIC_BASE_URL = "https://gal.example"
        with django_capture_on_commit_callbacks(execute=True):
            taken = editor_api.post(f"{API}/graphics/{graphic.pk}/take")
            cleared = editor_api.post(f"{API}/graphics/{graphic.pk}/clear")
        assert taken.json()["on_air"] is True and cleared.json()["on_air"] is False
        overlay_events = events.received(graphic_group(graphic.pk))
        assert [e["type"] for e in overlay_events] == ["on_air", "off_air"]
        assert overlay_events[0]["data"] == taken.json()
        assert events.types() == ["on_air", "off_air"]

    def test_take_archived_or_unknown(self, editor_api, editor, graphic, viewer_api):
        services.graphic_archive(graphic_id=graphic.pk, user=editor)
        assert editor_api.post(f"{API}/graphics/{graphic.pk}/take").status_code == 409
        assert editor_api.post(f"{API}/graphics/999/clear").status_code == 404
        assert viewer_api.post(f"{API}/graphics/{graphic.pk}/clear").status_code == 403

    def test_rotate_overlay_key(self, editor_api, graphic, events, django_capture_on_commit_callbacks):
        old_key = graphic.overlay_key
        with django_capture_on_commit_callbacks(execute=True):
            response = editor_api.post(f"{API}/graphics/{graphic.pk}/overlay-key")
        assert response.status_code == 200
        new_key = Graphic.objects.get().overlay_key
        assert new_key != old_key
        assert response.json() == {"id": graphic.pk,
                                   "overlay_url": f"http://testserver/overlay/{graphic.pk}/?key={new_key}"}
        assert [(e["type"], e["data"]) for e in events.received(graphic_group(graphic.pk))] == [
            ("overlay_key_rotated", {"id": graphic.pk})]
        assert events.types() == ["graphic_updated"]
        assert editor_api.get(f"{API}/graphics/{graphic.pk}/view?key={old_key}").status_code == 200  # a token
        assert client_for(None).get(f"{API}/graphics/{graphic.pk}/view?key={old_key}").status_code == 401


class TestEvents:
    def test_sorted_distinct_non_empty(self, viewer_api, editor):
        for event_name in ("Week 2", "", "Finals", "Week 2"):
            make_graphic(editor, event_name=event_name)
        assert viewer_api.get(f"{API}/events").json() == ["Finals", "Week 2"]


class TestLocks:
    def test_acquire(self, editor_api, graphic, events, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = editor_api.post(f"{API}/lock/{graphic.pk}", {"session_id": "tab-1"}, format="json")
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"id", "graphic_id", "session_id", "locked", "locked_at", "expires_at", "locked_by",
                             "user_name"}
        assert (body["graphic_id"], body["session_id"], body["locked"], body["locked_by"]) == (
            graphic.pk, "tab-1", True, "Eddie")
        [event] = events.received()
        assert event["type"] == "lock_acquired"
        assert event["data"]["session_id"] == MASKED_SESSION_ID and event["data"]["graphic_id"] == graphic.pk
        assert events.received(graphic_group(graphic.pk)) == []

    def test_lock_shows_in_the_graphic_without_its_session(self, editor_api, viewer_api, graphic):
        editor_api.post(f"{API}/lock/{graphic.pk}", {"session_id": "tab-1"}, format="json")
        lock = viewer_api.get(f"{API}/graphics/{graphic.pk}").json()["canvas_lock"]
        assert lock["locked_by"] == "Eddie" and lock["session_id"] == MASKED_SESSION_ID

    def test_another_session_gets_409_naming_the_holder(self, editor_api, admin_api, graphic):
        editor_api.post(f"{API}/lock/{graphic.pk}", {"session_id": "tab-1"}, format="json")
        response = admin_api.post(f"{API}/lock/{graphic.pk}", {"session_id": "tab-2"}, format="json")
        assert response.status_code == 409
        assert response.json()["locked_by"] == "Eddie" and "expires_at" in response.json()

    def test_acquire_bad_input(self, editor_api, viewer_api, graphic):
        assert editor_api.post(f"{API}/lock/{graphic.pk}", {}, format="json").status_code == 400
        assert editor_api.post(f"{API}/lock/{graphic.pk}", {"session_id": "s" * 129}, format="json").status_code == 400
        assert editor_api.post(f"{API}/lock/999", {"session_id": "s"}, format="json").status_code == 404
        assert viewer_api.post(f"{API}/lock/{graphic.pk}", {"session_id": "s"}, format="json").status_code == 403

    def test_release(self, editor_api, graphic, events, django_capture_on_commit_callbacks):
        editor_api.post(f"{API}/lock/{graphic.pk}", {"session_id": "tab-1"}, format="json")
        with django_capture_on_commit_callbacks(execute=True):
            response = editor_api.delete(f"{API}/lock/{graphic.pk}", {"session_id": "tab-1"}, format="json")
        assert response.status_code == 200 and response.json()["success"] is True
        assert not CanvasLock.objects.exists()
        assert [(e["type"], e["data"]["reason"]) for e in events.received()] == [("lock_released", "released")]
        again = editor_api.delete(f"{API}/lock/{graphic.pk}", {"session_id": "tab-1"}, format="json")
        assert again.status_code == 200

    def test_release_without_session_or_of_another_session(self, editor_api, admin_api, graphic):
        assert editor_api.delete(f"{API}/lock/{graphic.pk}").status_code == 400
        editor_api.post(f"{API}/lock/{graphic.pk}", {"session_id": "tab-1"}, format="json")
        assert admin_api.delete(f"{API}/lock/{graphic.pk}?session_id=other").status_code == 409
        assert CanvasLock.objects.exists()

    def test_refresh(self, editor_api, graphic):
        editor_api.post(f"{API}/lock/{graphic.pk}", {"session_id": "tab-1"}, format="json")
        CanvasLock.objects.update(expires_at=timezone.now() + timedelta(seconds=3))
        response = editor_api.post(f"{API}/lock/{graphic.pk}/refresh", {"session_id": "tab-1"}, format="json")
        assert response.status_code == 200
        assert CanvasLock.objects.get().expires_at > timezone.now() + timedelta(seconds=200)

    def test_refresh_errors(self, editor_api, graphic):
        assert editor_api.post(f"{API}/lock/{graphic.pk}/refresh", {}, format="json").status_code == 400
        missing = editor_api.post(f"{API}/lock/{graphic.pk}/refresh", {"session_id": "tab-1"}, format="json")
        assert missing.status_code == 404 and missing.json()["code"] == "lock_not_found"

    def test_status_shows_the_session_only_to_its_owner(self, editor_api, viewer_api, graphic):
        assert viewer_api.get(f"{API}/lock/{graphic.pk}/status").json() == {
            "locked": False, "lock_info": None, "can_edit": True}
        editor_api.post(f"{API}/lock/{graphic.pk}", {"session_id": "tab-1"}, format="json")
        other = viewer_api.get(f"{API}/lock/{graphic.pk}/status?session_id=tab-2").json()
        seen = (other["locked"], other["can_edit"], other["lock_info"]["session_id"])
        assert seen == (True, False, MASKED_SESSION_ID)
        owner = editor_api.get(f"{API}/lock/{graphic.pk}/status?session_id=tab-1").json()
        assert (owner["can_edit"], owner["lock_info"]["session_id"]) == (True, "tab-1")
        assert viewer_api.get(f"{API}/lock/999/status").status_code == 404

    def test_an_expired_lock_counts_as_none(self, editor_api, viewer_api, admin_api, graphic):
        editor_api.post(f"{API}/lock/{graphic.pk}", {"session_id": "tab-1"}, format="json")
        CanvasLock.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        assert viewer_api.get(f"{API}/lock/{graphic.pk}/status").json()["locked"] is False
        assert viewer_api.get(f"{API}/graphics/{graphic.pk}").json()["canvas_lock"] is None
        taken = admin_api.post(f"{API}/lock/{graphic.pk}", {"session_id": "tab-2"}, format="json")
        assert taken.status_code == 200 and taken.json()["locked_by"] == "Alice"

    def test_all_live_locks(self, editor_api, viewer_api, editor, django_assert_max_num_queries):
        graphics = [make_graphic(editor, title=f"G{n}") for n in range(3)]
        for graphic in graphics:
            editor_api.post(f"{API}/lock/{graphic.pk}", {"session_id": f"tab-{graphic.pk}"}, format="json")
        CanvasLock.objects.filter(graphic=graphics[0]).update(expires_at=timezone.now() - timedelta(seconds=1))
        with django_assert_max_num_queries(3):
            body = viewer_api.get(f"{API}/lock/status").json()
        assert body["total"] == 2
        assert [lock["graphic_id"] for lock in body["locks"]] == [graphics[1].pk, graphics[2].pk]
        assert all(lock["session_id"] == MASKED_SESSION_ID for lock in body["locks"])

    def test_break(self, admin_api, editor_api, graphic, events, django_capture_on_commit_callbacks):
        editor_api.post(f"{API}/lock/{graphic.pk}", {"session_id": "tab-1"}, format="json")
        assert editor_api.post(f"{API}/lock/{graphic.pk}/break").status_code == 403
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_api.post(f"{API}/lock/{graphic.pk}/break")
        assert response.status_code == 200
        assert not CanvasLock.objects.exists()
        [event] = events.received()
        assert event["type"] == "lock_released"
        assert event["data"] == {"graphic_id": graphic.pk, "locked_by": "Eddie", "reason": "broken by Alice"}
        assert admin_api.post(f"{API}/lock/999/break").status_code == 404

    def test_cleanup(self, admin_api, editor_api, editor):
        stale = make_graphic(editor)
        editor_api.post(f"{API}/lock/{stale.pk}", {"session_id": "tab-1"}, format="json")
        CanvasLock.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        assert editor_api.post(f"{API}/maintenance/cleanup-locks").status_code == 403
        response = admin_api.post(f"{API}/maintenance/cleanup-locks")
        assert response.status_code == 200 and response.json()["cleaned_count"] == 1
        assert not CanvasLock.objects.exists()


class TestArchive:
    def test_archive_with_reason(self, editor_api, graphic, events, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = editor_api.post(f"{API}/archive/{graphic.pk}", {"reason": "week over"}, format="json")
        assert response.status_code == 200
        body = response.json()
        graphic.refresh_from_db()
        assert body == {"success": True, "message": body["message"], "graphic_id": graphic.pk,
                        "archived_at": graphic.archived_at.isoformat()}
        assert ArchiveEntry.objects.get().reason == "week over"
        assert events.types(graphic_group(graphic.pk)) == ["graphic_archived"]

    def test_archive_errors(self, editor_api, admin_user, graphic):
        too_long = editor_api.post(f"{API}/archive/{graphic.pk}", {"reason": "r" * 501}, format="json")
        assert too_long.status_code == 400 and "reason" in too_long.json()["errors"]
        assert editor_api.post(f"{API}/archive/999").status_code == 404
        services.lock_acquire(graphic_id=graphic.pk, session_id="admin-tab", user=admin_user)
        locked = editor_api.post(f"{API}/archive/{graphic.pk}", {}, format="json")
        assert locked.status_code == 409 and locked.json()["code"] == "locked"
        assert not Graphic.objects.get().archived and not ArchiveEntry.objects.exists()

    def test_archive_twice(self, editor_api, graphic):
        editor_api.post(f"{API}/archive/{graphic.pk}")
        assert editor_api.post(f"{API}/archive/{graphic.pk}").status_code == 409

    def test_restore(self, editor_api, graphic, events, django_capture_on_commit_callbacks):
        editor_api.post(f"{API}/archive/{graphic.pk}")
        with django_capture_on_commit_callbacks(execute=True):
            response = editor_api.post(f"{API}/archive/{graphic.pk}/restore")
        assert response.status_code == 200
        assert response.json()["success"] is True and response.json()["restored_at"]
        assert not Graphic.objects.get().archived
        assert events.types() == ["graphic_restored"]
        not_archived = editor_api.post(f"{API}/archive/{graphic.pk}/restore")
        assert not_archived.status_code == 409 and not_archived.json()["code"] == "not_archived"

    def test_list(self, editor_api, admin_api, editor, django_assert_max_num_queries):
        kept = make_graphic(editor, title="Kept")
        for n in range(3):
            gone = make_graphic(editor, title=f"Gone {n}")
            services.graphic_archive(graphic_id=gone.pk, user=editor, reason=f"reason {n}")
        with django_assert_max_num_queries(4):
            body = editor_api.get(f"{API}/archive").json()
        assert body["total"] == 3 and body["can_delete"] is False
        assert [(a["title"], a["archive_reason"]) for a in body["archives"]] == [
            ("Gone 2", "reason 2"), ("Gone 1", "reason 1"), ("Gone 0", "reason 0")]
        assert set(body["archives"][0]) == GRAPHIC_KEYS | {"archived_at", "archive_reason"}
        assert kept.pk not in [a["id"] for a in body["archives"]]
        assert admin_api.get(f"{API}/archive").json()["can_delete"] is True


def test_every_route_answers_with_and_without_trailing_slash(editor_api, graphic):
    assert editor_api.get(f"{API}/graphics/").status_code == 200
    assert editor_api.post(f"{API}/lock/{graphic.pk}/", {"session_id": "s"}, format="json").status_code == 200


def test_a_deactivated_editor_is_refused(graphic):
    user = make_user("gone", "Editor", is_active=True)
    client = client_for(user)
    user.is_active = False
    user.save()
    assert client.post(f"{API}/graphics", {"title": "x"}, format="json").status_code == 401
