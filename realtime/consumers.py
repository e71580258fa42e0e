"""Socket consumers: the base every socket shares, and the dashboard socket."""

import asyncio
import json
import logging
import time
import uuid

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import timezone

from realtime import presence
from realtime.events import DASHBOARD_EVENTS, DASHBOARD_GROUP, USER_UPDATE, encode
from realtime.hub import Broadcast, get_hub
from realtime.transport import TransportFlow, text_frame

logger = logging.getLogger(__name__)

CLOSE_TOO_SLOW = 4008
CLOSE_BAD_TOKEN = 4001
CLOSE_DASHBOARD_DISABLED = 4503
CLOSE_TOO_MANY_MESSAGES = 4029


async def wait_at_most(event: asyncio.Event, seconds: float) -> None:
    """Until `event` is set or `seconds` have passed. A cancel is never lost, not even one that
    arrives as the event is set: `asyncio.wait_for` on Python 3.11 returns then instead of
    raising, and a watch loop around it would run on for a socket that is gone."""
    try:
        async with asyncio.timeout(seconds):
            await event.wait()
    except TimeoutError:
        pass


class MessageBudget:
    """What one socket may send: `WS_MESSAGE_BURST` messages at once, refilled at
    `WS_MESSAGES_PER_SECOND` (a token bucket)."""

    def __init__(self):
        self.capacity = max(settings.WS_MESSAGE_BURST, 1)
        self.rate = max(settings.WS_MESSAGES_PER_SECOND, 0)
        self.tokens = float(self.capacity)
        self.updated = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class Close:
    """Queued after the last message a socket should get before it is closed."""

    def __init__(self, code: int):
        self.code = code


class FanoutConsumer(AsyncWebsocketConsumer):
    """A socket fed by the process's hub.

    A message goes out at once when nothing waits before it and the client keeps up;
    otherwise it waits, in order, in the socket's bounded queue (`WS_QUEUE_SIZE`), drained by
    one writer task. A socket whose queue is full is closed with 4008 at once and dropped
    from the hub, so the hub never waits for it and its backlog is freed.
    """

    # Not a configured layer: sockets get no layer channel of their own; the hub receives.
    channel_layer_alias = "per-process-hub"
    kind = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.connection_id = uuid.uuid4().hex
        self.queue: asyncio.Queue = asyncio.Queue(maxsize=max(settings.WS_QUEUE_SIZE, 1))
        self.joined: set[str] = set()
        self.writer: asyncio.Task | None = None
        self.writer_busy = False
        self.closing = False
        self.flow: TransportFlow | None = None
        self.hub = None
        self.budget = MessageBudget()

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        finally:
            # Every way a socket ends, daphne killing a consumer that was slow to stop included
            # (then `disconnect` never runs): its presence record and hub memberships go.
            presence.unregister(self.connection_id)
            if self.hub is not None:
                self.hub.forget(self)
                for group in tuple(self.joined):
                    asyncio.ensure_future(self.hub.leave(group, self))
                self.joined.clear()

    async def websocket_receive(self, message):
        if self.closing:
            return
        if not self.budget.take():
            logger.info("Closing %s socket %s: over its message budget", self.kind, self.connection_id)
            self.closing = True
            self.hub.forget(self)
            await self.close(code=CLOSE_TOO_MANY_MESSAGES)
            return
        await super().websocket_receive(message)

    async def websocket_connect(self, message):
        self.hub = get_hub()
        self.flow = TransportFlow(self.base_send)
        await super().websocket_connect(message)

    async def join(self, group: str) -> None:
        self.joined.add(group)
        await self.hub.join(group, self)

    async def leave(self, group: str) -> None:
        self.joined.discard(group)
        await self.hub.leave(group, self)

    def wants(self, broadcast: Broadcast) -> bool:
        return True

    def deliver(self, broadcast: Broadcast) -> None:
        if self.wants(broadcast):
            self.push(broadcast.text, broadcast.frame)

    def push(self, text: str, frame: bytes | None = None) -> None:
        """Send `text` now if nothing is waiting before it, else queue it."""
        if self.closing:
            return
        if (self.writer is not None and not self.writer_busy and self.queue.empty()
                and self.flow.write(frame or text_frame(text.encode()))):
            return
        self.enqueue(text)

    def enqueue(self, item) -> None:
        if self.closing:
            return
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            self.overflow()

    def queue_message(self, event_type: str, data) -> None:
        self.push(encode(event_type, data))

    def close_after_queue(self, code: int) -> None:
        """Close once what is queued has been sent."""
        if not self.closing:
            self.enqueue(Close(code))
            self.closing = True

    def start_writer(self) -> None:
        """Sends what was queued so far (the greeting or snapshot first); from here on a
        message goes out at once unless the socket is busy."""
        self.writer = asyncio.ensure_future(self._write_forever())

    async def _write_forever(self) -> None:
        while True:
            item = await self.queue.get()
            self.writer_busy = True
            if isinstance(item, Close):
                await self.close(code=item.code)
                return
            await self.flow.writable.wait()
            if not self.flow.write(text_frame(item.encode())):
                await self.send(text_data=item)
            self.writer_busy = False

    async def dispatch(self, message):
        # Channels closes stale database connections before every handler (a thread hop per
        # client message); database_sync_to_async already does it around each query here.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    def overflow(self) -> None:
        logger.info("Closing %s socket %s: send queue full (client not reading)",
                    self.kind, self.connection_id)
        self.closing = True
        self.hub.forget(self)
        if self.writer is not None:
            self.writer.cancel()
        self.queue = asyncio.Queue(maxsize=1)  # drop the backlog now
        asyncio.ensure_future(self._close_overflowed())

    async def _close_overflowed(self) -> None:
        for group in tuple(self.joined):
            await self.leave(group)
        await self.close(code=CLOSE_TOO_SLOW)

    async def disconnect(self, code):
        self.closing = True
        if self.writer is not None:
            self.writer.cancel()
        presence.unregister(self.connection_id)  # before leaving: an idle hub flushes and stops
        for group in tuple(self.joined):
            await self.leave(group)
        if self.flow is not None:
            self.flow.release()

    def client_address(self) -> str:
        client = self.scope.get("client")
        return f"{client[0]}:{client[1]}" if client else ""

    def parse(self, text_data) -> dict | None:
        """The client's message as a dict with a `type`, or None after answering `error`."""
        try:
            message = json.loads(text_data or "")
        except (ValueError, RecursionError):  # RecursionError: nested too deeply to parse
            self.queue_message("error", {"message": "Invalid JSON."})
            return None
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            self.queue_message("error", {"message": "A message is an object with a `type`."})
            return None
        return message


class DashboardConsumer(FanoutConsumer):
    """The dashboard socket: every event of the `dashboard` group, filtered by the client's
    subscriptions; closed 4001 without a valid access token, when the token expires, and
    when its account is deactivated, deleted or logged out (checked every
    WS_AUTH_CHECK_SECONDS, at once on a `user_update` about it)."""

    kind = "dashboard"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.subscriptions: set[str] = set()
        self.last_seen = 0.0
        self.idle_watch: asyncio.Task | None = None
        self.session_watch: asyncio.Task | None = None
        self.recheck = asyncio.Event()

    async def connect(self):
        await self.accept()
        if not settings.ENABLE_DASHBOARD:
            await self.close(code=CLOSE_DASHBOARD_DISABLED)
            return
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close(code=CLOSE_BAD_TOKEN)
            return
        await self.join(DASHBOARD_GROUP)
        now = timezone.now().isoformat()
        presence.register({
            "id": self.connection_id, "kind": self.kind, "user": user.username,
            "connected_at": now, "last_ping": None, "client": self.client_address(),
        })
        self.queue_message("connection_established", {
            "connection_id": self.connection_id,
            "username": user.username,
            "roles": getattr(user, "_league_roles", []),
            "idle_timeout_seconds": settings.WS_IDLE_TIMEOUT_SECONDS,
        })
        self.start_writer()
        self.last_seen = asyncio.get_running_loop().time()
        self.idle_watch = asyncio.ensure_future(self._watch_idle())
        self.session_watch = asyncio.ensure_future(self._watch_session())

    async def _watch_session(self) -> None:
        """Closes the socket (4001) once its token expires or its account may no longer
        stream: deactivated, deleted, or logged out with a bearer token."""
        expires_at = self.scope.get("token_expires_at")
        check = self.scope.get("session_end_reason")
        interval = max(settings.WS_AUTH_CHECK_SECONDS, 0.1)
        while True:
            wait = interval if expires_at is None else min(interval, expires_at - time.time())
            await wait_at_most(self.recheck, max(wait, 0))
            self.recheck.clear()
            if expires_at is not None and time.time() >= expires_at:
                reason = "The access token expired."
            else:
                reason = await check() if check is not None else ""
            if reason:
                self.queue_message("disconnecting", {"reason": reason})
                self.close_after_queue(CLOSE_BAD_TOKEN)
                return

    def deliver(self, broadcast: Broadcast) -> None:
        if broadcast.event == USER_UPDATE and self._about_me(broadcast):
            self.recheck.set()
        super().deliver(broadcast)

    def _about_me(self, broadcast: Broadcast) -> bool:
        try:
            return broadcast.data["user"]["id"] == self.scope["user"].pk
        except (ValueError, KeyError, TypeError):
            return False

    async def _watch_idle(self) -> None:
        loop = asyncio.get_running_loop()
        timeout = settings.WS_IDLE_TIMEOUT_SECONDS
        while True:
            remaining = self.last_seen + timeout - loop.time()
            if remaining <= 0:
                self.queue_message("disconnecting", {
                    "reason": f"No message for {timeout} seconds.",
                })
                self.close_after_queue(1000)
                return
            await asyncio.sleep(remaining)

    def wants(self, broadcast: Broadcast) -> bool:
        return not self.subscriptions or broadcast.event in self.subscriptions

    async def receive(self, text_data=None, bytes_data=None):
        self.last_seen = asyncio.get_running_loop().time()
        message = self.parse(text_data)
        if message is None:
            return
        kind = message["type"]
        if kind == "ping":
            presence.touch(self.connection_id, last_ping=timezone.now().isoformat())
            self.queue_message("pong", {})
        elif kind in ("subscribe", "unsubscribe"):
            self._subscription(kind, message)
        else:
            self.queue_message("error", {"message": f"Unknown message type: {kind[:50]!r}."})

    def _subscription(self, action: str, message: dict) -> None:
        data = message.get("data") if isinstance(message.get("data"), dict) else {}
        event_type = message.get("event_type", data.get("event_type"))
        if event_type not in DASHBOARD_EVENTS:
            self.queue_message("error", {
                "message": f"{action} needs an `event_type`, one of: "
                           + ", ".join(sorted(DASHBOARD_EVENTS)) + ".",
            })
            return
        if action == "subscribe":
            self.subscriptions.add(event_type)
        else:
            self.subscriptions.discard(event_type)
        self.queue_message("subscription_confirmed", {
            "action": action, "event_type": event_type,
            "subscriptions": sorted(self.subscriptions),
        })

    async def disconnect(self, code):
        for task in (self.idle_watch, self.session_watch):
            if task is not None:
                task.cancel()
        await super().disconnect(code)
