"""Reads answered from bodies rendered once per state stay current: two real daphne processes on
one database, a write through one of them (or outside the services) is read at once through the
other, a lock shown as live disappears when it expires, and the list's ETag answers 304 only
until something changes."""

import time

import httpx
import pytest

from conftest import access_token
from graphics.models import Graphic
from graphics.tests.conftest import make_graphic
from realtime.tests.socket_helpers import role_groups  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("role_groups")]


@pytest.fixture
def two_processes(daphne_server, editor):
    """Process A (locks last 2 s) and B, each an httpx client with the editor's token."""
    headers = {"Authorization": f"Bearer {access_token(editor)}"}
    servers = daphne_server("reads-a", LOCK_TTL_SECONDS="2"), daphne_server("reads-b")
    clients = [httpx.Client(base_url=server.url, headers=headers, timeout=10) for server in servers]
    yield clients
    for client in clients:
        client.close()


def titles(client) -> list[str]:
    return [graphic["title"] for graphic in client.get("/api/v1/graphics").json()["graphics"]]


def test_a_write_through_one_process_is_read_at_once_through_the_other(two_processes, editor):
    a, b = two_processes
    graphic = make_graphic(editor, title="Before")
    assert titles(b) == ["Before"] and b.get(f"/api/v1/graphics/{graphic.pk}").json()["title"] == "Before"

    assert a.put(f"/api/v1/graphics/{graphic.pk}", json={"title": "After"}).status_code == 200
    one = b.get(f"/api/v1/graphics/{graphic.pk}")
    assert titles(b) == ["After"]
    assert (one.json()["title"], one.json()["version"], one.headers["ETag"]) == ("After", 2, '"2"')

    assert a.post(f"/api/v1/lock/{graphic.pk}", json={"session_id": "tab-a"}).status_code == 200
    assert b.get(f"/api/v1/graphics/{graphic.pk}").json()["canvas_lock"]["locked_by"] == editor.player_name
    assert b.get("/api/v1/graphics").json()["graphics"][0]["canvas_lock"] is not None
    assert a.request("DELETE", f"/api/v1/lock/{graphic.pk}", json={"session_id": "tab-a"}).status_code == 200
    assert b.get(f"/api/v1/graphics/{graphic.pk}").json()["canvas_lock"] is None
    assert b.get("/api/v1/graphics").json()["graphics"][0]["canvas_lock"] is None

    created = a.post("/api/v1/graphics", json={"title": "Second"}).json()
    assert titles(b) == ["Second", "After"]
    assert a.delete(f"/api/v1/graphics/{created['id']}").status_code == 200
    assert titles(b) == ["After"]


def test_a_change_made_outside_the_services_is_read_at_once(two_processes, editor):
    _a, b = two_processes
    graphic = make_graphic(editor, title="Before")
    assert titles(b) == ["Before"]
    assert b.get(f"/api/v1/graphics/{graphic.pk}").json()["title"] == "Before"

    Graphic.objects.filter(pk=graphic.pk).update(title="Bulk update")

    assert titles(b) == ["Bulk update"]
    assert b.get(f"/api/v1/graphics/{graphic.pk}").json()["title"] == "Bulk update"


def test_a_lock_shown_as_live_is_gone_when_it_expires_without_a_write(two_processes, editor):
    a, b = two_processes
    graphic = make_graphic(editor)
    assert a.post(f"/api/v1/lock/{graphic.pk}", json={"session_id": "tab-a"}).status_code == 200
    lock = b.get(f"/api/v1/graphics/{graphic.pk}").json()["canvas_lock"]
    assert lock is not None and lock["locked"] is True
    assert b.get("/api/v1/graphics").json()["graphics"][0]["canvas_lock"] is not None

    time.sleep(2.2)

    assert b.get(f"/api/v1/graphics/{graphic.pk}").json()["canvas_lock"] is None
    assert b.get("/api/v1/graphics").json()["graphics"][0]["canvas_lock"] is None


def test_the_list_answers_304_to_its_etag_until_something_changes(two_processes, editor):
    a, b = two_processes
    graphic = make_graphic(editor)
    first = b.get("/api/v1/graphics")
    etag = first.headers["ETag"]

    unchanged = b.get("/api/v1/graphics", headers={"If-None-Match": etag})
    assert a.post(f"/api/v1/graphics/{graphic.pk}/take").status_code == 200
    changed = b.get("/api/v1/graphics", headers={"If-None-Match": etag})

    assert (unchanged.status_code, unchanged.content, unchanged.headers["ETag"]) == (304, b"", etag)
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.json()["graphics"][0]["on_air"] is True
    assert b.get("/api/v1/graphics", headers={"If-None-Match": changed.headers["ETag"]}).status_code == 304
