"""Reads of tournaments: standings (a fixed number of queries whatever the size)."""

from collections import defaultdict

from galdash.errors import NotFound
from tournaments.models import Placement, Registration, Round, Tournament
from tournaments.scoring import ordering_key, scoring_of


def tournament_get(*, tournament_id: int) -> Tournament:
    tournament = Tournament.objects.filter(pk=tournament_id).first()
    if tournament is None:
        raise NotFound(f"Tournament {tournament_id} does not exist.", code="tournament_not_found")
    return tournament


def standings_for(*, tournament_id: int) -> dict:
    """The live standings answer of `GET /tournaments/{id}/standings` (4 queries)."""
    return standings_of(tournament=tournament_get(tournament_id=tournament_id))


def standings_of(*, tournament: Tournament) -> dict:
    """Standings of a loaded tournament (3 queries): every registered member ranked by total
    points, then the scoring's tie-breakers; players equal on all of them share a rank."""
    scoring = scoring_of(tournament.scoring)
    round_numbers = list(Round.objects.filter(tournament=tournament).values_list("number", flat=True)
                         .order_by("number"))
    registrations = (Registration.objects.filter(tournament=tournament).select_related("user")
                     .only("id", "tournament_id", "user__id", "user__username", "user__display_name",
                           "user__discord_id", "user__riot_id"))
    by_player: dict[int, dict[int, int]] = defaultdict(dict)
    for user_id, number, placement in (Placement.objects.filter(round__tournament=tournament)
                                       .values_list("user_id", "round__number", "placement")):
        by_player[user_id][number] = placement

    played_desc = sorted({n for rounds in by_player.values() for n in rounds}, reverse=True)
    rows = []
    for registration in registrations:
        user = registration.user
        by_round = dict(sorted(by_player.get(user.id, {}).items()))
        round_scores = {f"round_{n}": scoring.points_for(p) for n, p in by_round.items()}
        total = sum(round_scores.values())
        rows.append((
            ordering_key(scoring, total=total, by_round=by_round, round_numbers_desc=played_desc),
            {
                "rank": 0,
                "user_id": user.id,
                "player_name": user.player_name,
                "discord_id": user.discord_id,
                "riot_id": user.riot_id,
                "total_points": total,
                "round_scores": round_scores,
                "placements": list(by_round.values()),
            },
        ))
    rows.sort(key=lambda row: (row[0], row[1]["player_name"].lower(), row[1]["user_id"]))

    standings = []
    previous_key = None
    for position, (key, entry) in enumerate(rows, start=1):
        entry["rank"] = standings[-1]["rank"] if key == previous_key else position
        previous_key = key
        standings.append(entry)
    return {
        "tournament_id": tournament.id,
        "round_names": [f"round_{n}" for n in round_numbers],
        "standings": standings,
    }
