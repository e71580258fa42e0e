"""Matching the names the bot read off a screenshot to a tournament's registered members.

First exactly (case and spacing aside): a member's Riot ID (whole, or its game name: lobby
screenshots show no tag), display name or username, then the aliases reviewers stored. What is
left is matched fuzzily with rapidfuzz among the members not already matched exactly, and only
when one member is clearly closer than every other: two members about equally close is
ambiguous, and a person decides.
"""

import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process, utils

EXACT, ALIAS, FUZZY, MANUAL, NONE = "exact", "alias", "fuzzy", "manual", "none"
FUZZY_MIN_SCORE = 80.0
# The best member must beat the runner-up by this much, or the name is ambiguous.
AMBIGUITY_MARGIN = 5.0


def normalize(name: str) -> str:
    """A name as names are compared: Unicode-normalized, case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def member_keys(*, username: str, display_name: str, riot_id: str) -> set[str]:
    """The normalized names a member is known by."""
    keys = {normalize(username), normalize(display_name), normalize(riot_id)}
    if "#" in riot_id:
        keys.add(normalize(riot_id.split("#", 1)[0]))
    keys.discard("")
    return keys


@dataclass(frozen=True)
class Candidate:
    """A registered member: `keys` from `member_keys`, `aliases` already normalized."""

    user_id: int
    name: str
    keys: frozenset[str]
    aliases: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Match:
    user_id: int | None
    method: str
    confidence: float | None
    problem: str | None = None


def _names(candidates: list[Candidate], user_ids) -> str:
    names = sorted(candidate.name for candidate in candidates if candidate.user_id in user_ids)
    return " or ".join(names)


def _exact(name: str, candidates: list[Candidate]) -> Match | None:
    key = normalize(name)
    by_name = {c.user_id for c in candidates if key in c.keys}
    by_alias = {c.user_id for c in candidates if key in c.aliases}
    for hits, method in ((by_name, EXACT), (by_alias, ALIAS)):
        if len(hits) == 1:
            return Match(next(iter(hits)), method, 100.0)
        if len(hits) > 1:
            return Match(None, NONE, None,
                         f"'{name}' is the name of several members: {_names(candidates, hits)}.")
    return None


def _fuzzy(name: str, candidates: list[Candidate]) -> Match:
    choices = [(key, c.user_id) for c in candidates for key in (*c.keys, *c.aliases)]
    best: dict[int, float] = {}
    for _, score, index in process.extract(
            normalize(name), [key for key, _ in choices], scorer=fuzz.ratio,
            processor=utils.default_process, limit=None,
            score_cutoff=FUZZY_MIN_SCORE - AMBIGUITY_MARGIN):
        user_id = choices[index][1]
        best[user_id] = max(best.get(user_id, 0.0), score)
    ranked = sorted(best.items(), key=lambda item: item[1], reverse=True)
    if not ranked or ranked[0][1] < FUZZY_MIN_SCORE:
        return Match(None, NONE, None, f"No registered member matches '{name}'.")
    (user_id, score), runners_up = ranked[0], ranked[1:]
    close = [uid for uid, other in runners_up if score - other < AMBIGUITY_MARGIN]
    if close:
        return Match(None, NONE, None,
                     f"'{name}' could be {_names(candidates, {user_id, *close})}.")
    return Match(user_id, FUZZY, round(score, 1))


def match_names(names: list[str], candidates: list[Candidate]) -> list[Match]:
    """One Match per name, in order. Exact and alias matches first; the rest are matched
    fuzzily among the members no exact match took."""
    matches: list[Match | None] = [_exact(name, candidates) for name in names]
    taken = {m.user_id for m in matches if m is not None and m.user_id is not None}
    remaining = [c for c in candidates if c.user_id not in taken]
    return [match if match is not None else _fuzzy(name, remaining)
            for name, match in zip(names, matches, strict=True)]


def search_score(query: str, keys: list[str]) -> float:
    """How well a typed search matches one of a member's names (0-100): 100 for the name
    itself, otherwise rapidfuzz's weighted ratio (which rewards a typed prefix or part)."""
    key = normalize(query)
    if not key:
        return 0.0
    scores = [100.0 if key == other else
              fuzz.WRatio(key, other, processor=utils.default_process) for other in keys]
    return round(max(scores, default=0.0), 1)
