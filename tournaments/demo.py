"""Demo data: a tournament of 16 league members with two rounds of results.

Written with the ORM rather than the services because `seed_demo` runs every app's seed in one
transaction (the services open their own, durable, one) and demo data needs no events.
"""

import random

from accounts.demo import seed_member
from tournaments.models import Lobby, Placement, Registration, Round, Seat, Tournament
from tournaments.scoring import DEFAULT_POINTS, DEFAULT_TIEBREAKERS
from tournaments.services import snake_lobbies

DEMO_TOURNAMENT = "GAL Demo Cup"
DEMO_PLAYERS = ["Aurelion", "Bard", "Corki", "Draven", "Ezreal", "Fiora", "Garen", "Heimer",
                "Irelia", "Jinx", "Kayle", "Lux", "Morgana", "Nami", "Ornn", "Pyke"]


def seed(admin, *, base_url: str) -> list[str]:
    """Create (once, found again by name) the demo tournament with 16 registered members and
    two rounds of results; answers the lines to print."""
    tournament = Tournament.objects.filter(name=DEMO_TOURNAMENT).first()
    if tournament is None:
        tournament = _create()
    return [
        f"Tournament:      {tournament.name} (id {tournament.id}, 16 players, 2 rounds)",
        f"Standings:       {base_url}/api/v1/tournaments/{tournament.id}/standings",
        f"                 {base_url}/admin/tournaments/tournament/{tournament.id}/",
    ]


def demo_tournament_id() -> int:
    return Tournament.objects.values_list("id", flat=True).get(name=DEMO_TOURNAMENT)


def reset() -> None:
    """Delete the demo tournament with its rounds and results (the members stay)."""
    Tournament.objects.filter(name=DEMO_TOURNAMENT).delete()


def _create() -> Tournament:
    tournament = Tournament.objects.create(
        name=DEMO_TOURNAMENT, description="Two rounds played, standings live.",
        status=Tournament.Status.IN_PROGRESS, max_participants=16, guild_id="demo-guild",
        scoring={"points": DEFAULT_POINTS, "tiebreakers": DEFAULT_TIEBREAKERS},
    )
    players = []
    for index, name in enumerate(DEMO_PLAYERS, start=1):
        players.append(seed_member(username=f"demo-{name.lower()}", display_name=name,
                                   discord_id=f"10000000000000{index:04d}", riot_id=f"{name}#GAL"))
    Registration.objects.bulk_create(Registration(tournament=tournament, user=u) for u in players)

    shuffle = random.Random(2026)
    for number in (1, 2):
        round_ = Round.objects.create(tournament=tournament, number=number,
                                      status=Round.Status.COMPLETED)
        for lobby_number, seated in enumerate(snake_lobbies(players, 2), start=1):
            lobby = Lobby.objects.create(round=round_, number=lobby_number)
            Seat.objects.bulk_create(Seat(lobby=lobby, round=round_, user=u) for u in seated)
            finish = shuffle.sample(seated, len(seated))
            Placement.objects.bulk_create(
                Placement(lobby=lobby, round=round_, user=u, placement=place)
                for place, u in enumerate(finish, start=1))
    return tournament
