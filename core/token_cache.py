"""A per-process cache of values that are current while a token read from the database says so.

An entry is kept with the token read *before* its value was built, and is served only while a
fresh read of the token answers the same (and, if it has one, before its `valid_until`): a write
that lands while the value is being built changes the token, so such a value is never served as
current. Bounded by a byte budget, least recently used first out. Thread-safe.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Any

from django.utils import timezone


class TokenCache:
    def __init__(self, *, max_bytes: int, size: Callable[[Any], int]):
        self.max_bytes = max_bytes
        self.size = size
        self._entries: OrderedDict[Hashable, tuple[int, Any, datetime | None, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, token: int | None) -> Any | None:
        """The value kept under `key` for `token`, or None."""
        if token is None:
            return None
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            kept_token, value, valid_until, _size = entry
            if kept_token != token or (valid_until is not None and timezone.now() >= valid_until):
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, token: int | None, value: Any, *,
            valid_until: datetime | None = None) -> None:
        if token is None:
            return
        size = self.size(value)
        if size > self.max_bytes // 4:
            return
        with self._lock:
            self._drop(key)
            self._entries[key] = (token, value, valid_until, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def _drop(self, key: Hashable) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= entry[3]
