"""Django's SQLite backend, with the writing transactions of a process taking turns on a lock.

Every transaction here is `BEGIN IMMEDIATE` (settings), so SQLite lets one at a time write the
file. A transaction that finds the file taken waits in SQLite's busy handler, which sleeps and
polls (up to 100 ms a sleep) and lets newcomers in first: under a few concurrent writers some
wait half a second or more while others pass. Here the threads of one process queue on a lock
first, in order, and the next one starts the moment the last one commits; they still wait for
other processes in SQLite's busy handler. A transaction that cannot start within the database's
`timeout` fails as SQLite's own wait does ("database is locked").
"""

import threading
from collections import defaultdict

from django.db import OperationalError
from django.db.backends.sqlite3 import base

_writers: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)  # by database file
_writers_lock = threading.Lock()


class DatabaseWrapper(base.DatabaseWrapper):
    _holds_writer = False

    def _writer(self) -> threading.Lock:
        with _writers_lock:
            return _writers[str(self.settings_dict["NAME"])]

    def _start_transaction_under_autocommit(self):
        writer = self._writer()
        if not writer.acquire(timeout=self.settings_dict["OPTIONS"].get("timeout", 5)):
            raise OperationalError("database is locked")
        self._holds_writer = True
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writer()
            raise

    def _release_writer(self) -> None:
        if self._holds_writer:
            self._holds_writer = False
            self._writer().release()

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_writer()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_writer()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_writer()
