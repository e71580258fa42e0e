"""The overlay an OBS browser source shows: its page, `/overlay/<id>/?key=<overlay key>` (static
HTML + JS; everything it draws comes over the overlay socket, `graphics.consumers`), and what
the socket sends on connect."""

import hmac
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from graphics.models import Graphic
from tournaments.selectors import overlay_standings, standings_tournament_id

OVERLAY_FIELDS = ("id", "title", "data_json", "version", "on_air", "tournament_id")


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
def overlay_page(request: HttpRequest, graphic_id: int) -> HttpResponse:
    key = request.GET.get("key", "")
    graphic = overlay_graphic(graphic_id=graphic_id, key=key)
    if graphic is None:
        return HttpResponseNotFound(NOT_FOUND_PAGE)
    query = f"?{urlencode({'key': key})}" if key else ""
    config = {"graphicId": graphic.id, "socketPath": f"/ws/overlay/{graphic.id}/{query}"}
    response = render(request, "graphics/overlay.html", {"graphic": graphic, "config": config})
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    # The URL holds the overlay key: never hand it to image hosts.
    response["Referrer-Policy"] = "no-referrer"
    return response
