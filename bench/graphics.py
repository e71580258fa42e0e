"""Benchmark of the graphics API against a real daphne process.

    python bench/graphics.py [--graphics 200] [--requests 400]

Uses DATABASE_URL when set (it is migrated; the benchmark's own graphics and user are
removed at the end), else a fresh SQLite file in a temporary directory. Starts daphne on a
free port, seeds the graphics, then measures with httpx:
- GET /api/v1/graphics (every graphic, each with its canvas) at concurrency 1 and 32;
- a lock acquire + release cycle (POST then DELETE /api/v1/lock/{id}) at concurrency 1 and
  32, each worker on its own graphic (so the figure is the cost of a cycle, not of a 409).
Prints one JSON line: latency percentiles (ms), requests per second, the list's SQL query
count and response size, daphne's resident memory, and the machine's core count.
"""

import argparse
import asyncio
import json
import logging
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from harness import ROOT, Daphne

BENCH_PREFIX = "bench-graphic-"


def configure_environment() -> tuple[str, tempfile.TemporaryDirectory | None]:
    """The environment shared by this process (for seeding) and daphne."""
    scratch = None
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url:
        scratch = tempfile.TemporaryDirectory(prefix="galdash-bench-")
        database_url = f"sqlite:///{scratch.name}/bench.sqlite3"
    os.environ.update({
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "GALDASH_IGNORE_DOTENV": "1",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "DJANGO_SETTINGS_MODULE": "galdash.settings",
    })
    return database_url, scratch


def seed(count: int) -> tuple[str, list[int], dict]:
    """Migrate, create the benchmark editor and `count` graphics; answers a token, the
    graphic ids and the SQL figures of one in-process list request."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from accounts.roles import EDITOR
    from accounts.services import token_pair_for
    from graphics import demo, services

    call_command("migrate", verbosity=0, interactive=False)
    cleanup()
    user = User.objects.create(username="bench-editor", display_name="Bench")
    user.groups.add(Group.objects.get(name=EDITOR))
    canvases = [demo.TITLE_CARD, demo.STANDINGS_BOARD]
    ids = [services.graphic_create(user=user, title=f"{BENCH_PREFIX}{n}", event_name=f"Week {n % 10}",
                                   data_json=canvases[n % 2]).pk
           for n in range(count)]
    token = token_pair_for(user)["access_token"]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/graphics")
    assert response.status_code == 200, response.content[:300]
    return token, ids, {"list_queries": len(queries), "list_bytes": len(response.content),
                        "list_total": response.json()["total"]}


def cleanup() -> None:
    from accounts.models import User
    from graphics.models import Graphic

    Graphic.objects.filter(title__startswith=BENCH_PREFIX).delete()
    User.objects.filter(username="bench-editor").delete()


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def figures(latencies: list[float], elapsed: float, operations: int, errors: int) -> dict:
    ordered = sorted(latencies)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 2),
        "per_second": round(operations / elapsed, 1),
        "operations": operations,
        "errors": errors,
    }


async def measure(base: str, token: str, concurrency: int, total: int, operation) -> dict:
    """`total` operations spread over `concurrency` workers; worker i gets index i."""
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    latencies: list[float] = []
    errors = 0
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as client:
        for worker in range(concurrency):  # warm up each connection
            await operation(client, worker)

        async def work(worker: int):
            nonlocal errors
            for _ in range(total // concurrency):
                started = time.perf_counter()
                ok = await operation(client, worker)
                latencies.append(time.perf_counter() - started)
                errors += not ok

        started = time.perf_counter()
        await asyncio.gather(*(work(worker) for worker in range(concurrency)))
        elapsed = time.perf_counter() - started
    return figures(latencies, elapsed, len(latencies), errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--graphics", type=int, default=200)
    parser.add_argument("--requests", type=int, default=640, help="operations per measurement")
    args = parser.parse_args()

    database_url, scratch = configure_environment()
    token, ids, sql = seed(args.graphics)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # Django's logging config says INFO
    daphne = Daphne(os.environ.copy(), Path(tempfile.gettempdir()), "galdash-bench")
    base = daphne.url

    async def list_graphics(client, worker) -> bool:
        response = await client.get("/api/v1/graphics")
        return response.status_code == 200

    async def lock_cycle(client, worker) -> bool:
        graphic_id, session = ids[worker % len(ids)], f"bench-session-{worker}"
        acquired = await client.post(f"/api/v1/lock/{graphic_id}", json={"session_id": session})
        released = await client.request("DELETE", f"/api/v1/lock/{graphic_id}", json={"session_id": session})
        return acquired.status_code == 200 and released.status_code == 200

    try:
        results = {
            "benchmark": "graphics",
            "cores": os.cpu_count(),
            "database": database_url.split(":", 1)[0],
            "channel_layer": "redis" if os.environ.get("REDIS_URL") else "in-memory",
            "server": "daphne, 1 process",
            "graphics": args.graphics,
            **sql,
        }
        for concurrency in (1, 32):
            results[f"list_c{concurrency}"] = asyncio.run(
                measure(base, token, concurrency, args.requests, list_graphics))
            results[f"lock_cycle_c{concurrency}"] = asyncio.run(
                measure(base, token, concurrency, args.requests, lock_cycle))
        results["daphne_rss_mb"] = rss_mb(daphne.pid)
    finally:
        daphne.stop()
        cleanup()
        if scratch is not None:
            scratch.cleanup()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
