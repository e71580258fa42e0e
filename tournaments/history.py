"""What changed in a tournament, in words (the admin's history page): its own revisions, and the
results posted and corrected in its lobbies."""

FIELDS = (("name", "name"), ("status", "status"), ("max_participants", "max participants"),
          ("start_date", "start"), ("end_date", "end"), ("guild_id", "guild"))


def _text(value) -> str:
    if value in (None, ""):
        return "-"
    if hasattr(value, "strftime"):
        return f"{value:%Y-%m-%d %H:%M} UTC"
    return str(value)


def revision_changes(older, newer) -> list[str]:
    """What `newer` changed compared with `older` (two historical records of one tournament);
    `older` None: the first revision."""
    if newer.history_type == "-":
        return ["deleted"]
    if older is None:
        return ["created"]
    changes = [f"{label}: {_text(getattr(older, field))} → {_text(getattr(newer, field))}"
               for field, label in FIELDS if getattr(older, field) != getattr(newer, field)]
    if older.description != newer.description:
        changes.append("description edited")
    changes += _scoring_changes(older.scoring, newer.scoring)
    return changes


def _scoring_changes(before, after) -> list[str]:
    """"scoring points: 8, 7, … → 10, 6, 3"; "scoring tie-breakers: …"."""
    before, after = before if isinstance(before, dict) else {}, after if isinstance(after, dict) else {}
    changes = []
    for key, label in (("points", "points"), ("tiebreakers", "tie-breakers")):
        if before.get(key) != after.get(key):
            old, new = (", ".join(map(str, value)) if isinstance(value, list) else _text(value)
                        for value in (before.get(key), after.get(key)))
            changes.append(f"scoring {label}: {old} → {new}")
    if not changes and before != after:
        changes.append("scoring changed")
    return changes


def ordinal(number) -> str:
    if not isinstance(number, int):
        return "-"
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def placement_changes(before: list[dict], after: list[dict]) -> list[str]:
    """"Foo 3rd → 2nd" for every player whose placement a correction changed, in the new order."""
    old = {row.get("user_id"): row for row in before or []}
    new = {row.get("user_id"): row for row in after or []}
    changes = []
    for user_id in [*new, *(user_id for user_id in old if user_id not in new)]:
        was, now = old.get(user_id, {}), new.get(user_id, {})
        if was.get("placement") != now.get("placement"):
            name = now.get("player_name") or was.get("player_name") or f"member {user_id}"
            changes.append(f"{name} {ordinal(was.get('placement'))} → {ordinal(now.get('placement'))}")
    return changes


def _who(user) -> str:
    if user is None:
        return "someone"
    return getattr(user, "player_name", "") or user.get_username()


def results_lines(*, posts, corrections) -> list[dict]:
    """The results of a tournament in words, newest first: `posts` are the tournament's history
    records whose reason says results were posted ("Round 1 lobby 2 results posted by alice"),
    `corrections` its PlacementCorrections ("Round 1 lobby 2 corrected by bob: Foo 3rd → 2nd")."""
    lines = []
    for record in posts:
        for part in (record.history_change_reason or "").split("; "):
            if part.endswith("results posted"):
                lines.append({"at": record.history_date,
                              "text": f"{part[:1].upper()}{part[1:]} by {_who(record.history_user)}"})
    for correction in corrections:
        changed = placement_changes(correction.before, correction.after) or ["no placement changed"]
        lines.append({"at": correction.corrected_at,
                      "text": f"Round {correction.lobby.round.number} lobby {correction.lobby.number} "
                              f"corrected by {_who(correction.corrected_by)}: {', '.join(changed)}"})
    return sorted(lines, key=lambda line: line["at"], reverse=True)
