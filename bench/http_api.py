"""HTTP benchmark of the reads and the lock cycle a dashboard and the overlays make most.

    python bench/http_api.py [--requests 600] [--concurrency 1,8,32] [--workloads one,list,lock]
    python bench/http_api.py --profile [--workloads one] [--concurrency 1]

Starts the project's own daphne (bench/harness.py) on DATABASE_URL, or on a fresh SQLite file
when it is unset (REDIS_URL: the Redis layer and cache), seeds 200 graphics of 10 text elements
and measures, at each concurrency c with a fixed request count:
- `one`: GET /api/v1/graphics/{id}, the ids in turn;
- `list`: GET /api/v1/graphics (every graphic with its canvas);
- `lock`: the lock cycle, POST then DELETE /api/v1/lock/{id}, each connection on its own graphic
  (figures per request).
Prints one JSON line: per workload and c, requests per second, p50 / p99 ms, errors (any
answer but 200) and the server's CPU time per request (`server_cpu_ms_per_req`, from /proc: on a
busy shared machine the steadiest figure to compare). The client is a lean asyncio HTTP/1.1
client with keep-alive connections, in this process, so it costs far less than the server.

`--url URL` measures a server that is already running instead (it must answer the same routes,
with a token from `--token` or from POST /auth/login with `--master-password`); the graphics
are the ones its list answers.

`--profile` runs py-spy (`pip install py-spy`) against daphne while the workloads run and
prints, after the JSON line, where the server's CPU went: its share per phase (daphne, thread
hand-offs, connection open/close, SQL, user lookup, ...) and the top functions.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

from bench.harness import Daphne, rss_kb  # noqa: E402

BENCH_PREFIX = "bench-http-"
GRAPHICS = 200
REQUEST_TIMEOUT = 15  # seconds; a request taking longer counts as an error


# Client ------------------------------------------------------------------------------------

class Connection:
    """One keep-alive HTTP/1.1 connection; answers (status, body)."""

    def __init__(self, host: str, port: int, headers: dict[str, str]):
        self.host, self.port = host, port
        self.fixed = "".join(f"{name}: {value}\r\n" for name, value in
                             {"Host": f"{host}:{port}", **headers}.items())
        self.reader = self.writer = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            await self.open()
        head = f"{method} {path} HTTP/1.1\r\n{self.fixed}"
        if body or method in ("POST", "PUT", "DELETE"):
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("server closed the connection")
        status = int(status_line.split()[1])
        length, chunked, close = None, False, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif name == "connection" and value.lower() == "close":
                close = True
        if chunked:
            parts = []
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readline()
                    break
                parts.append(await self.reader.readexactly(size))
                await self.reader.readline()
            payload = b"".join(parts)
        elif length is not None:
            payload = await self.reader.readexactly(length)
        else:
            payload = await self.reader.read()
            close = True
        if close:
            self.close()
        return status, payload

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = self.reader = None


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time a process has used so far (0 when unknown)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


async def measure(base: str, token: str, concurrency: int, total: int, operation,
                  server_pid: int | None = None, deadline: float = 120) -> dict:
    """`total` requests over `concurrency` connections; `operation(connection, worker, n)`
    makes one or more requests and answers [(seconds, ok)] for each."""
    url = urlsplit(base)
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    connections = [Connection(url.hostname, url.port, headers) for _ in range(concurrency)]
    # Open and warm up every connection (at once: a server that stalls costs one timeout).
    await asyncio.gather(*(operation(connection, worker, 0) for worker, connection in enumerate(connections)))
    latencies: list[float] = []
    errors = 0

    async def work(worker: int) -> None:
        nonlocal errors
        done, share = 0, total // concurrency + (worker < total % concurrency)
        while done < share and time.perf_counter() - started < deadline:
            for seconds, ok in await operation(connections[worker], worker, done + 1):
                latencies.append(seconds)
                errors += not ok
                done += 1

    cpu_before, started = cpu_seconds(server_pid), time.perf_counter()
    await asyncio.gather(*(work(worker) for worker in range(concurrency)))
    elapsed, cpu = time.perf_counter() - started, cpu_seconds(server_pid) - cpu_before
    for connection in connections:
        connection.close()
    ordered = sorted(latencies) or [float("nan")]
    figures = {"req_s": round(len(ordered) / elapsed, 1),
               "p50_ms": round(statistics.median(ordered) * 1000, 2),
               "p99_ms": round(percentile(ordered, 0.99) * 1000, 2),
               "requests": len(ordered), "errors": errors}
    if server_pid is not None:
        figures["server_cpu_ms_per_req"] = round(cpu * 1000 / len(ordered), 2)
    return figures


async def timed(connection: Connection, method: str, path: str, body: bytes = b"") -> tuple[float, bool]:
    started = time.perf_counter()
    try:
        status, _ = await asyncio.wait_for(connection.request(method, path, body), REQUEST_TIMEOUT)
    except (ConnectionError, asyncio.IncompleteReadError, ValueError, TimeoutError):
        connection.close()
        return time.perf_counter() - started, False
    return time.perf_counter() - started, status == 200


def workloads(ids: list[int]) -> dict:
    async def one(connection, worker, n):
        return [await timed(connection, "GET", f"/api/v1/graphics/{ids[(worker * 7 + n) % len(ids)]}")]

    async def listing(connection, worker, n):
        return [await timed(connection, "GET", "/api/v1/graphics")]

    async def lock(connection, worker, n):
        graphic_id = ids[worker % len(ids)]
        body = json.dumps({"session_id": f"bench-session-{worker}", "graphic_id": graphic_id}).encode()
        return [await timed(connection, "POST", f"/api/v1/lock/{graphic_id}", body),
                await timed(connection, "DELETE", f"/api/v1/lock/{graphic_id}", body)]

    return {"one": one, "list": listing, "lock": lock}


# Server ------------------------------------------------------------------------------------

def canvas(n: int) -> dict:
    """10 text elements, about 2 KB, as the dashboard's editor saves them."""
    return {"background": {"imageUrl": f"/static/backgrounds/week-{n % 10}.png", "width": 1920,
                           "height": 1080},
            "elements": [{"id": f"text-{n}-{e}", "type": "text", "x": 100 + 20 * e, "y": 80 + 60 * e,
                          "content": f"Lobby {e + 1}: standings after round {n % 6 + 1}",
                          "fontSize": 32, "fontFamily": "Inter", "color": "#ffffff",
                          "bold": e % 2 == 0, "italic": False, "underline": False}
                         for e in range(10)]}


def configure_environment() -> tempfile.TemporaryDirectory | None:
    """The environment shared by this process (seeding) and daphne."""
    scratch = None
    if not os.environ.get("DATABASE_URL"):
        scratch = tempfile.TemporaryDirectory(prefix="galdash-bench-http-")
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch.name}/bench.sqlite3"
    os.environ.update({"DEBUG": "false", "GALDASH_IGNORE_DOTENV": "1", "LOG_LEVEL": "WARNING",
                       "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
                       "DJANGO_SETTINGS_MODULE": "galdash.settings"})
    return scratch


def seed(count: int) -> tuple[str, list[int]]:
    """Migrate; the benchmark's editor and `count` graphics (older ones removed first)."""
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from accounts.models import User
    from accounts.roles import EDITOR
    from accounts.services import token_pair_for
    from graphics import services

    call_command("migrate", verbosity=0, interactive=False)
    cleanup()
    user = User.objects.create(username="bench-http-editor", display_name="Bench")
    user.groups.add(Group.objects.get(name=EDITOR))
    ids = [services.graphic_create(user=user, title=f"{BENCH_PREFIX}{n}", event_name=f"Week {n % 10}",
                                   data_json=canvas(n)).pk for n in range(count)]
    return token_pair_for(user)["access_token"], ids


def cleanup() -> None:
    from accounts.models import User
    from graphics.models import Graphic

    Graphic.objects.filter(title__startswith=BENCH_PREFIX).delete()
    User.objects.filter(username="bench-http-editor").delete()


def remote_session(base: str, token: str | None, master_password: str | None) -> tuple[str, list[int]]:
    import httpx

    if not token:
        answer = httpx.post(f"{base}/auth/login", json={"master_password": master_password}, timeout=10)
        answer.raise_for_status()
        token = answer.json()["access_token"]
    answer = httpx.get(f"{base}/api/v1/graphics", headers={"Authorization": f"Bearer {token}"},
                       params={"limit": 1000}, timeout=30)
    answer.raise_for_status()
    return token, [graphic["id"] for graphic in answer.json()["graphics"]]


# Profile -----------------------------------------------------------------------------------

# Where a sample's time goes. Idle samples (a thread waiting for work) are left out. A sample
# inside opening/closing a connection or loading the token's user counts there whatever its
# innermost frame; any other counts for the phase of its innermost frame that has a marker.
IDLE_LEAVES = ("select (selectors.py", "wait (threading.py", "_wait_for_tstate_lock",
               "_worker (concurrent/futures/thread.py", "get (queue.py")
CONTEXT_PHASES = [
    ("connection open/close", ("get_new_connection", "connect (", "_close (", "close_if_unusable",
                               "close_old_connections", "psycopg_pool")),
    ("user lookup (JWT)", ("get_user (rest_framework_simplejwt",)),
]
PHASES = [
    ("thread hand-offs", ("asgiref/sync.py", "asgiref/current_thread_executor", "concurrent/futures/",
                          "threading.py", "call_soon_threadsafe", "_write_to_self", "contextvars")),
    ("SQL query + rows", ("django/db/", "sqlite3", "psycopg")),
    ("body (JSON, shapes)", ("json/", "graphics/selectors.py", "graphics/serializers.py",
                             "rest_framework/renderers.py", "rest_framework/serializers.py",
                             "rest_framework/fields.py")),
    ("JWT check", ("rest_framework_simplejwt/", "jwt/")),
    ("DRF view", ("rest_framework/", "graphics/views.py")),
    ("middleware + URLs", ("django/middleware/", "corsheaders/", "whitenoise/", "galdash/middleware.py",
                           "django/urls/", "django/contrib/sessions/", "django/contrib/auth/",
                           "simple_history/", "django/utils/deprecation.py")),
    ("Django request/response", ("django/core/handlers/", "django/http/")),
    ("daphne/Twisted + event loop", ("daphne/", "twisted/", "autobahn/", "asyncio/")),
]


def _phase(frames: list[str]) -> str:
    for name, markers in CONTEXT_PHASES:
        if any(marker in frame for frame in frames for marker in markers):
            return name
    for frame in reversed(frames):
        for name, markers in PHASES:
            if any(marker in frame for marker in markers):
                return name
    return "other"


def profile_summary(raw: Path, top: int = 12) -> dict:
    phases: Counter = Counter()
    leaves: Counter = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = [frame for frame in stack.split(";") if "(" in frame]
        if not frames or any(idle in frames[-1] for idle in IDLE_LEAVES):
            continue
        samples = int(count)
        total += samples
        leaves[frames[-1]] += samples
        phases[_phase(frames)] += samples
    share = lambda n: round(100 * n / total, 1) if total else 0.0  # noqa: E731
    return {"busy_samples": total,
            "phases_pct": {name: share(n) for name, n in phases.most_common()},
            "top_functions_pct": {name: share(n) for name, n in leaves.most_common(top)}}


# Main --------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=600, help="requests per workload and c")
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument("--workloads", default="one,list,lock")
    parser.add_argument("--graphics", type=int, default=GRAPHICS)
    parser.add_argument("--deadline", type=float, default=120,
                        help="seconds a measurement may take; it stops there with fewer requests")
    parser.add_argument("--profile", action="store_true", help="py-spy the server while measuring")
    parser.add_argument("--url", help="measure a server already running there")
    parser.add_argument("--token")
    parser.add_argument("--master-password")
    parser.add_argument("--server-pid", type=int, help="with --url: the server's process, for its CPU per request")
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]
    chosen = args.workloads.split(",")

    scratch = daphne = spy = None
    results = {"benchmark": "http", "cores": os.cpu_count(), "requests": args.requests}
    try:
        if args.url:
            base = args.url.rstrip("/")
            token, ids = remote_session(base, args.token, args.master_password)
            results.update(server=base)
            server_pid = args.server_pid
        else:
            scratch = configure_environment()
            token, ids = seed(args.graphics)
            log_dir = Path(tempfile.gettempdir())
            daphne = Daphne(os.environ.copy(), log_dir, f"bench-http-{os.getpid()}")
            base, server_pid = daphne.url, daphne.process.pid
            results.update(server="daphne, 1 process",
                           database=os.environ["DATABASE_URL"].split(":", 1)[0],
                           channel_layer="redis" if os.environ.get("REDIS_URL") else "in-memory")
        results["graphics"] = len(ids)
        if args.profile:
            py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
            raw = Path(tempfile.gettempdir()) / f"bench-http-profile-{os.getpid()}.txt"
            spy = subprocess.Popen([py_spy, "record", "--pid", str(daphne.process.pid), "--rate", "200",
                                    "--format", "raw", "--output", str(raw), "--nonblocking"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1)
        operations = workloads(ids)
        for name in chosen:
            for concurrency in levels:
                results[f"{name}_c{concurrency}"] = asyncio.run(
                    measure(base, token, concurrency, args.requests, operations[name], server_pid,
                            args.deadline))
        if daphne is not None:
            results["daphne_rss_mb"] = round(rss_kb(daphne.process.pid) / 1024, 1)
    finally:
        if spy is not None:
            spy.send_signal(2)
            spy.wait(timeout=30)
        if daphne is not None:
            daphne.stop()
            cleanup()
        if scratch is not None:
            scratch.cleanup()
    print(json.dumps(results))
    if spy is not None:
        print(json.dumps({"profile": profile_summary(raw)}, indent=1))


if __name__ == "__main__":
    main()
