"""Plain builders for tournament tests (members come from the root conftest's builders)."""

from accounts.models import User
from conftest import make_members
from tournaments.models import Lobby, Placement, Registration, Round, Tournament


def tournament_with_members(count: int, *, status: str = Tournament.Status.IN_PROGRESS,
                            prefix: str = "", **fields) -> tuple[Tournament, list[User]]:
    tournament = Tournament.objects.create(name=fields.pop("name", "Cup"), status=status, **fields)
    players = make_members(count, prefix=prefix)
    Registration.objects.bulk_create(Registration(tournament=tournament, user=p) for p in players)
    return tournament, players


def register(tournament: Tournament, *users: User) -> None:
    Registration.objects.bulk_create(Registration(tournament=tournament, user=u) for u in users)


def record_round(tournament: Tournament, number: int, lobbies: list[list[User]]) -> Round:
    """Round `number` with each lobby's players listed in finishing order (1st first)."""
    round_, _ = Round.objects.get_or_create(tournament=tournament, number=number)
    for lobby_number, players in enumerate(lobbies, start=1):
        lobby = Lobby.objects.create(round=round_, number=lobby_number)
        Placement.objects.bulk_create(
            Placement(lobby=lobby, round=round_, user=player, placement=place)
            for place, player in enumerate(players, start=1)
        )
    return round_
