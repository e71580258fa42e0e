"""What changed between two revisions of a graphic, in words (the admin's history page)."""

PROGRAM_LABELS = {"layer": "layer", "transition_in": "transition in", "transition_out": "transition out",
                  "transition_duration_ms": "transition duration (ms)"}
POSITION = ("x", "y")


def _elements(canvas) -> dict:
    elements = canvas.get("elements") if isinstance(canvas, dict) else None
    keyed = {}
    for index, element in enumerate(elements if isinstance(elements, list) else []):
        if isinstance(element, dict):
            key = element.get("id")
            keyed[str(key) if key not in (None, "") and str(key) not in keyed else f"#{index}"] = element
    return keyed


def _name(key: str, element: dict) -> str:
    return f"{key} ({element.get('type', '?')})"


def canvas_changes(before, after) -> list[str]:
    """"added element …", "removed element …", "moved title to (300, 40)", "edited title (content)",
    "background changed"."""
    old, new = _elements(before), _elements(after)
    changes = [f"added element {_name(key, new[key])}" for key in new if key not in old]
    changes += [f"removed element {_name(key, old[key])}" for key in old if key not in new]
    for key in (key for key in new if key in old and new[key] != old[key]):
        edited = sorted(name for name in set(old[key]) | set(new[key])
                        if name not in POSITION and old[key].get(name) != new[key].get(name))
        if any(old[key].get(axis) != new[key].get(axis) for axis in POSITION):
            changes.append(f"moved {key} to ({new[key].get('x')}, {new[key].get('y')})")
        if edited:
            changes.append(f"edited {key} ({', '.join(edited)})")
    old_background = before.get("background") if isinstance(before, dict) else None
    new_background = after.get("background") if isinstance(after, dict) else None
    if old_background != new_background:
        changes.append("background changed")
    return changes


def revision_changes(older, newer) -> list[str]:
    """What `newer` changed compared with `older` (two historical records of one graphic);
    `older` None: the first revision."""
    if older is None:
        return ["created"]
    changes = []
    if older.title != newer.title:
        changes.append(f"title: {older.title} → {newer.title}")
    if older.event_name != newer.event_name:
        changes.append(f"event: {older.event_name or '-'} → {newer.event_name or '-'}")
    if older.tournament_id != newer.tournament_id:
        changes.append(f"tournament: {older.tournament_id or '-'} → {newer.tournament_id or '-'}")
    for field, label in PROGRAM_LABELS.items():
        if getattr(older, field) != getattr(newer, field):
            changes.append(f"{label}: {getattr(older, field)} → {getattr(newer, field)}")
    if older.on_air != newer.on_air:
        changes.append("on air" if newer.on_air else "off air")
    changes += canvas_changes(older.data_json, newer.data_json)
    return changes
