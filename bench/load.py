"""Broadcast-night load: overlays connected, editors saving, results posted, dashboards
listening, all at once for a fixed time. Prints one JSON line.

Starts its own daphne processes. By default one process on a scratch SQLite database with the
in-memory layer; with DATABASE_URL and REDIS_URL it uses them and starts `--processes` (default
2) daphne processes sharing Redis, the sockets and requests spread across them. It seeds a
tournament in progress (32 registered players, round 1) and `--graphics` graphics, half of them
bound to the tournament, then runs for `--seconds`:

- `--overlays` overlay sockets spread over the graphics, counting every `graphic_updated`;
- `--editors` editors, each saving its own graphics in a loop (`PUT` with `version`);
- one results poster re-posting round 1 (`POST .../rounds/1/results`, all four lobbies);
- `--dashboards` dashboard sockets (`/ws/dashboard/`) receiving every event.

Reported: requests per second and latency p50/p95/p99 per operation, errors (non-2xx answers,
failed connects, sockets closed by the server), delivery lag from sending the PUT to an
overlay's or dashboard's receipt of that version (p50/p99/max), and messages lost: versions an
overlay of that graphic never received (counted 2 s after the run). The load generator shares
the machine's `cores` with the server.

    python bench/load.py                            # SQLite + in-memory layer, 20 s, 200 overlays
    python bench/load.py --seconds 60 --overlays 1000
    DATABASE_URL=postgres://... REDIS_URL=redis://... python bench/load.py
"""

import argparse
import asyncio
import json
import os
import random
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import websockets
from harness import ROOT, Daphne

sys.path.insert(0, str(ROOT))
PLAYERS = 32
LOBBY_SIZE = 8


def percentiles(samples: list[float]) -> dict:
    if not samples:
        return {"count": 0}
    ordered = sorted(samples)

    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 2)

    return {"count": len(ordered), "p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99),
            "max_ms": round(ordered[-1], 2)}


def seed(graphics: int, editors: int) -> dict:
    """Migrates and seeds through the ORM, in this process, on the servers' database."""
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from accounts.models import User
    from accounts.roles import EDITOR
    from accounts.services import token_pair_for
    from graphics.models import Graphic
    from tournaments.models import Registration, Round, Tournament

    call_command("migrate", verbosity=0)
    run = uuid.uuid4().hex[:8]
    group = Group.objects.get_or_create(name=EDITOR)[0]
    tokens = []
    for n in range(editors):
        user = User.objects.create(username=f"load-{run}-editor-{n}", is_staff=True)
        user.groups.add(group)
        tokens.append(token_pair_for(user)["access_token"])
    tournament = Tournament.objects.create(name=f"Load Cup {run}", status=Tournament.Status.IN_PROGRESS)
    players = User.objects.bulk_create(
        User(username=f"load-{run}-player-{i}", display_name=f"Player {i:02d}",
             discord_id=str(10**17 + i) + run, riot_id=f"Player{i}#LOAD") for i in range(PLAYERS))
    Registration.objects.bulk_create(Registration(tournament=tournament, user=u) for u in players)
    Round.objects.create(tournament=tournament, number=1)
    elements = [{"id": f"t{i}", "type": "text", "x": 100, "y": 40 * i, "content": f"Line {i}",
                 "fontSize": 32} for i in range(20)]
    rows = [Graphic.objects.create(title=f"Load {run} {n}", data_json={"elements": elements},
                                   version=1, tournament=tournament if n % 2 else None)
            for n in range(graphics)]
    return {"tokens": tokens, "tournament": tournament.pk, "players": [p.pk for p in players],
            "graphics": [(g.pk, g.overlay_key) for g in rows], "elements": elements}


class Load:
    def __init__(self, servers: list[Daphne], seeded: dict, args):
        self.servers = servers
        self.seeded = seeded
        self.args = args
        self.latency: dict[str, list[float]] = {"graphic_save": [], "results_post": []}
        self.errors: dict[str, int] = {}
        self.sent: dict[tuple[int, int], float] = {}  # (graphic, version) -> PUT sent
        self.received: dict[tuple[int, int], list[float]] = {}  # overlay receipts
        self.dashboard_received: list[tuple[int, int, float]] = []
        self.overlays_on: dict[int, int] = {}
        self.dashboard_events = 0
        self.stopping = False

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def server(self, n: int) -> Daphne:
        return self.servers[n % len(self.servers)]

    async def overlay(self, n: int, ready: asyncio.Event, opened: list) -> None:
        graphic_id, key = self.seeded["graphics"][n % len(self.seeded["graphics"])]
        url = f"{self.server(n).ws_url}/ws/overlay/{graphic_id}/?key={key}"
        try:
            async with websockets.connect(url, open_timeout=20, max_size=None) as socket:
                json.loads(await socket.recv())  # the snapshot
                self.overlays_on[graphic_id] = self.overlays_on.get(graphic_id, 0) + 1
                opened.append(n)
                if len(opened) == self.args.overlays:
                    ready.set()
                async for raw in socket:
                    now = time.monotonic()
                    message = json.loads(raw)
                    if message["type"] == "graphic_updated":
                        version = (graphic_id, message["data"]["version"])
                        self.received.setdefault(version, []).append(now)
        except (OSError, TimeoutError, websockets.WebSocketException):
            if not self.stopping:
                self.error("overlay_socket")
                opened.append(n)
                if len(opened) == self.args.overlays:
                    ready.set()

    async def dashboard(self, n: int) -> None:
        token = self.seeded["tokens"][n % len(self.seeded["tokens"])]
        try:
            async with websockets.connect(f"{self.server(n).ws_url}/ws/dashboard/?token={token}",
                                          max_size=None) as socket:
                async for raw in socket:
                    now = time.monotonic()
                    message = json.loads(raw)
                    self.dashboard_events += 1
                    if message["type"] == "graphic_updated":
                        data = message["data"]
                        self.dashboard_received.append((data.get("id"), data.get("version"), now))
        except (OSError, TimeoutError, websockets.WebSocketException):
            if not self.stopping:
                self.error("dashboard_socket")

    async def editor(self, n: int) -> None:
        mine = self.seeded["graphics"][n::self.args.editors]
        versions = {graphic_id: 1 for graphic_id, _ in mine}
        headers = {"Authorization": f"Bearer {self.seeded['tokens'][n]}"}
        elements = self.seeded["elements"]
        async with httpx.AsyncClient(base_url=self.server(n).url, headers=headers,
                                     timeout=30) as client:
            turn = 0
            while not self.stopping:
                graphic_id = mine[turn % len(mine)][0]
                turn += 1
                elements[0]["content"] = f"Score {turn}"
                started = time.monotonic()
                try:
                    response = await client.put(f"/api/v1/graphics/{graphic_id}", json={
                        "version": versions[graphic_id], "title": f"Save {turn}",
                        "data_json": {"elements": elements}})
                except httpx.HTTPError:
                    self.error("graphic_save")
                    continue
                self.latency["graphic_save"].append((time.monotonic() - started) * 1000)
                if response.status_code != 200:
                    self.error(f"graphic_save_{response.status_code}")
                    continue
                version = response.json()["version"]
                self.sent[(graphic_id, version)] = started
                versions[graphic_id] = version

    async def results_poster(self) -> None:
        players = self.seeded["players"]
        shuffle = random.Random(7)
        path = f"/api/v1/tournaments/{self.seeded['tournament']}/rounds/1/results"
        headers = {"Authorization": f"Bearer {self.seeded['tokens'][0]}"}
        async with httpx.AsyncClient(base_url=self.server(1).url, headers=headers,
                                     timeout=30) as client:
            while not self.stopping:
                order = shuffle.sample(players, len(players))
                body = {"lobbies": [
                    {"lobby": lobby + 1, "placements": [
                        {"user_id": user, "placement": place + 1}
                        for place, user in enumerate(order[lobby * LOBBY_SIZE:(lobby + 1) * LOBBY_SIZE])]}
                    for lobby in range(PLAYERS // LOBBY_SIZE)]}
                started = time.monotonic()
                try:
                    response = await client.post(path, json=body)
                except httpx.HTTPError:
                    self.error("results_post")
                    continue
                self.latency["results_post"].append((time.monotonic() - started) * 1000)
                if response.status_code != 200:
                    self.error(f"results_post_{response.status_code}")
                await asyncio.sleep(0.5)  # a results desk, not a firehose

    async def run(self) -> dict:
        ready, opened = asyncio.Event(), []
        overlays = []
        for n in range(self.args.overlays):
            overlays.append(asyncio.create_task(self.overlay(n, ready, opened)))
            if n % 50 == 49:
                await asyncio.sleep(0.05)  # a venue's browsers, not one SYN flood
        await asyncio.wait_for(ready.wait(), 60)
        listeners = overlays + [asyncio.create_task(self.dashboard(n))
                                for n in range(self.args.dashboards)]
        await asyncio.sleep(0.5)
        started = time.monotonic()
        writers = [asyncio.create_task(self.editor(n)) for n in range(self.args.editors)]
        writers.append(asyncio.create_task(self.results_poster()))
        await asyncio.sleep(self.args.seconds)
        self.stopping = True
        await asyncio.gather(*writers)
        elapsed = time.monotonic() - started
        await asyncio.sleep(2)  # the last deliveries
        for task in listeners:
            task.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)
        return self.figures(elapsed)

    def figures(self, elapsed: float) -> dict:
        lag, lost, expected = [], 0, 0
        for (graphic_id, version), sent in self.sent.items():
            receipts = self.received.get((graphic_id, version), [])
            expected += self.overlays_on.get(graphic_id, 0)
            lost += max(0, self.overlays_on.get(graphic_id, 0) - len(receipts))
            lag.extend((at - sent) * 1000 for at in receipts)
        dashboard_lag = [(at - self.sent[(graphic_id, version)]) * 1000
                         for graphic_id, version, at in self.dashboard_received
                         if (graphic_id, version) in self.sent]
        return {
            "throughput_per_s": {operation: round(len(samples) / elapsed, 1)
                                 for operation, samples in self.latency.items()},
            "latency": {operation: percentiles(samples)
                        for operation, samples in self.latency.items()},
            "errors": self.errors,
            "overlay_delivery_lag": percentiles(lag),
            "dashboard_delivery_lag": percentiles(dashboard_lag),
            "overlay_messages_expected": expected,
            "messages_lost": lost,
            "dashboard_events_received": self.dashboard_events,
            "seconds": round(elapsed, 1),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--overlays", type=int, default=200)
    parser.add_argument("--dashboards", type=int, default=10)
    parser.add_argument("--editors", type=int, default=4)
    parser.add_argument("--graphics", type=int, default=20)
    parser.add_argument("--processes", type=int, default=None,
                        help="daphne processes (default 2 with REDIS_URL, else 1)")
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    redis_url = os.environ.get("REDIS_URL", "")
    scratch = Path(tempfile.mkdtemp(prefix="galdash-load-"))
    env = {**os.environ, "DEBUG": "false", "LOG_LEVEL": "WARNING", "GALDASH_IGNORE_DOTENV": "1",
           "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{scratch}/load.sqlite3",
           "SECRET_KEY": os.environ.get("SECRET_KEY")
           or "benchmark-only-signing-key-0123456789-abcdefghijklmnop"}
    os.environ.update({key: env[key] for key in ("DATABASE_URL", "SECRET_KEY",
                                                 "GALDASH_IGNORE_DOTENV", "LOG_LEVEL")})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "galdash.settings")
    processes = args.processes or (2 if redis_url else 1)
    if processes > 1 and not redis_url:
        parser.error("more than one process needs REDIS_URL (the processes share Redis)")
    args.editors = min(args.editors, args.graphics)

    seeded = seed(args.graphics, args.editors)
    servers = [Daphne(env, scratch, f"load-{n}") for n in range(processes)]
    try:
        figures = asyncio.run(Load(servers, seeded, args).run())
    finally:
        for server in servers:
            server.stop()
    print(json.dumps({
        "benchmark": "load",
        "database": env["DATABASE_URL"].split(":", 1)[0],
        "layer": "redis" if redis_url else "memory",
        "processes": processes,
        "overlays": args.overlays, "dashboards": args.dashboards, "editors": args.editors,
        "graphics": args.graphics,
        **figures,
        "cores": os.cpu_count(),
    }))


if __name__ == "__main__":
    main()
