"""Reads of the configuration store, served from a per-process cache.

Every process keeps one snapshot of the whole store (it is small) tagged with the shared
version token held in the Django cache (Redis when `REDIS_URL` is set, so all processes see
one token). A read compares its snapshot's tag with the token: one cache lookup, no query.
A write replaces the token once it commits (`configuration_cache_invalidate`), so every
process, this one included, reloads on its next read.

The token is read before the rows are loaded: a snapshot can only ever be tagged older than
its data, never newer, so a write that lands during a reload is picked up on the next read.
Inside a transaction the store is read from the database and not cached, so a write and a
read in one transaction agree and a rolled-back value never reaches the cache.
"""

import copy
import logging
import uuid
from typing import Any

from django.core.cache import cache
from django.db import connection

from config.models import Configuration

logger = logging.getLogger(__name__)

VERSION_KEY = "config:version"
_FIELDS = ("key", "value", "description", "category")

# (version token, {key: {key, value, description, category}}); replaced whole, never mutated.
_snapshot: tuple[str, dict[str, dict]] | None = None


def _shared_version() -> str | None:
    """The current version token; None when the shared cache cannot be reached."""
    try:
        version = cache.get(VERSION_KEY)
        if version is None:  # first read anywhere, or the cache was flushed
            cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(VERSION_KEY)
        return version
    except Exception:  # a down cache must not take configuration reads with it
        logger.warning("Configuration cache unreachable; reading from the database",
                       exc_info=True)
        return None


def _load() -> dict[str, dict]:
    rows = Configuration.objects.order_by("category", "key").values(*_FIELDS)
    return {row["key"]: row for row in rows}


def _store() -> dict[str, dict]:
    global _snapshot
    if connection.in_atomic_block:
        return _load()
    version = _shared_version()
    snapshot = _snapshot
    if version is not None and snapshot is not None and snapshot[0] == version:
        return snapshot[1]
    rows = _load()
    if version is not None:
        _snapshot = (version, rows)
    return rows


def configuration_cache_invalidate() -> None:
    """Drop this process's snapshot and move the shared token, so every process reloads."""
    global _snapshot
    _snapshot = None
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        logger.exception("Could not publish a new configuration version")


def config_get(key: str, default: Any = None) -> Any:
    """The value stored under `key`, or `default` when there is none. The caller gets its own
    copy, so changing it never changes the cache."""
    row = _store().get(key)
    if row is None:
        return default
    return copy.deepcopy(row["value"])


def configuration_get(*, key: str) -> dict | None:
    """`{key, value, description, category}` of one entry, or None. Read only."""
    return _store().get(key)


def configuration_list(*, category: str | None = None) -> list[dict]:
    """Entries ordered by category then key, optionally of one category. Read only."""
    rows = _store().values()
    if category is not None:
        return [row for row in rows if row["category"] == category]
    return list(rows)
