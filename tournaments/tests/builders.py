"""Plain builders for tournament tests."""

from accounts.models import User
from tournaments.models import Lobby, Placement, Registration, Round, Tournament


def member(name: str, **fields) -> User:
    fields.setdefault("discord_id", f"d-{name}")
    fields.setdefault("riot_id", f"{name}#GAL")
    fields.setdefault("display_name", name.title())
    return User.objects.create(username=name, **fields)


def tournament_with_members(count: int, *, status: str = Tournament.Status.IN_PROGRESS,
                            prefix: str = "", **fields) -> tuple[Tournament, list[User]]:
    tournament = Tournament.objects.create(name=fields.pop("name", "Cup"), status=status, **fields)
    players = User.objects.bulk_create(
        User(username=f"{prefix}p{i:03d}", display_name=f"{prefix}Player {i:03d}",
             discord_id=f"{prefix}{9000 + i}", riot_id=f"{prefix}Player{i}#GAL")
        for i in range(1, count + 1)
    )
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
