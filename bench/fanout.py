"""Fan-out benchmark: one graphic edit reaching N open overlay sockets.

Starts its own daphne processes on a scratch SQLite database, opens N overlay sockets on one
graphic (the `websockets` library, in a few client processes), then edits the graphic through
the REST API (`PUT /api/v1/graphics/<id>`, a message of about 2 KB) several times and measures,
for every socket, the time from sending the PUT to receiving `graphic_updated`.

Setups: `bare`, a plain `websockets` server broadcasting a 2 KB message (the yardstick, run
under the same machine load); `memory`, one daphne process with the in-memory layer; `redis`,
two daphne processes sharing Redis (`--redis-url`, default $REDIS_URL; skipped when unset) with
the sockets split between them and the PUT sent to the first. `change_p50_ms` is how long the
PUT itself took to answer; `from_publish_*` count from the message's `timestamp` (when the
service published it, inside its transaction) to receipt. Also reported: resident memory per
idle socket (server RSS growth divided by N) and messages lost (must be 0). Prints one JSON
line.

    python bench/fanout.py                      # N = 100, 1000, 5000
    python bench/fanout.py --clients 1000 --rounds 20
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import httpx
from harness import ROOT, Daphne, free_port, rss_kb

MESSAGE_BYTES = 2000


def raise_file_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


BARE_SERVER = """
import asyncio, sys, websockets
sockets = set()
async def handler(ws):
    if ws.request.path == "/control":
        async for message in ws:
            websockets.broadcast(sockets, message)
        return
    sockets.add(ws)
    try:
        await ws.send('{"type":"snapshot"}')
        await ws.wait_closed()
    finally:
        sockets.discard(ws)
async def main():
    async with websockets.serve(handler, "127.0.0.1", int(sys.argv[1]), backlog=4096,
                                max_size=None, ping_interval=None):
        await asyncio.Future()
asyncio.run(main())
"""


class BareServer(Daphne):
    """The yardstick: a plain `websockets` server broadcasting what a control socket sends."""

    def __init__(self, env: dict, log_dir: Path, name: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        log = open(log_dir / f"bare-{name}.log", "ab")
        self.process = subprocess.Popen([sys.executable, "-c", BARE_SERVER, str(self.port)],
                                        env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the bare websockets server did not start")


# Client processes -------------------------------------------------------------------------

def client_process(urls: list[str], connected, received, slot: int, done, results) -> None:
    """Opens one socket per URL, counts what arrives, and reports (version, receipt time)."""
    raise_file_limit()
    asyncio.run(_clients(urls, connected, received, slot, done, results))


async def _clients(urls, connected, received, slot, done, results) -> None:
    import websockets

    receipts: list[tuple[int, float]] = []
    published: dict[int, float] = {}
    gate = asyncio.Semaphore(100)
    opened = 0

    async def one(url: str) -> None:
        nonlocal opened
        async with gate:
            for attempt in range(5):
                try:
                    ws = await websockets.connect(url, max_size=None, ping_interval=None,
                                                  open_timeout=60, close_timeout=1)
                    await ws.recv()  # snapshot
                    break
                except (TimeoutError, OSError, websockets.WebSocketException) as error:
                    print(f"connect attempt {attempt + 1} failed: {error!r}", file=sys.stderr)
                    await asyncio.sleep(0.5 * (attempt + 1))
            else:
                return
            opened += 1
        try:
            async for message in ws:
                now = time.time()
                start = message.find('"version":') + 10
                version = int(message[start:message.find(",", start)])
                receipts.append((version, now))
                if version not in published:  # `timestamp`: when the server published it
                    stamp = message.rfind('"timestamp":"') + 13
                    published[version] = datetime.fromisoformat(
                        message[stamp:message.find('"', stamp)]).timestamp()
        except websockets.ConnectionClosed:
            pass

    async def report() -> None:
        while not done.is_set():
            connected[slot] = opened
            received[slot] = len(receipts)
            await asyncio.sleep(0.01)

    tasks = [asyncio.ensure_future(one(url)) for url in urls]
    reporter = asyncio.ensure_future(report())
    while not done.is_set():
        await asyncio.sleep(0.05)
    for task in tasks:
        task.cancel()
    reporter.cancel()
    results.put((receipts, published))


# One measured setup -------------------------------------------------------------------------

def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


FILLER = "x" * (MESSAGE_BYTES - 600)


def put_trigger(server, graphic: dict, token: str):
    """Edits the graphic through the API; answers (version, sent at, PUT duration in ms)."""
    api = httpx.Client(base_url=server.url, timeout=30,
                       headers={"Authorization": f"Bearer {token}"})

    def trigger(round_number: int) -> tuple[int, float, float]:
        sent = time.time()
        response = api.put(f"/api/v1/graphics/{graphic['id']}", json={
            "data_json": {"elements": [{"id": "t", "type": "text", "x": 10, "y": 10,
                                        "content": f"{round_number} {FILLER}"}]},
        })
        response.raise_for_status()
        return response.json()["version"], sent, (time.time() - sent) * 1000

    return trigger


def bare_trigger(server):
    """Hands a 2 KB message to the bare server's broadcast."""
    from websockets.sync.client import connect

    control = connect(f"{server.ws_url}/control", max_size=None).__enter__()

    def trigger(round_number: int) -> tuple[int, float, float]:
        version = 1000 + round_number
        text = json.dumps({"type": "graphic_updated",
                           "data": {"id": 1, "version": version, "title": "Fan-out",
                                    "data_json": {"content": FILLER + "x" * 500}},
                           "timestamp": "TIMESTAMP"}, separators=(",", ":"))
        sent = time.time()
        text = text.replace("TIMESTAMP", datetime.fromtimestamp(sent).astimezone().isoformat())
        control.send(text)
        return version, sent, (time.time() - sent) * 1000

    return trigger


def run_setup(*, mode: str, clients: int, rounds: int, client_processes: int, env: dict,
              graphic: dict, token: str, log_dir: Path) -> dict:
    server_class = BareServer if mode == "bare" else Daphne
    servers = [server_class(env, log_dir, f"{mode}-{clients}-{index}")
               for index in range(2 if mode == "redis" else 1)]
    trigger = (bare_trigger(servers[0]) if mode == "bare"
               else put_trigger(servers[0], graphic, token))
    try:
        rss_before = sum(rss_kb(server.process.pid) for server in servers)
        urls = [f"{servers[index % len(servers)].ws_url}/ws/overlay/{graphic['id']}/"
                f"?key={graphic['key']}" for index in range(clients)]
        workers = max(1, min(client_processes, clients // 50))
        connected = multiprocessing.Array("i", workers, lock=False)
        received = multiprocessing.Array("i", workers, lock=False)
        done = multiprocessing.Event()
        results = multiprocessing.Queue()
        processes = [multiprocessing.Process(
            target=client_process,
            args=(urls[slot::workers], connected, received, slot, done, results), daemon=True)
            for slot in range(workers)]
        started = time.monotonic()
        for process in processes:
            process.start()
        while sum(connected) < clients:
            if time.monotonic() - started > 300:
                raise RuntimeError(f"only {sum(connected)} of {clients} sockets connected")
            time.sleep(0.1)
        connect_seconds = time.monotonic() - started
        time.sleep(2)  # let connection bursts settle before measuring memory and latency
        rss_after = sum(rss_kb(server.process.pid) for server in servers)

        sent_at: dict[int, float] = {}
        change_ms: list[float] = []
        for round_number in range(rounds):
            expected = clients * (round_number + 1)
            version, sent, took = trigger(round_number)
            sent_at[version] = sent
            change_ms.append(took)
            deadline = time.monotonic() + 30
            while sum(received) < expected and time.monotonic() < deadline:
                time.sleep(0.002)
            time.sleep(0.2)
        done.set()
        receipts, published = [], {}
        for _ in processes:
            process_receipts, process_published = results.get(timeout=60)
            receipts += process_receipts
            published.update(process_published)
        for process in processes:
            process.join(timeout=10)
        latencies = [(at - sent_at[version]) * 1000 for version, at in receipts
                     if version in sent_at]
        from_publish = [(at - published[version]) * 1000 for version, at in receipts
                        if version in sent_at and version in published]
        return {
            "mode": mode,
            "processes": len(servers),
            "clients": clients,
            "rounds": rounds,
            "p50_ms": round(statistics.median(latencies), 1),
            "p99_ms": round(percentile(latencies, 0.99), 1),
            "max_ms": round(max(latencies), 1),
            "from_publish_p50_ms": round(statistics.median(from_publish), 1),
            "from_publish_p99_ms": round(percentile(from_publish, 0.99), 1),
            "change_p50_ms": round(statistics.median(change_ms), 1),
            "lost": clients * rounds - len(latencies),
            "rss_per_idle_connection_kb": round((rss_after - rss_before) / clients, 1),
            "connect_seconds": round(connect_seconds, 1),
        }
    finally:
        for server in servers:
            server.stop()


def prepare_database(env: dict) -> tuple[dict, str]:
    """Migrates the scratch database; answers the graphic and an editor's access token."""
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
                   cwd=ROOT, env=env, check=True)
    script = (
        "import json\n"
        "from django.contrib.auth.models import Group\n"
        "from accounts.models import User\n"
        "from accounts.services import token_pair_for\n"
        "from graphics.models import Graphic\n"
        "user = User.objects.create(username='bench-editor')\n"
        "user.groups.add(Group.objects.get(name='Editor'))\n"
        "graphic = Graphic.objects.create(title='Fan-out', data_json={'elements': []},"
        " on_air=True)\n"
        "print(json.dumps({'id': graphic.pk, 'key': graphic.overlay_key,"
        " 'token': token_pair_for(user)['access_token']}))\n"
    )
    output = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT,
                            env=env, check=True, capture_output=True, text=True).stdout
    prepared = json.loads(output.strip().splitlines()[-1])
    return prepared, prepared.pop("token")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="100,1000,5000",
                        help="comma list of socket counts (default 100,1000,5000)")
    parser.add_argument("--rounds", type=int, default=10, help="edits per setup")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""),
                        help="Redis for the two-process setup (default $REDIS_URL)")
    parser.add_argument("--modes", default="bare,memory,redis",
                        help="bare: a plain websockets server, the yardstick; memory: one daphne "
                             "with the in-memory layer; redis: two daphne sharing Redis")
    args = parser.parse_args()
    file_limit = raise_file_limit()

    with tempfile.TemporaryDirectory(prefix="galdash-fanout-") as scratch:
        scratch = Path(scratch)
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{scratch / 'bench.sqlite3'}",
               "DEBUG": "false", "SECRET_KEY": "fanout-benchmark-key-" + "x" * 40,
               "LOG_LEVEL": "WARNING", "GALDASH_IGNORE_DOTENV": "1"}
        env.pop("REDIS_URL", None)
        graphic, token = prepare_database(env)
        results = []
        for clients in [int(value) for value in args.clients.split(",")]:
            for mode in args.modes.split(","):
                if mode == "redis" and not args.redis_url:
                    continue
                setup_env = {**env, "REDIS_URL": args.redis_url} if mode == "redis" else env
                results.append(run_setup(
                    mode=mode, clients=clients, rounds=args.rounds,
                    client_processes=args.client_processes, env=setup_env, graphic=graphic,
                    token=token, log_dir=scratch))
                print(json.dumps(results[-1]), file=sys.stderr)
    print(json.dumps({
        "benchmark": "fanout",
        "cores": os.cpu_count(),
        "message_bytes": MESSAGE_BYTES,
        "file_limit": file_limit,
        "load_average_at_end": [round(value, 2) for value in os.getloadavg()],
        "results": results,
    }))


if __name__ == "__main__":
    main()
