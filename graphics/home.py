"""`/`: what this server is, where to go next, which overlays are connected (staff with a
league role) and, in DEBUG, the demo logins. The admin's "View site" link lands here."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts import demo
from accounts.roles import VIEWER, has_role
from graphics import selectors
from realtime.presence import overlay_clients


@require_safe
@never_cache
def home(request):
    user = request.user
    staff = user.is_active and user.is_staff and has_role(user, VIEWER)
    overlays = None
    if staff:
        overlays = overlay_clients()
        titles = selectors.graphic_titles(graphic_ids={overlay["graphic_id"] for overlay in overlays})
        for overlay in overlays:
            overlay["title"] = titles.get(overlay["graphic_id"], "(deleted graphic)")
    demo_logins = None
    if settings.DEBUG:
        demo_logins = {"username": demo.DEMO_ADMIN_USERNAME, "password": demo.DEMO_ADMIN_PASSWORD,
                       "master_password": settings.DASHBOARD_MASTER_PASSWORD}
    return render(request, "graphics/home.html",
                  {"staff": staff, "overlays": overlays, "demo_logins": demo_logins})
