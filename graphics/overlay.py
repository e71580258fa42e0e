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
    `{graphic_id, connected_at, last_ping, version, client}`."""
    clients = [
        {key: record.get(key) for key in ("graphic_id", "connected_at", "last_ping", "version",
                                          "client")}
        for record in presence.records()
        if record.get("kind") == "overlay"
        and (graphic_id is None or record.get("graphic_id") == graphic_id)
    ]
    return sorted(clients, key=lambda client: (client["graphic_id"], client["connected_at"]))
