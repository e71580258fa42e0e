"""Who is connected: one record per open socket (dashboard or overlay).

Each process keeps the records of its own sockets. With `REDIS_URL` set they are also copied
to Redis (one key per socket with a time-to-live, refreshed while the socket lives, plus an
index set), so any process can answer for the whole cluster; a process that dies leaves
records that expire within `PRESENCE_TTL_SECONDS`. A socket that stops pinging stops being
refreshed and expires the same way, open or not. Sockets change the local records only; the hub's
`Sync` task writes the changes to Redis in batches, so a thousand overlays connecting at once
cost a few round trips, not a thousand.
"""

import asyncio
import json
import logging
import time

from django.conf import settings

logger = logging.getLogger(__name__)

FLUSH_SECONDS = 0.2
KEY_PREFIX = "galdash:presence:"
INDEX_KEY = "galdash:presence"

_local: dict[str, dict] = {}
_seen: dict[str, float] = {}  # connection id -> monotonic time of its last sign of life
_dirty: set[str] = set()
_sync_client = None


def cluster_wide() -> bool:
    return bool(settings.REDIS_URL)


def _changed(connection_id: str) -> None:
    if cluster_wide():
        _dirty.add(connection_id)


def ttl_seconds() -> int:
    return settings.PRESENCE_TTL_SECONDS


def _live(connection_id: str) -> bool:
    return time.monotonic() - _seen.get(connection_id, 0) <= ttl_seconds()


def register(record: dict) -> None:
    _local[record["id"]] = record
    _seen[record["id"]] = time.monotonic()
    _changed(record["id"])


def touch(connection_id: str, **fields) -> None:
    """A sign of life (a ping): the record is kept for another `PRESENCE_TTL_SECONDS`."""
    record = _local.get(connection_id)
    if record is not None:
        record.update(fields)
        _seen[connection_id] = time.monotonic()
        _changed(connection_id)


def unregister(connection_id: str) -> None:
    _local.pop(connection_id, None)
    _seen.pop(connection_id, None)
    _changed(connection_id)


def local_records() -> list[dict]:
    return [dict(record) for connection_id, record in _local.items() if _live(connection_id)]


def _redis():
    global _sync_client
    if _sync_client is None:
        import redis

        _sync_client = redis.Redis.from_url(settings.REDIS_URL)
    return _sync_client


def records() -> list[dict]:
    """Every live socket: across processes with Redis, else this process's."""
    if not cluster_wide():
        return local_records()
    client = _redis()
    ids = sorted(member.decode() for member in client.smembers(INDEX_KEY))
    if not ids:
        return []
    values = client.mget([KEY_PREFIX + connection_id for connection_id in ids])
    expired = [connection_id for connection_id, value in zip(ids, values, strict=True)
               if value is None]
    if expired:
        client.srem(INDEX_KEY, *expired)
    return [json.loads(value) for value in values if value is not None]


class Sync:
    """Copies this process's changes to Redis (no-op without `REDIS_URL`)."""

    def __init__(self):
        self.client = None

    async def flush(self, everything: bool = False) -> None:
        ids = set(_local) | _dirty if everything else set(_dirty)
        _dirty.difference_update(ids)
        if not ids or not cluster_wide():
            return
        if self.client is None:
            import redis.asyncio

            self.client = redis.asyncio.Redis.from_url(settings.REDIS_URL, max_connections=4)
        pipe = self.client.pipeline(transaction=False)
        for connection_id in ids:
            record = _local.get(connection_id)
            if record is None:
                pipe.delete(KEY_PREFIX + connection_id)
                pipe.srem(INDEX_KEY, connection_id)
            elif _live(connection_id):  # a silent socket is left to expire
                pipe.set(KEY_PREFIX + connection_id, json.dumps(record), ex=ttl_seconds())
                pipe.sadd(INDEX_KEY, connection_id)
        try:
            await pipe.execute()
        except Exception:
            logger.warning("Could not write socket presence to Redis; will retry", exc_info=True)
            _dirty.update(ids)

    async def run_forever(self) -> None:
        if not cluster_wide():
            return
        refresh_every = max(int(ttl_seconds() / 3 / FLUSH_SECONDS), 1)
        tick = 0
        while True:
            await asyncio.sleep(FLUSH_SECONDS)
            tick += 1
            await self.flush(everything=tick % refresh_every == 0)


def overlay_clients(graphic_id: int | None = None) -> list[dict]:
    """Connected overlay sockets (of every process when `REDIS_URL` is set), oldest first:
    `{graphic_id, connected_at, last_ping, version, client, user_agent, output}` (output: program
    or preview)."""
    clients = [
        {key: record.get(key) for key in ("graphic_id", "connected_at", "last_ping", "version",
                                          "client", "user_agent", "output")}
        for record in records()
        if record.get("kind") == "overlay"
        and (graphic_id is None or record.get("graphic_id") == graphic_id)
    ]
    return sorted(clients, key=lambda client: (client["graphic_id"], client["connected_at"]))
