"""The overlay an OBS browser source shows: its page, `/overlay/<id>/?key=<overlay key>` (static
HTML + JS; everything it draws comes over the overlay socket, `graphics.consumers`), and what
the socket sends on connect."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from graphics.models import Graphic
from graphics.selectors import overlay_key_allows
from tournaments.selectors import overlay_standings, standings_tournament_id

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
    return graphic if overlay_key_allows(graphic, key) else None


def tournament_standings(tournament_id: int | None) -> list[dict]:
    """The standings an overlay of a graphic bound to `tournament_id` draws; a graphic bound to
    none draws the default standings of `/players/ranked`, as the dashboard's view page does."""
    return overlay_standings(tournament_id=tournament_id)


def standings_source(tournament_id: int | None) -> int | None:
    """The tournament whose standings events an overlay of that graphic follows."""
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


NOT_FOUND_PAGE = (
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Overlay not found</title>"
    "<style>html,body{background:transparent;font:16px sans-serif}</style></head>"
    "<body><p>Overlay not found: the graphic does not exist, is archived, or the key is wrong.</p>"
    "</body></html>"
)

# The page draws user-supplied canvases: scripts only from us, images from anywhere (backgrounds
# are URLs or data URLs), the socket only to this host.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src * data: blob:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; object-src 'none'"
)


@require_safe
@never_cache
def overlay_page(request: HttpRequest, graphic_id: int, preview: bool = False) -> HttpResponse:
    """The program output (shown while on air), or with `preview` the preview output
    `/overlay/<id>/preview/?key=` (always shown, for a multiview or a second source)."""
    key = request.GET.get("key", "")
    graphic = overlay_graphic(graphic_id=graphic_id, key=key)
    if graphic is None:
        return HttpResponseNotFound(NOT_FOUND_PAGE)
    params = {**({"key": key} if key else {}), **({"output": "preview"} if preview else {})}
    query = f"?{urlencode(params)}" if params else ""
    config = {"graphicId": graphic.id, "socketPath": f"/ws/overlay/{graphic.id}/{query}", "preview": preview}
    response = render(request, "graphics/overlay.html", {"graphic": graphic, "config": config})
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    # The URL holds the overlay key: never hand it to image hosts.
    response["Referrer-Policy"] = "no-referrer"
    return response


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
