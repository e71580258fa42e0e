"""The overlay socket: one graphic, read-only, opened by the OBS page with the overlay key."""

import asyncio

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.utils import timezone

from accounts.socket_auth import header, query_param
from graphics.overlay import overlay_snapshot, standings_source, tournament_standings
from realtime import events, presence
from realtime.consumers import FanoutConsumer
from realtime.events import DASHBOARD_GROUP, graphic_group, publish, tournament_group
from realtime.hub import Broadcast

CLOSE_NOT_FOUND = 4004
USER_AGENT_MAX = 300
# After these the overlay's URL no longer shows anything: forward the event, then close.
ENDING_EVENTS = frozenset({events.GRAPHIC_ARCHIVED, events.GRAPHIC_DELETED, events.OVERLAY_KEY_ROTATED})


class OverlayConsumer(FanoutConsumer):
    """Sends `snapshot` on connect and on `resync`, then every event of the graphic and of its
    tournament's standings. Unknown or archived graphic, or a wrong key: close 4004."""

    kind = "overlay"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.graphic_id: int | None = None
        self.graphic_group = ""
        self.graphic_tournament_id: int | None = None  # the tournament the graphic is bound to
        self.tournament_id: int | None = None  # the tournament whose standings it draws
        self.key = ""
        self.registered = False
        self.resync_task: asyncio.Task | None = None
        self.resync_again = False

    async def connect(self):
        await self.accept()
        self.key = query_param(self.scope, "key")
        graphic_id = self.scope["url_route"]["kwargs"]["graphic_id"]
        if not graphic_id.isdigit():
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.graphic_id = int(graphic_id)
        self.graphic_group = graphic_group(self.graphic_id)
        # Join before reading the snapshot, so no change falls between the two. Nothing goes
        # out before the snapshot (the writer starts after it), so a refused socket never sees
        # what was queued meanwhile.
        await self.join(self.graphic_group)
        snapshot = await self._snapshot()
        if snapshot is None:
            await self.leave(self.graphic_group)
            await self.close(code=CLOSE_NOT_FOUND)
            return
        await self._follow_standings(snapshot)
        self.queue_message("snapshot", snapshot)
        self.start_writer()
        record = {
            "id": self.connection_id, "kind": self.kind, "graphic_id": self.graphic_id,
            "connected_at": timezone.now().isoformat(), "last_ping": None, "version": None,
            "client": self.client_address(), "user_agent": header(self.scope, b"user-agent")[:USER_AGENT_MAX],
            "output": "preview" if query_param(self.scope, "output") == "preview" else "program",
        }
        presence.register(record)
        self.registered = True
        await self._announce(events.OVERLAY_CONNECTED)

    async def _snapshot(self) -> dict | None:
        return await database_sync_to_async(overlay_snapshot)(
            graphic_id=self.graphic_id, key=self.key
        )

    async def _follow_standings(self, snapshot: dict) -> None:
        """Join the group of the tournament whose standings the graphic draws (its own, or the
        default one for a graphic bound to none), then read the standings again, so no update
        falls between the snapshot and the join."""
        self.graphic_tournament_id = snapshot["graphic"]["tournament_id"]
        source = await database_sync_to_async(standings_source)(self.graphic_tournament_id)
        await self._follow_tournament(source)
        if source is not None:
            snapshot["standings"] = await database_sync_to_async(tournament_standings)(source)

    async def _follow_tournament(self, tournament_id: int | None) -> None:
        previous, self.tournament_id = self.tournament_id, tournament_id
        if previous == tournament_id:
            return
        if previous is not None:
            await self.leave(tournament_group(previous))
        if tournament_id is not None:
            await self.join(tournament_group(tournament_id))

    async def _announce(self, event_type: str) -> None:
        data = {"graphic_id": self.graphic_id, "connection_id": self.connection_id,
                "client": self.client_address()}
        # Off the database thread: publishing outside a transaction sends at once.
        await sync_to_async(publish, thread_sensitive=False)(DASHBOARD_GROUP, event_type, data)

    def deliver(self, broadcast: Broadcast) -> None:
        self.push(broadcast.text, broadcast.frame)
        if broadcast.group != self.graphic_group:
            return
        if broadcast.event in ENDING_EVENTS:
            self.close_after_queue(CLOSE_NOT_FOUND)
        elif broadcast.event == events.GRAPHIC_UPDATED:
            data = broadcast.data if isinstance(broadcast.data, dict) else {}
            if "tournament_id" in data and data["tournament_id"] != self.graphic_tournament_id:
                self.request_resync()

    def request_resync(self) -> None:
        """Resyncs asked for while one runs make one more, not one each."""
        if self.resync_task is not None and not self.resync_task.done():
            self.resync_again = True
            return
        self.resync_task = asyncio.ensure_future(self._resync_coalesced())

    async def _resync_coalesced(self) -> None:
        while not self.closing:
            self.resync_again = False
            await self._resync()
            if not self.resync_again:
                return

    async def _resync(self) -> None:
        snapshot = await self._snapshot()
        if snapshot is None:
            self.close_after_queue(CLOSE_NOT_FOUND)
        else:
            await self._follow_standings(snapshot)
            self.queue_message("snapshot", snapshot)

    async def receive(self, text_data=None, bytes_data=None):
        message = self.parse(text_data)
        if message is None:
            return
        if message["type"] == "ping":
            version = message.get("version")
            presence.touch(self.connection_id, last_ping=timezone.now().isoformat(),
                           version=version if isinstance(version, int) else None)
            self.queue_message("pong", {})
        elif message["type"] == "resync":
            self.request_resync()
        else:
            self.queue_message("error", {"message": "Overlays send `ping` or `resync`."})

    async def disconnect(self, code):
        if self.resync_task is not None:
            self.resync_task.cancel()
        await super().disconnect(code)
        if self.registered:
            self.registered = False
            await self._announce(events.OVERLAY_DISCONNECTED)
