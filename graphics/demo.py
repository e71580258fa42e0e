"""Demo graphics for `make run`: a title card and a standings board."""

from graphics import payloads, services
from graphics.models import Graphic

TITLE_CARD = {
    "background": None,
    "elements": [
        {"id": "league", "type": "text", "x": 160, "y": 140, "content": "GUARDIAN ANGEL LEAGUE",
         "fontSize": 36, "fontFamily": "Montserrat, sans-serif", "color": "#f5c542", "bold": True},
        {"id": "headline", "type": "text", "x": 160, "y": 220, "content": "Week 3 Finals",
         "fontSize": 96, "fontFamily": "Montserrat, sans-serif", "color": "#ffffff", "bold": True},
        {"id": "subtitle", "type": "text", "x": 160, "y": 350, "content": "Eight players. Six games. One crown.",
         "fontSize": 40, "fontFamily": "Inter, sans-serif", "color": "#d0d4e0", "italic": True},
        {"id": "schedule", "type": "text", "x": 160, "y": 900, "content": "Live from 19:00 UTC",
         "fontSize": 32, "fontFamily": "Inter, sans-serif", "color": "#ffffff", "underline": True},
    ],
    "settings": {"width": 1920, "height": 1080},
}

STANDINGS_BOARD = {
    "background": None,
    "elements": [
        {"id": "heading", "type": "text", "x": 160, "y": 100, "content": "STANDINGS",
         "fontSize": 64, "fontFamily": "Montserrat, sans-serif", "color": "#ffffff", "bold": True},
        # 16 rows from y 220, 52 px apart: the last one ends above 1080 px; `maxRows` keeps a
        # bigger tournament from drawing below the frame.
        {"id": "placements", "type": "placements", "x": 160, "y": 220, "spacing": 52, "previewCount": 16,
         "maxRows": 16, "fontSize": 34, "fontFamily": "Bebas Neue, sans-serif", "color": "#f5c542"},
        {"id": "players", "type": "players", "x": 320, "y": 220, "spacing": 52, "previewCount": 16,
         "maxRows": 16, "fontSize": 34, "fontFamily": "Montserrat, sans-serif", "color": "#ffffff"},
        {"id": "scores", "type": "scores", "x": 1100, "y": 220, "spacing": 52, "previewCount": 16,
         "maxRows": 16, "fontSize": 34, "fontFamily": "Montserrat, sans-serif", "color": "#ffffff",
         "bold": True},
    ],
    "settings": {"width": 1920, "height": 1080},
}

DEMO_GRAPHICS = (
    ("Demo: week 3 title card", TITLE_CARD),
    ("Demo: standings board", STANDINGS_BOARD),
)


def seed(admin, *, base_url: str, tournament_id: int | None = None) -> list[str]:
    """Create the demo graphics that are missing (matched by title), the standings board bound
    to `tournament_id`; answers a line per graphic with its overlay URL on `base_url`."""
    lines = []
    for title, data in DEMO_GRAPHICS:
        graphic = Graphic.objects.filter(title=title).first()
        if graphic is None:
            graphic = services.graphic_create(
                user=admin, title=title, event_name="Demo night", data_json=data,
                tournament_id=tournament_id if data is STANDINGS_BOARD else None,
            )
        lines.append(f"{title}: {payloads.overlay_url(graphic, overlay_base=base_url)}")
    return lines


def reset(admin) -> None:
    """Delete the demo graphics (their overlays blank at once) so `seed` draws them anew."""
    for graphic_id in Graphic.objects.filter(title__in=[title for title, _ in DEMO_GRAPHICS]).values_list(
            "pk", flat=True):
        services.lock_break(graphic_id=graphic_id, user=admin)
        services.graphic_delete_permanently(graphic_id=graphic_id, user=admin)
