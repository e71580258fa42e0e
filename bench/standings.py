"""Benchmark: posting a round's results and computing the standings of a large tournament.

512 players, 10 rounds of 64 lobbies (the first 9 rounds loaded in bulk, the 10th posted
through `results_post`, then re-posted whole as a correction); standings computed repeatedly.
Runs against a throwaway database: a temporary SQLite file by default, or a fresh `test_...`
database next to DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/galdash), dropped at
the end. Prints one JSON line.

    python bench/standings.py [--repeat 30]
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "galdash.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-signing-key-0123456789-abcdefghijklmnop")
os.environ["GALDASH_IGNORE_DOTENV"] = "1"

PLAYERS, ROUNDS, LOBBY_SIZE = 512, 10, 8


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(function):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - started
    return result, elapsed * 1000, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="standings computations to time")
    args = parser.parse_args()

    import django

    temporary = None
    if not os.environ.get("DATABASE_URL"):
        temporary = tempfile.NamedTemporaryFile(suffix=".sqlite3", delete=False)
        os.environ["DATABASE_URL"] = f"sqlite:///{temporary.name}"
    django.setup()

    from django.db import connection

    if temporary is not None:
        connection.settings_dict["TEST"]["NAME"] = temporary.name
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        figures = run(args.repeat)
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
        if temporary is not None:
            Path(temporary.name).unlink(missing_ok=True)
    print(json.dumps(figures))


def run(repeat: int) -> dict:
    from django.db import connection

    from accounts.models import User
    from tournaments.models import Lobby, Placement, Registration, Round, Tournament
    from tournaments.selectors import standings_for
    from tournaments.services import results_post

    shuffle = random.Random(512)
    tournament = Tournament.objects.create(name="Bench Cup", status=Tournament.Status.IN_PROGRESS)
    players = User.objects.bulk_create(
        User(username=f"bench-{i}", display_name=f"Bench {i:03d}", discord_id=str(10**17 + i),
             riot_id=f"Bench{i}#GAL") for i in range(PLAYERS))
    Registration.objects.bulk_create(Registration(tournament=tournament, user=u) for u in players)
    lobby_count = PLAYERS // LOBBY_SIZE

    def deal() -> list[list]:
        order = shuffle.sample(players, len(players))
        return [order[i:i + LOBBY_SIZE] for i in range(0, PLAYERS, LOBBY_SIZE)]

    for number in range(1, ROUNDS):
        round_ = Round.objects.create(tournament=tournament, number=number,
                                      status=Round.Status.COMPLETED)
        lobbies = Lobby.objects.bulk_create(Lobby(round=round_, number=n)
                                            for n in range(1, lobby_count + 1))
        Placement.objects.bulk_create(
            Placement(lobby=lobby, round=round_, user=user, placement=place)
            for lobby, seated in zip(lobbies, deal(), strict=True)
            for place, user in enumerate(seated, start=1))
    Round.objects.create(tournament=tournament, number=ROUNDS)
    poster = User.objects.create(username="bench-editor")

    def post():
        body = [{"lobby": n, "placements": [{"user_id": u.id, "placement": place}
                                            for place, u in enumerate(seated, start=1)]}
                for n, seated in enumerate(deal(), start=1)]
        return results_post(tournament_id=tournament.id, number=ROUNDS, lobbies=body, by=poster)

    _, post_ms, post_queries = timed(post)
    answer, correction_ms, correction_queries = timed(post)
    assert len(answer["corrected_lobbies"]) == lobby_count

    samples, standings_queries = [], set()
    for _ in range(repeat):
        standings, elapsed, queries = timed(lambda: standings_for(tournament_id=tournament.id))
        samples.append(elapsed)
        standings_queries.add(queries)
    assert len(standings["standings"]) == PLAYERS
    assert len(standings["standings"][0]["placements"]) == ROUNDS

    return {
        "benchmark": "standings",
        "database": connection.vendor,
        "cores": os.cpu_count(),
        "players": PLAYERS,
        "rounds": ROUNDS,
        "lobbies_per_round": lobby_count,
        "placements": Placement.objects.count(),
        "post_round_ms": round(post_ms, 1),
        "post_round_queries": post_queries,
        "repost_round_as_correction_ms": round(correction_ms, 1),
        "repost_round_as_correction_queries": correction_queries,
        "standings_runs": repeat,
        "standings_p50_ms": round(statistics.median(samples), 1),
        "standings_p95_ms": round(percentile(samples, 0.95), 1),
        "standings_max_ms": round(max(samples), 1),
        "standings_queries": sorted(standings_queries),
    }


if __name__ == "__main__":
    main()
