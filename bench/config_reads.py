"""Configuration reads: `config.get` from the process cache, a reload after a write, and the
list endpoint. Prints one JSON line.

    python bench/config_reads.py            # SQLite in a temporary file, in-process cache token
    DATABASE_URL=postgres://... REDIS_URL=redis://... python bench/config_reads.py

With REDIS_URL each cached read also asks Redis for the shared version token.
"""

import json
import os
import statistics
import time

from harness import django_in_process

django_in_process()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

import config  # noqa: E402
from accounts.models import User  # noqa: E402
from accounts.services import token_pair_for  # noqa: E402
from config import services  # noqa: E402
from config.models import Configuration  # noqa: E402

ENTRIES = 200


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {"p50": round(statistics.median(ordered), 3),
            "p95": round(ordered[int(len(ordered) * 0.95)], 3),
            "p99": round(ordered[int(len(ordered) * 0.99)], 3)}


def timed_us(call, rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1e6)
    return samples


def main() -> None:
    call_command("migrate", verbosity=0)
    Configuration.objects.all().delete()
    Configuration.objects.bulk_create(
        Configuration(key=f"bench.key-{n}", value={"n": n, "colours": ["#fff", "#000"]},
                      category=f"c{n % 5}") for n in range(ENTRIES))
    user, _ = User.objects.get_or_create(username="bench-reader")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_pair_for(user)['access_token']}")

    config.get("bench.key-0")
    warm = timed_us(lambda: config.get("bench.key-7"), 20_000)

    def write_then_read():
        services.configuration_update(key="bench.key-1", value={"n": time.time()})
        config.get("bench.key-1")

    reload_after_write = timed_us(write_then_read, 200)

    client.get("/api/v1/configuration")
    api = [value / 1000 for value in timed_us(lambda: client.get("/api/v1/configuration"), 300)]
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/configuration")

    print(json.dumps({
        "benchmark": "config_reads",
        "cores": os.cpu_count(),
        "database": connection.vendor,
        "shared_cache": "redis" if os.environ.get("REDIS_URL") else "in-process",
        "entries": ENTRIES,
        "config_get_cached_us": percentiles(warm),
        "config_get_cached_per_second": round(1e6 / statistics.mean(warm)),
        "write_then_read_us": percentiles(reload_after_write),
        "list_endpoint_ms": percentiles(api),
        "list_endpoint_queries": len(queries),
    }))


if __name__ == "__main__":
    main()
