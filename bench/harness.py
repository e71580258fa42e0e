"""What the benchmarks (and the tests) share: free ports, resident memory, and the daphne
processes they start."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def django_in_process() -> None:
    """Set Django up inside a benchmark's own process: the project's settings, never a
    developer's .env, and a scratch SQLite database unless DATABASE_URL names one."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "galdash.settings")
    os.environ.setdefault("GALDASH_IGNORE_DOTENV", "1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-signing-key-0123456789-abcdefghijklmnop")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    import django

    django.setup()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Daphne:
    """A daphne process serving `galdash.asgi` on a port of its own: the benchmarks' servers and
    the tests' (`daphne_server` in the root conftest.py). Started at once unless `start=False`;
    `start()` again after `stop()` serves on the same port."""

    def __init__(self, env: dict, log_dir: Path, name: str, *, start: bool = True,
                 wait_healthy: bool = True, verbosity: int = 0, backlog: int | None = 4096,
                 args: tuple[str, ...] = ()):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.env = env
        self.name = name
        self.verbosity = verbosity
        # The benchmarks open thousands of sockets at once; the tests keep Twisted's default (50).
        self.backlog = backlog
        self.args = args or ("--websocket_timeout", "-1")  # daphne's options, as the Procfile's
        self.log_path = Path(log_dir) / f"daphne-{name}-{self.port}.log"
        self.process: subprocess.Popen | None = None
        if start:
            self.start(wait_healthy=wait_healthy)

    def start(self, wait_healthy: bool = True) -> "Daphne":
        """Returns once /health answers 200 (any answer when not `wait_healthy`)."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-v", str(self.verbosity), *self.args,
             "-e", f"tcp:port={self.port}:interface=127.0.0.1" + (
                 f":backlog={self.backlog}" if self.backlog else ""),
             "galdash.asgi:application"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne {self.name} exited; see {self.log_path}")
            try:
                status = httpx.get(f"{self.url}/health", timeout=2).status_code
            except httpx.HTTPError:
                pass
            else:
                if status == 200 or not wait_healthy:
                    return self
            time.sleep(0.1)
        raise RuntimeError(f"daphne {self.name} did not answer /health within 30 s; see {self.log_path}")

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
