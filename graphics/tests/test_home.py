"""`/`, the start page: what this server is, where to go, the connected overlays (staff with a
league role), the demo logins in DEBUG; the admin's "View site" leads there."""

import pytest
from django.test import Client

from accounts.roles import VIEWER
from conftest import make_user
from graphics.models import Graphic
from realtime.tests.socket_helpers import eventually, open_socket, receive, role_groups  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("role_groups")]


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


def staff_client(role=VIEWER) -> Client:
    client = Client()
    client.force_login(make_user("sofia-staff", role, is_staff=True))
    return client


def test_anyone_learns_what_the_server_is_and_where_to_go(settings):
    settings.DEBUG = False

    response = Client().get("/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "tournament backend of the Guardian Angel League" in page
    for link in ('href="/admin/"', 'href="/docs"', 'href="/api/v1/graphics"', 'href="/health"'):
        assert link in page
    assert "Log in to the" in page  # overlays are for staff only
    assert "Demo logins" not in page and "galdash-admin" not in page


def test_demo_logins_are_shown_in_debug_only(settings):
    settings.DEBUG = True
    settings.DASHBOARD_MASTER_PASSWORD = "galdash-dev"

    page = Client().get("/").content.decode()

    assert "Demo logins" in page and "galdash-admin" in page and "galdash-dev" in page


def test_the_admin_view_site_link_leads_to_the_start_page():
    page = staff_client().get("/admin/").content.decode()

    assert '<a href="/">View site</a>' in page


async def test_staff_see_the_connected_overlays():
    graphic = await Graphic.objects.acreate(title="Lower third", data_json={"elements": []}, version=4)
    socket = await open_socket(f"/ws/overlay/{graphic.pk}/?key={graphic.overlay_key}")
    await receive(socket)
    client = await sync(staff_client)

    page = await eventually(lambda: _page_listing(client, "Lower third"))

    assert f"/admin/graphics/graphic/{graphic.pk}/change/" in page
    anonymous = await sync(lambda: Client().get("/").content.decode())
    assert "Lower third" not in anonymous
    await socket.disconnect()


def _page_listing(client: Client, title: str) -> str | None:
    page = client.get("/").content.decode()
    return page if title in page else None


async def sync(function):
    from channels.db import database_sync_to_async

    return await database_sync_to_async(function)()
