"""Deliver each broadcast to a process once, then fan it out to the local sockets.

A plain Channels consumer per socket gives every socket its own layer channel, so one event
costs one layer message per socket (thousands of Redis writes and wake-ups). Here each
process runs one `Hub` per event loop: the hub holds one layer channel, subscribes it to every
group that has local members, and hands each arriving message (already serialized by
`realtime.events.publish`) to the members' bounded queues. The layer sees one message per
process, and the text is never re-encoded.

Layer groups expire (`group_expiry`); the hub renews its memberships well before that, so an
overlay left open for days keeps receiving.
"""

import asyncio
import json
import logging
from functools import cached_property
from typing import Protocol

from channels.layers import get_channel_layer

from realtime import presence
from realtime.transport import text_frame

logger = logging.getLogger(__name__)

RECEIVE_RETRY_SECONDS = 1.0


class Broadcast:
    """One published event as it reaches this process. `data` is parsed at most once, and only
    when a member needs to look inside (most just forward `text`)."""

    __slots__ = ("group", "event", "text", "__dict__")

    def __init__(self, group: str, event: str, text: str):
        self.group = group
        self.event = event
        self.text = text

    @cached_property
    def frame(self) -> bytes:
        return text_frame(self.text.encode())

    @cached_property
    def data(self):
        return json.loads(self.text).get("data")


class Member(Protocol):
    def deliver(self, broadcast: Broadcast) -> None: ...


class Hub:
    """The fan-out point of one event loop (daphne runs one per process)."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.layer = get_channel_layer()
        self.channel: str | None = None
        self.members: dict[str, set[Member]] = {}
        self.subscribed: set[str] = set()
        self._membership = asyncio.Lock()
        self._tasks: list[asyncio.Task] = []
        self.presence = presence.Sync()

    @property
    def renew_seconds(self) -> float:
        expiry = getattr(self.layer, "group_expiry", 86400)
        return max(expiry / 3, 0.5)

    async def _start(self) -> None:
        if self.channel is not None:
            return
        self.channel = await self.layer.new_channel("hub")
        self._tasks = [
            asyncio.ensure_future(self._receive_forever()),
            asyncio.ensure_future(self._renew_forever()),
            asyncio.ensure_future(self.presence.run_forever()),
        ]

    async def join(self, group: str, member: Member) -> None:
        """Add `member` to `group`; returns once the process receives the group's messages."""
        self.members.setdefault(group, set()).add(member)
        if group in self.subscribed:
            return
        async with self._membership:
            await self._start()
            if group not in self.subscribed and self.members.get(group):
                await self.layer.group_add(group, self.channel)
                self.subscribed.add(group)

    async def leave(self, group: str, member: Member) -> None:
        members = self.members.get(group)
        if members is not None:
            members.discard(member)
            if members:
                return
            del self.members[group]
        async with self._membership:
            if group in self.subscribed and not self.members.get(group):
                self.subscribed.discard(group)
                try:
                    await self.layer.group_discard(group, self.channel)
                except Exception:  # the membership expires on its own
                    logger.warning("Could not leave layer group %s", group, exc_info=True)
        # An idle hub keeps its channel and its receive: cancelling a blocking Redis receive
        # midway leaves channels-redis unable to deliver to the next hub for seconds, so an
        # overlay reconnecting right after the last socket closed would wait for its snapshot.
        if not self.members:
            await self.presence.flush()

    def forget(self, member: Member) -> None:
        """Stop delivering to `member` at once (no await: used when a client overflows); the
        caller then releases the layer memberships with `leave`."""
        for members in self.members.values():
            members.discard(member)

    def dispatch(self, message: dict) -> None:
        if message.get("type") != "broadcast":
            return
        broadcast = Broadcast(message["group"], message.get("event", ""), message["text"])
        for member in tuple(self.members.get(broadcast.group, ())):
            try:
                member.deliver(broadcast)
            except Exception:  # one broken socket must not starve the others
                logger.exception("Could not deliver %s to a socket", broadcast.event)

    async def _receive_forever(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("Channel layer receive failed; retrying", exc_info=True)
                await asyncio.sleep(RECEIVE_RETRY_SECONDS)
                await self._renew()
                continue
            self.dispatch(message)

    async def _renew(self) -> None:
        for group in tuple(self.subscribed):
            try:
                await self.layer.group_add(group, self.channel)
            except Exception:
                logger.warning("Could not renew layer group %s", group, exc_info=True)

    async def _renew_forever(self) -> None:
        while True:
            await asyncio.sleep(self.renew_seconds)
            await self._renew()


_hubs: dict[asyncio.AbstractEventLoop, Hub] = {}


def get_hub() -> Hub:
    """The hub of the running event loop (one per daphne process; one per test loop)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        for old_loop in [old for old in _hubs if old.is_closed()]:
            del _hubs[old_loop]
        hub = _hubs[loop] = Hub(loop)
    return hub
