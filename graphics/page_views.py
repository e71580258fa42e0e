"""The overlay page an OBS browser source loads: `/overlay/<id>/?key=<overlay key>` (program:
shown while on air), and its preview output `/overlay/<id>/preview/?key=` (always shown, for a
multiview or a second source).

The page is static HTML + JS; everything it draws comes over the overlay socket.
"""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from graphics.overlay import overlay_graphic

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
