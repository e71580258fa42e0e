"""What a real daphne writes to its log (its access log and the project's request log):
no dashboard token, no overlay key, and one request is one line whatever its path holds."""

import asyncio
import json

import httpx
import pytest
import websockets
from channels.db import database_sync_to_async

from conftest import access_token
from core.logs import log_safe
from graphics.models import Graphic
from realtime.tests.socket_helpers import role_groups  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("role_groups")]


async def test_tokens_keys_and_forged_lines_never_reach_the_log(daphne_server, editor):
    server = await database_sync_to_async(daphne_server)("logs")
    graphic = await database_sync_to_async(Graphic.objects.create)(
        title="G", data_json={"elements": []}, version=1)
    token = await database_sync_to_async(access_token)(editor)
    key = graphic.overlay_key

    for url in (f"{server.ws_url}/api/v1/ws/{token}", f"{server.ws_url}/ws/dashboard/?token={token}",
                f"{server.ws_url}/ws/overlay/{graphic.pk}/?key={key}"):
        async with websockets.connect(url) as socket:
            await asyncio.wait_for(socket.recv(), 5)
    async with httpx.AsyncClient(base_url=server.url, timeout=5) as client:
        assert (await client.get(f"/overlay/{graphic.pk}/?key={key}")).status_code == 200
        assert (await client.get(f"/api/v1/graphics/{graphic.pk}/view?key={key}")).status_code == 200
        forged = await client.get("/api/v1/nothing%0D%0A2026-12-04 forged INFO line%00")
        assert forged.status_code in (400, 404)
    await asyncio.sleep(0.5)  # daphne flushes its access log line by line

    log = server.log_path.read_text(errors="replace")
    assert token not in log and token.split(".")[2] not in log
    assert key not in log
    assert not any(line.startswith("2026-12-04 forged") for line in log.splitlines())
    # Positive controls: every request above was logged, masked.
    assert '"WSCONNECT /api/v1/ws/***"' in log
    assert '"WSCONNECT /ws/dashboard/"' in log
    assert f'"GET /overlay/{graphic.pk}/?key=***" 200' in log
    assert "GET /api/v1/nothing\\x0d\\x0a2026-12-04 forged INFO line\\x00 400" in log


def test_log_safe_masks_and_escapes():
    assert log_safe("GET /api/v1/ws/eyJa.eyJb.sig") == "GET /api/v1/ws/***"
    assert log_safe("/ws/overlay/3/?key=abc&x=1") == "/ws/overlay/3/?key=***&x=1"
    assert log_safe("/ws/status") == "/ws/status"
    assert log_safe("/a\r\nforged") == "/a\\x0d\\x0aforged"
    assert json.loads(json.dumps(log_safe("x\x00y"))) == "x\\x00y"
