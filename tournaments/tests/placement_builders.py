"""What the league's Discord bot sends for a lobby screenshot, built for tests."""

from itertools import count

from tournaments.models import Round
from tournaments.services import lobbies_seed

_messages = count(1_180_000_000_000_000_001)


def bot_body(tournament, names: list[str], *, lobby: int = 1, round_name: str = "round_1",
             confidence: float = 96.5, **overrides) -> dict:
    """The bot's body: `names` in finishing order (1st first), Discord ids as numbers (as
    discord.py gives them), every optional confidence filled in."""
    body = {
        "tournament_id": tournament.id, "round_name": round_name, "lobby_number": lobby,
        "discord_message_id": next(_messages), "discord_channel_id": 1_180_000_000_000_000_000,
        "discord_author_id": "240000000000000001",
        "image_url": f"https://cdn.discordapp.com/attachments/1/2/lobby{lobby}.png",
        "overall_confidence": confidence, "classification_score": 99.0,
        "ocr_consensus_confidence": 95.0, "player_match_confidence": 97.0,
        "structural_validity_score": 100.0,
        "placements": [{"player_name": name, "placement": place, "extraction_confidence": 93.0}
                       for place, name in enumerate(names, start=1)],
        "extracted_data": {"engine": "paddle", "rows": len(names)},
    }
    body.update(overrides)
    return body


def seeded_round(tournament, number: int = 1) -> Round:
    """Round `number` with its lobbies seated (registration order, snake)."""
    Round.objects.get_or_create(tournament=tournament, number=number)
    return lobbies_seed(tournament_id=tournament.id, number=number)


def lobby_names(round_: Round, lobby: int) -> list[str]:
    """The display names of the players seated in a lobby, in seat order."""
    return [seat.user.display_name
            for seat in round_.lobbies.get(number=lobby).seats.select_related("user")]
