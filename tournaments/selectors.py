"""Reads of tournaments: standings (a fixed number of queries whatever the size)."""

from collections import defaultdict

from django.db.models import Count, Prefetch, Q

from core.errors import NotFound
from tournaments.history import results_lines
from tournaments.models import (
    Lobby,
    Placement,
    PlacementCorrection,
    Registration,
    Round,
    Seat,
    StandingsSnapshot,
    Tournament,
)
from tournaments.scoring import LOBBY_SIZE, ordering_key, scoring_of


def tournament_get(*, tournament_id: int, hold: bool = False) -> Tournament:
    """`hold`: inside a write's transaction, the row is kept (FOR NO KEY UPDATE) until it
    commits, so a concurrent delete of the tournament waits for the write that refers to it."""
    tournaments = Tournament.objects.select_for_update(no_key=True) if hold else Tournament.objects
    tournament = tournaments.filter(pk=tournament_id).first()
    if tournament is None:
        raise NotFound(f"Tournament {tournament_id} does not exist.", code="tournament_not_found")
    return tournament


def tournament_exists(*, tournament_id: int) -> bool:
    return Tournament.objects.filter(pk=tournament_id).exists()


ACTIVE_ORDER = [Tournament.Status.IN_PROGRESS, Tournament.Status.REGISTRATION,
                Tournament.Status.COMPLETED]


def active_tournament(*, guild_id: str | None = None) -> Tournament | None:
    """The latest tournament in progress, else open for registration, else completed."""
    tournaments = Tournament.objects.all()
    if guild_id:
        tournaments = tournaments.filter(guild_id=guild_id)
    for status in ACTIVE_ORDER:
        tournament = tournaments.filter(status=status).order_by("-created_at", "-id").first()
        if tournament is not None:
            return tournament
    return None


def standings_for(*, tournament_id: int) -> dict:
    """The live standings answer of `GET /tournaments/{id}/standings` (4 queries)."""
    return standings_of(tournament=tournament_get(tournament_id=tournament_id))


def standings_tournament_id(*, tournament_id: int | None) -> int | None:
    """The tournament whose standings a graphic bound to `tournament_id` draws: that one, or for
    a graphic bound to none the default tournament of `/players/ranked`."""
    if tournament_id is not None:
        return tournament_id
    tournament = active_tournament()
    return tournament.id if tournament else None


def overlay_standings(*, tournament_id: int | None) -> list[dict]:
    """The standings rows an overlay of a graphic bound to `tournament_id` draws (none when
    there is no such tournament)."""
    tournament_id = standings_tournament_id(tournament_id=tournament_id)
    tournament = Tournament.objects.filter(pk=tournament_id).first() if tournament_id else None
    return standings_of(tournament=tournament)["standings"] if tournament else []


def standings_of(*, tournament: Tournament) -> dict:
    """Standings of a loaded tournament (3 queries): every registered member ranked by total
    points, then the scoring's tie-breakers; players equal on all of them share a rank."""
    scoring = scoring_of(tournament.scoring)
    points = [0, *(scoring.points_for(place) for place in range(1, LOBBY_SIZE + 1))]
    round_number = dict(Round.objects.filter(tournament=tournament).values_list("id", "number"))
    members = (Registration.objects.filter(tournament=tournament).order_by("id")
               .values_list("user_id", "user__username", "user__display_name", "user__discord_id",
                            "user__riot_id"))
    by_player: dict[int, dict[int, int]] = defaultdict(dict)
    for user_id, round_id, placement in (Placement.objects.filter(round_id__in=list(round_number))
                                         .values_list("user_id", "round_id", "placement")):
        by_player[user_id][round_number[round_id]] = placement

    played_desc = sorted({n for rounds in by_player.values() for n in rounds}, reverse=True)
    rows = []
    for user_id, username, display_name, discord_id, riot_id in members:
        by_round = dict(sorted(by_player.get(user_id, {}).items()))
        round_scores = {f"round_{n}": points[p] for n, p in by_round.items()}
        total = sum(round_scores.values())
        rows.append((
            ordering_key(scoring, total=total, by_round=by_round, round_numbers_desc=played_desc),
            {
                "rank": 0,
                "user_id": user_id,
                "player_name": display_name or riot_id or username,  # as User.player_name
                "discord_id": discord_id,
                "riot_id": riot_id,
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
        "round_names": [f"round_{n}" for n in sorted(round_number.values())],
        "standings": standings,
    }


def tournament_list(*, status: str | None = None):
    tournaments = (Tournament.objects.annotate(participant_count=Count("registrations"))
                   .order_by("-created_at", "-id"))  # Meta.ordering is dropped with GROUP BY
    return tournaments.filter(status=status) if status else tournaments


def tournament_statistics(*, tournament: Tournament) -> dict:
    registrations = tournament.registrations.aggregate(
        participants=Count("id"), checked_in=Count("id", filter=Q(checked_in_at__isnull=False)))
    rounds = tournament.rounds.aggregate(
        rounds=Count("id", distinct=True),
        rounds_played=Count("id", distinct=True, filter=Q(placements__isnull=False)))
    participants, maximum = registrations["participants"], tournament.max_participants
    return {
        "tournament_id": tournament.id,
        "status": tournament.status,
        **registrations,
        "max_participants": maximum,
        "fill_rate": round(100 * participants / maximum, 1) if maximum else None,
        "check_in_rate": (round(100 * registrations["checked_in"] / participants, 1)
                          if participants else None),
        **rounds,
        "lobbies": Lobby.objects.filter(round__tournament=tournament).count(),
        "placements": Placement.objects.filter(round__tournament=tournament).count(),
    }


def registration_list(*, tournament: Tournament):
    return tournament.registrations.select_related("user")


def rounds_of(*, tournament: Tournament, number: int | None = None) -> list[dict]:
    """Rounds with their lobbies, seated players and placements (4 queries)."""
    scoring = scoring_of(tournament.scoring)
    rounds = Round.objects.filter(tournament=tournament).prefetch_related(
        Prefetch("lobbies", queryset=Lobby.objects.prefetch_related(
            Prefetch("seats", queryset=Seat.objects.select_related("user")),
            Prefetch("placements", queryset=Placement.objects.select_related("user")),
        )))
    if number is not None:
        rounds = rounds.filter(number=number)
    return [{
        "number": round_.number,
        "name": round_.name,
        "status": round_.status,
        "lobbies": [{
            "lobby": lobby.number,
            "players": [{"user_id": seat.user_id, "player_name": seat.user.player_name}
                        for seat in lobby.seats.all()],
            "placements": [{"user_id": p.user_id, "player_name": p.user.player_name,
                            "placement": p.placement, "points": scoring.points_for(p.placement)}
                           for p in lobby.placements.all()],
        } for lobby in round_.lobbies.all()],
    } for round_ in rounds]


def lobby_entry(*, round_: Round, lobby: int) -> dict:
    """What the results form of one lobby needs: the players it offers (those seated there and
    those already placed there; every registered member when the lobby seats nobody) and the
    stored placements, best first. 3 queries."""
    seated = [(seat.user_id, seat.user.player_name) for seat in
              Seat.objects.filter(lobby__round=round_, lobby__number=lobby).select_related("user")]
    stored = [(p.user_id, p.user.player_name, p.placement) for p in
              Placement.objects.filter(lobby__round=round_, lobby__number=lobby)
              .select_related("user").order_by("placement")]
    players = dict(seated)
    players.update((user_id, name) for user_id, name, _ in stored)
    if not players:
        players = {r.user_id: r.user.player_name for r in registration_list(tournament=round_.tournament)}
    return {"players": list(players.items()), "seated": bool(seated),
            "placements": [{"user_id": user_id, "player_name": name, "placement": placement}
                           for user_id, name, placement in stored]}


def results_history(*, tournament_id: int) -> list[dict]:
    """The results posted and corrected in a tournament's lobbies, in words, newest first."""
    posts = (Tournament.history.filter(id=tournament_id, history_change_reason__contains="results posted")
             .select_related("history_user"))
    corrections = (PlacementCorrection.objects.filter(lobby__round__tournament_id=tournament_id)
                   .select_related("lobby__round", "corrected_by"))
    return results_lines(posts=posts, corrections=corrections)


def snapshot_list(*, tournament_id: int | None = None):
    snapshots = StandingsSnapshot.objects.select_related("tournament", "created_by").defer("data")
    return snapshots.filter(tournament_id=tournament_id) if tournament_id else snapshots


def snapshot_get(*, snapshot_id: int | None = None,
                 tournament_id: int | None = None) -> StandingsSnapshot:
    """One snapshot by id, or the latest one (of a tournament when given)."""
    snapshots = StandingsSnapshot.objects.select_related("tournament", "created_by")
    if snapshot_id is not None:
        snapshot = snapshots.filter(pk=snapshot_id).first()
    else:
        if tournament_id is not None:
            snapshots = snapshots.filter(tournament_id=tournament_id)
        snapshot = snapshots.first()
    if snapshot is None:
        raise NotFound("No standings snapshot found." if snapshot_id is None
                       else f"Snapshot {snapshot_id} does not exist.", code="snapshot_not_found")
    return snapshot


MEMBER_ID_FIELDS = ("user_id", "player_id", "discord_id", "riot_id")


def public_rows(rows: list[dict]) -> list[dict]:
    """Standings or ranked rows as anyone may read them: what overlays draw (names, points,
    ranks, round scores, placements), without the members' user, Discord and Riot ids."""
    return [{key: value for key, value in row.items() if key not in MEMBER_ID_FIELDS}
            for row in rows]


RANKED_DEFAULT_ORDER = {"total_points": "desc", "player_name": "asc", "standing_rank": "asc"}


def ranked_players(*, tournament_id: int | None = None, guild_id: str | None = None,
                   sort_by: str = "total_points", sort_order: str | None = None,
                   limit: int = 100) -> dict:
    """The `/players/ranked` answer from the live standings of a tournament (by id, else the
    latest active one of `guild_id`, else the latest active one)."""
    tournament = (tournament_get(tournament_id=tournament_id) if tournament_id is not None
                  else active_tournament(guild_id=guild_id))
    if tournament is None:
        return {"players": [], "total": 0, "snapshot_id": None, "snapshot_created_at": None,
                "tournament_id": None, "tournament_name": None}
    standings = standings_of(tournament=tournament)["standings"]
    players = [{
        "player_name": row["player_name"], "total_points": row["total_points"],
        "standing_rank": row["rank"], "player_id": row["user_id"], "discord_id": row["discord_id"],
        "riot_id": row["riot_id"], "round_scores": row["round_scores"],
    } for row in standings]
    descending = (sort_order or RANKED_DEFAULT_ORDER[sort_by]) == "desc"
    if sort_by == "player_name":
        players.sort(key=lambda p: p["player_name"].lower(), reverse=descending)
    elif sort_by == "total_points":
        # The sort is stable: equal points keep the standings order (the tie-breakers).
        players.sort(key=lambda p: p["total_points"], reverse=descending)
    elif descending:
        players.reverse()
    return {"players": players[:limit], "total": len(players), "snapshot_id": None,
            "snapshot_created_at": None, "tournament_id": tournament.id,
            "tournament_name": tournament.name}
