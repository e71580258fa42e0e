"""Faults on real daphne processes: PostgreSQL and Redis cut off behind a TCP proxy this test
controls (the machine's servers keep running), and a server process killed outright."""

import asyncio
import json
import os
import signal
import socket
import threading
import time
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
import websockets
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connection

from conftest import access_token, current_database_url
from graphics.models import Graphic
from realtime.tests.socket_helpers import role_groups  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("role_groups")]

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql",
                                    reason="needs PostgreSQL (DATABASE_URL=postgres://...)")
needs_redis = pytest.mark.skipif(not settings.REDIS_URL,
                                 reason="needs REDIS_URL (processes share Redis)")


class CuttableProxy:
    """Forwards TCP connections to `target`; `cut()` drops every connection and refuses new
    ones (accepted and closed at once) until `restore()`."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open: set[socket.socket] = set()
        self.lock = threading.Lock()
        self.cut_off = False
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.cut_off:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=3)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self.lock:
                self.open.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pipe, args=(source, sink), daemon=True).start()

    def pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        for end in (source, sink):
            self.drop(end)

    def drop(self, end: socket.socket) -> None:
        with self.lock:
            self.open.discard(end)
        try:
            end.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        end.close()

    def cut(self) -> None:
        self.cut_off = True
        with self.lock:
            ends = list(self.open)
        for end in ends:
            self.drop(end)

    def restore(self) -> None:
        self.cut_off = False

    def close(self) -> None:
        self.cut()
        self.listener.close()


def through(url: str, proxy: CuttableProxy) -> str:
    parts = urlsplit(url)
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@127.0.0.1:{proxy.port}" if userinfo else f"127.0.0.1:{proxy.port}"
    return urlunsplit(parts._replace(netloc=netloc))


@pytest.fixture
def proxy_to():
    proxies: list[CuttableProxy] = []

    def start(url: str) -> CuttableProxy:
        parts = urlsplit(url)
        proxy = CuttableProxy(parts.hostname or "127.0.0.1", parts.port)
        proxies.append(proxy)
        return proxy

    yield start
    for proxy in proxies:
        proxy.close()


@pytest.fixture
def graphic(transactional_db):
    return Graphic.objects.create(title="Scoreboard", data_json={"elements": []}, version=1)


def poll(request, until, timeout: float = 10):
    """Repeats `request()` until `until(response)`; answers the last response."""
    deadline = time.monotonic() + timeout
    while True:
        response = request()
        if until(response) or time.monotonic() > deadline:
            return response
        time.sleep(0.2)


@pytest.mark.postgres
@needs_postgres
def test_postgres_cut_off_gives_503_and_recovers_without_a_restart(
    daphne_server, proxy_to, editor, graphic
):
    database = proxy_to(current_database_url())
    server = daphne_server("pg-cut", DATABASE_URL=through(current_database_url(), database))
    client = httpx.Client(base_url=server.url, timeout=10,
                          headers={"Authorization": f"Bearer {access_token(editor)}"})
    assert client.get("/api/v1/graphics").status_code == 200

    database.cut()
    during = [client.get("/api/v1/graphics"), client.put(f"/api/v1/graphics/{graphic.pk}",
                                                        json={"title": "During the cut"})]
    health = httpx.get(f"{server.url}/health", timeout=10)
    database.restore()
    after = poll(lambda: client.get("/api/v1/graphics"), lambda r: r.status_code == 200)
    saved = client.put(f"/api/v1/graphics/{graphic.pk}", json={"title": "After the cut"})

    assert [(r.status_code, r.json()["code"]) for r in during] == [(503, "database_unavailable")] * 2
    assert all(r.headers.get("Retry-After") for r in during)
    assert health.status_code == 503
    assert after.status_code == 200
    assert saved.status_code == 200
    graphic.refresh_from_db()
    assert (graphic.title, graphic.version) == ("After the cut", 2)


async def next_message(socket, kind: str, timeout: float = 5) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        message = json.loads(await asyncio.wait_for(socket.recv(), deadline - time.monotonic()))
        if message["type"] == kind:
            return message


async def snapshot_after_reconnect(url: str, timeout: float = 15) -> dict:
    """What an overlay page does: reconnect with a short backoff until a snapshot arrives."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            async with websockets.connect(url, open_timeout=3) as socket:
                return await next_message(socket, "snapshot", timeout=3)
        except (OSError, TimeoutError, websockets.WebSocketException):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.3)


async def current_after_a_gap(socket, url: str, version: int) -> dict:
    """What an overlay page does once Redis is back: an update whose version skips one it
    never saw makes it ask for a fresh snapshot; a closed socket makes it reconnect."""
    try:
        while True:
            message = json.loads(await asyncio.wait_for(socket.recv(), 10))
            if message["type"] == "graphic_updated" and message["data"]["version"] >= version:
                await socket.send(json.dumps({"type": "resync"}))
                return await next_message(socket, "snapshot")
    except websockets.ConnectionClosed:
        return await snapshot_after_reconnect(url)


@pytest.mark.redis
@needs_redis
async def test_redis_cut_off_overlays_resync_and_database_writes_survive(
    daphne_server, proxy_to, editor, graphic
):
    redis = proxy_to(settings.REDIS_URL)
    server = daphne_server("redis-cut", REDIS_URL=through(settings.REDIS_URL, redis))
    token = await database_sync_to_async(access_token)(editor)
    url = f"{server.ws_url}/ws/overlay/{graphic.pk}/?key={graphic.overlay_key}"
    client = httpx.AsyncClient(base_url=server.url, timeout=10,
                               headers={"Authorization": f"Bearer {token}"})

    async with websockets.connect(url) as overlay:
        await next_message(overlay, "snapshot")
        redis.cut()
        during = await client.put(f"/api/v1/graphics/{graphic.pk}",
                                  json={"title": "Written in the outage"})
        redis.restore()
        await asyncio.sleep(1)  # the server's layer reconnects on its own
        after = await client.put(f"/api/v1/graphics/{graphic.pk}", json={"title": "After the outage"})
        resynced = await current_after_a_gap(overlay, url, version=3)
    await client.aclose()

    assert during.status_code == 200, during.text
    assert during.json()["version"] == 2
    assert after.status_code == 200, after.text
    assert (resynced["data"]["graphic"]["title"], resynced["data"]["graphic"]["version"]) == (
        "After the outage", 3)
    stored = await database_sync_to_async(Graphic.objects.get)(pk=graphic.pk)
    assert (stored.title, stored.version) == ("After the outage", 3)
    assert await database_sync_to_async(stored.history.count)() >= 3


@pytest.mark.redis
@needs_redis
async def test_an_overlay_on_a_killed_process_reconnects_to_the_other_and_gets_the_current_snapshot(
    daphne_server, editor, graphic
):
    doomed, survivor = daphne_server("doomed"), daphne_server("survivor")
    token = await database_sync_to_async(access_token)(editor)
    path = f"/ws/overlay/{graphic.pk}/?key={graphic.overlay_key}"

    async with websockets.connect(doomed.ws_url + path) as overlay:
        await next_message(overlay, "snapshot")
        os.kill(doomed.process.pid, signal.SIGKILL)
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(overlay.recv(), 5)
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as client:
        edited = await client.put(f"{survivor.url}/api/v1/graphics/{graphic.pk}",
                                  json={"title": "Edited while the overlay was away"})
    async with websockets.connect(survivor.ws_url + path) as overlay:
        snapshot = await next_message(overlay, "snapshot")

    assert edited.status_code == 200
    assert (snapshot["data"]["graphic"]["title"], snapshot["data"]["graphic"]["version"]) == (
        "Edited while the overlay was away", 2)


@pytest.mark.redis
@needs_redis
async def test_after_redis_comes_back_the_next_edit_reaches_a_connected_dashboard(
    daphne_server, proxy_to, editor, graphic
):
    redis = proxy_to(settings.REDIS_URL)
    server = daphne_server("redis-back", REDIS_URL=through(settings.REDIS_URL, redis))
    token = await database_sync_to_async(access_token)(editor)

    async with websockets.connect(f"{server.ws_url}/ws/dashboard/?token={token}") as dashboard, \
            httpx.AsyncClient(base_url=server.url, timeout=10,
                              headers={"Authorization": f"Bearer {token}"}) as client:
        await asyncio.wait_for(dashboard.recv(), 3)
        redis.cut()
        await asyncio.sleep(0.5)
        redis.restore()
        await asyncio.sleep(1)
        edited = await client.put(f"/api/v1/graphics/{graphic.pk}", json={"title": "Back on air"})
        update = await next_message(dashboard, "graphic_updated")

    assert edited.status_code == 200
    assert (update["data"]["title"], update["data"]["version"]) == ("Back on air", 2)


@pytest.mark.redis
@needs_redis
async def test_an_overlay_connecting_right_after_the_last_socket_closed_gets_its_snapshot(
    daphne_server, editor, graphic
):
    server = daphne_server("hub-restart")
    token = await database_sync_to_async(access_token)(editor)
    url = f"{server.ws_url}/ws/overlay/{graphic.pk}/?key={graphic.overlay_key}"

    for _ in range(3):
        async with websockets.connect(f"{server.ws_url}/ws/dashboard/?token={token}") as dashboard:
            await asyncio.wait_for(dashboard.recv(), 3)
        async with websockets.connect(url) as overlay:
            assert (await next_message(overlay, "snapshot", timeout=3))["type"] == "snapshot"
