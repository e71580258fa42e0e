"""Scoring tables and the ordering of standings.

A tournament's `scoring` JSON is `{"points": [8, 7, 6, 5, 4, 3, 2, 1], "tiebreakers": [...]}`;
both keys are optional and an empty object means the league default. `points[i]` is what
placement i+1 earns (a placement past the table earns 0).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

LOBBY_SIZE = 8
DEFAULT_POINTS = [8, 7, 6, 5, 4, 3, 2, 1]

TOP4_PLUS_FIRSTS = "top4_plus_firsts"
PLACEMENT_COUNTS = "placement_counts"
LATEST_ROUND = "latest_round"
TIEBREAKERS = {
    TOP4_PLUS_FIRSTS: "more top-4 finishes plus 1sts (a 1st counts twice)",
    PLACEMENT_COUNTS: "more 1sts, then more 2nds, and so on",
    LATEST_ROUND: "the better placement in the most recent round (then the one before, ...)",
}
# Riot's scoresheet order.
DEFAULT_TIEBREAKERS = [TOP4_PLUS_FIRSTS, PLACEMENT_COUNTS, LATEST_ROUND]


@dataclass(frozen=True)
class Scoring:
    points: list[int] = field(default_factory=lambda: list(DEFAULT_POINTS))
    tiebreakers: list[str] = field(default_factory=lambda: list(DEFAULT_TIEBREAKERS))

    def points_for(self, placement: int) -> int:
        return self.points[placement - 1] if placement <= len(self.points) else 0


def scoring_validate(raw) -> dict:
    """The scoring JSON as stored (defaults filled in); ValidationError naming every problem."""
    if raw in (None, ""):
        raw = {}
    if not isinstance(raw, dict):
        raise ValidationError({"scoring": ["Must be an object with `points` and `tiebreakers`."]})
    errors = []
    unknown = sorted(set(raw) - {"points", "tiebreakers"})
    if unknown:
        errors.append(f"Unknown keys: {', '.join(unknown)}.")
    points = raw.get("points", DEFAULT_POINTS)
    if (not isinstance(points, list) or not 1 <= len(points) <= LOBBY_SIZE
            or not all(isinstance(p, int) and not isinstance(p, bool) and 0 <= p <= 1000
                       for p in points)):
        errors.append(f"`points` must be a list of 1 to {LOBBY_SIZE} whole numbers from 0 to 1000, "
                      "points for 1st first.")
    tiebreakers = raw.get("tiebreakers", DEFAULT_TIEBREAKERS)
    if (not isinstance(tiebreakers, list) or not all(isinstance(t, str) for t in tiebreakers)
            or set(tiebreakers) - set(TIEBREAKERS) or len(set(tiebreakers)) != len(tiebreakers)):
        errors.append(f"`tiebreakers` must list distinct rules among: {', '.join(TIEBREAKERS)}.")
    if errors:
        raise ValidationError({"scoring": errors})
    return {"points": list(points), "tiebreakers": list(tiebreakers)}


def scoring_of(raw: dict | None) -> Scoring:
    """The Scoring of a stored `scoring` JSON (already validated by the services)."""
    raw = raw or {}
    return Scoring(points=list(raw.get("points") or DEFAULT_POINTS),
                   tiebreakers=list(raw.get("tiebreakers", DEFAULT_TIEBREAKERS)))


def ordering_key(scoring: Scoring, *, total: int, by_round: dict[int, int],
                 round_numbers_desc: list[int]) -> tuple:
    """Sort key (ascending = better) for a player with `by_round` {round number: placement}."""
    counts = [0] * (LOBBY_SIZE + 1)  # counts[p]: how many times the player finished p-th
    for placement in by_round.values():
        counts[placement] += 1
    key: list = [-total]
    for rule in scoring.tiebreakers:
        if rule == TOP4_PLUS_FIRSTS:
            key.append(-(sum(counts[1:5]) + counts[1]))
        elif rule == PLACEMENT_COUNTS:
            key.extend(-count for count in counts[1:])
        elif rule == LATEST_ROUND:
            # A round not played counts as worse than any placement.
            key.extend(by_round.get(number, LOBBY_SIZE + 1) for number in round_numbers_desc)
    return tuple(key)
