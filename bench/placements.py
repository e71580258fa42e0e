"""Benchmark: the bot posting the 8 lobby screenshots of a 64-player round to a real daphne.

    python bench/placements.py [--rounds 6]

Runs against a throwaway database: a temporary SQLite file by default, or a fresh `test_...`
database next to DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/galdash), dropped at
the end. A tournament of 64 registered members plays `--rounds` rounds, each seated in 8
lobbies; for each round the bot's 8 submissions (confident, names exactly as registered) are
POSTed to `/api/v1/placements/submissions`, each matched, auto-validated and posted through the
results service. Half the rounds send the 8 one after the other, half all at once (as the bot
does after a round). In-process, one submission is counted in SQL queries both ways: posted
by itself, and left for review. Prints one JSON line.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.harness import Daphne, rss_kb  # noqa: E402

PLAYERS, LOBBIES = 64, 8


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6, help="rounds of 8 submissions (even)")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "galdash.settings")
    os.environ["GALDASH_IGNORE_DOTENV"] = "1"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    temporary = None
    if not os.environ.get("DATABASE_URL"):
        temporary = tempfile.NamedTemporaryFile(suffix=".sqlite3", delete=False)
        os.environ["DATABASE_URL"] = f"sqlite:///{temporary.name}"

    import django

    django.setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    from django.db import connection

    if temporary is not None:
        connection.settings_dict["TEST"]["NAME"] = temporary.name
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        figures = run(args.rounds, test_name, temporary)
    finally:
        connection.creation.destroy_test_db(test_name if temporary is None else temporary.name,
                                            verbosity=0)
        if temporary is not None:
            Path(temporary.name).unlink(missing_ok=True)
    print(json.dumps(figures))


def server_env(test_name: str, temporary) -> dict:
    from django.db import connection

    conf = connection.settings_dict
    if temporary is not None:
        url = f"sqlite:///{temporary.name}"
    else:
        auth = conf["USER"] + (f":{conf['PASSWORD']}" if conf.get("PASSWORD") else "")
        url = f"postgres://{auth}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{test_name}"
    return {**os.environ, "DATABASE_URL": url}


def run(rounds: int, test_name: str, temporary) -> dict:
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from accounts.roles import EDITOR
    from accounts.services import token_pair_for
    from tournaments.models import Registration, Round, Tournament
    from tournaments.placement_models import PlacementSubmission
    from tournaments.services import lobbies_seed
    from tournaments.tests.placement_builders import bot_body

    tournament = Tournament.objects.create(name="Bench Cup", status=Tournament.Status.IN_PROGRESS)
    players = User.objects.bulk_create(
        User(username=f"bench-{i}", display_name=f"Bench Player {i:02d}", discord_id=str(10**17 + i),
             riot_id=f"BenchPlayer{i}#GAL") for i in range(PLAYERS))
    Registration.objects.bulk_create(Registration(tournament=tournament, user=u) for u in players)
    bot = User.objects.create(username="bench-bot")
    bot.groups.add(Group.objects.get_or_create(name=EDITOR)[0])
    token = token_pair_for(bot)["access_token"]

    def seat(number: int) -> list[list[str]]:
        Round.objects.create(tournament=tournament, number=number)
        round_ = lobbies_seed(tournament_id=tournament.id, number=number)
        return [[seat.user.display_name for seat in lobby.seats.select_related("user")]
                for lobby in round_.lobbies.order_by("number")]

    # In process: the SQL of one submission posted by itself, and of one left for review.
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    lobbies = seat(1)
    with CaptureQueriesContext(connection) as auto:
        response = client.post("/api/v1/placements/submissions",
                               bot_body(tournament, lobbies[0], lobby=1), content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == "validated", response.content
    with CaptureQueriesContext(connection) as review:
        response = client.post("/api/v1/placements/submissions",
                               bot_body(tournament, lobbies[1], lobby=2, confidence=60.0),
                               content_type="application/json")
    assert response.json()["status"] == "pending_review", response.content
    PlacementSubmission.objects.all().delete()

    server = Daphne(server_env(test_name, temporary), Path(tempfile.gettempdir()), "bench-placements")
    headers = {"Authorization": f"Bearer {token}"}
    one_by_one, at_once, round_walls = [], [], {"sequential": [], "concurrent": []}
    try:
        with httpx.Client(base_url=server.url, headers=headers, timeout=60) as http:
            http.get("/health")
            for number in range(2, rounds + 2):
                lobbies = seat(number)
                bodies = [bot_body(tournament, names, lobby=n, round_name=f"round_{number}")
                          for n, names in enumerate(lobbies, start=1)]
                concurrent = number % 2 == 1
                started = time.perf_counter()
                if concurrent:
                    answers, elapsed = asyncio.run(post_all(server.url, headers, bodies))
                    at_once.extend(elapsed)
                else:
                    answers = []
                    for sent in bodies:
                        begun = time.perf_counter()
                        answers.append(http.post("/api/v1/placements/submissions", json=sent))
                        one_by_one.append((time.perf_counter() - begun) * 1000)
                round_walls["concurrent" if concurrent else "sequential"].append(
                    (time.perf_counter() - started) * 1000)
                statuses = {(a.status_code, a.json()["status"]) for a in answers}
                assert statuses == {(201, "validated")}, statuses
        memory = rss_kb(server.process.pid)
    finally:
        server.stop()

    return {
        "benchmark": "placements",
        "database": connection.vendor,
        "cores": os.cpu_count(),
        "players": PLAYERS,
        "lobbies_per_round": LOBBIES,
        "rounds": rounds,
        "submission_p50_ms": round(statistics.median(one_by_one), 1),
        "submission_p95_ms": round(percentile(one_by_one, 0.95), 1),
        "submission_max_ms": round(max(one_by_one), 1),
        "round_of_8_one_by_one_p50_ms": round(statistics.median(round_walls["sequential"]), 1),
        "round_of_8_at_once_p50_ms": round(statistics.median(round_walls["concurrent"]), 1),
        "at_once_submission_p50_ms": round(statistics.median(at_once), 1),
        "queries_auto_validated": len(auto),
        "queries_left_for_review": len(review),
        "daphne_rss_kb": memory,
    }


async def post_all(url: str, headers: dict, bodies: list[dict]):
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as http:
        async def post(sent):
            begun = time.perf_counter()
            answer = await http.post("/api/v1/placements/submissions", json=sent)
            return answer, (time.perf_counter() - begun) * 1000

        results = await asyncio.gather(*(post(sent) for sent in bodies))
    return [answer for answer, _ in results], [elapsed for _, elapsed in results]


if __name__ == "__main__":
    main()
