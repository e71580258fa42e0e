"""What an overlay is shown on connect, and which overlays are connected."""

import hmac

from django.conf import settings

from galdash import presence
from graphics.models import Graphic

OVERLAY_FIELDS = ("id", "title", "data_json", "version", "on_air", "tournament_id", "layer", "transition_in",
                  "transition_out", "transition_duration_ms")


def overlay_graphic(*, graphic_id, key: str) -> Graphic | None:
    """The live (not archived) graphic an overlay may show with `key`, or None."""
    try:
        graphic_id = int(graphic_id)
    except (TypeError, ValueError):
        return None
    graphic = (Graphic.objects.filter(pk=graphic_id, archived=False)
               .only(*OVERLAY_FIELDS, "overlay_key").first())
    if graphic is None:
        return None
    if settings.OVERLAY_REQUIRE_KEY and not hmac.compare_digest(
        graphic.overlay_key.encode(), (key or "").encode()
    ):
        return None
    return graphic


def tournament_standings(tournament_id: int | None) -> list[dict]:
    """The standings an overlay of a graphic bound to `tournament_id` draws; a graphic bound to
    none draws the default standings of `/players/ranked`, as the dashboard's view page does."""
    from tournaments.selectors import overlay_standings

    return overlay_standings(tournament_id=tournament_id)


def standings_source(tournament_id: int | None) -> int | None:
    """The tournament whose standings events an overlay of that graphic follows."""
    from tournaments.selectors import standings_tournament_id

    return standings_tournament_id(tournament_id=tournament_id)


def overlay_snapshot(*, graphic_id, key: str) -> dict | None:
    """`{graphic: {id, title, data_json, version, on_air, tournament_id}, standings}`, or None
    when the overlay may not show this graphic (unknown, archived, wrong key)."""
    graphic = overlay_graphic(graphic_id=graphic_id, key=key)
    if graphic is None:
        return None
    return {
        "graphic": {field: getattr(graphic, field) for field in OVERLAY_FIELDS},
        "standings": tournament_standings(graphic.tournament_id),
    }


def overlay_clients(graphic_id: int | None = None) -> list[dict]:
    """Connected overlay sockets (of every process when `REDIS_URL` is set), oldest first:
    `{graphic_id, connected_at, last_ping, version, client, user_agent, output}` (output: program
    or preview)."""
    clients = [
        {key: record.get(key) for key in ("graphic_id", "connected_at", "last_ping", "version",
                                          "client", "user_agent", "output")}
        for record in presence.records()
        if record.get("kind") == "overlay"
        and (graphic_id is None or record.get("graphic_id") == graphic_id)
    ]
    return sorted(clients, key=lambda client: (client["graphic_id"], client["connected_at"]))


# Browser sources producers use, then browsers; the first name found in the user agent wins.
CLIENT_NAMES = (("OBS/", "OBS"), ("vMix", "vMix"), ("CasparCG", "CasparCG"), ("Edg/", "Edge"),
                ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
SYSTEM_NAMES = (("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iOS"),
                ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def client_label(user_agent: str) -> str:
    """"OBS (Windows)", "Chrome (Linux)", ... from a browser's user agent."""
    user_agent = user_agent or ""
    name = next((label for token, label in CLIENT_NAMES if token in user_agent), "Unknown browser")
    system = next((label for token, label in SYSTEM_NAMES if token in user_agent), None)
    return f"{name} ({system})" if system else name


def relative_time(moment: str | None, now) -> str:
    """"just now", "3 min ago", "2 h ago", "4 d ago" for an ISO time; "-" for none."""
    from django.utils.dateparse import parse_datetime

    parsed = parse_datetime(moment) if moment else None
    if parsed is None:
        return "-"
    seconds = max(0, int((now - parsed).total_seconds()))
    if seconds < 60:
        return "just now" if seconds < 10 else f"{seconds} s ago"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} d ago"


def overlay_client_line(client: dict, *, current_version: int, now) -> str:
    """A connected overlay as a producer says it: "OBS (Windows) · 10.0.0.5 · connected 3 min ago
    · showing version 7 (current)"."""
    address = (client.get("client") or "").rsplit(":", 1)[0] or "unknown address"
    version = client.get("version")
    if version is None:
        showing = "version not reported yet"
    elif version == current_version:
        showing = f"showing version {version} (current)"
    else:
        showing = f"showing version {version} (stale, current is {current_version})"
    parts = [client_label(client.get("user_agent") or ""), address,
             f"connected {relative_time(client.get('connected_at'), now)}", showing]
    if client.get("output") == "preview":
        parts.insert(0, "preview output")
    return " · ".join(parts)
