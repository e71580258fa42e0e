from django.urls import re_path

from accounts.socket_auth import DashboardOriginCheck, JwtAuthMiddleware
from graphics.consumers import OverlayConsumer
from realtime.consumers import DashboardConsumer

dashboard = DashboardOriginCheck(JwtAuthMiddleware(DashboardConsumer.as_asgi()))

websocket_urlpatterns = [
    re_path(r"^api/v1/ws/(?P<token>[^/]+)/?$", dashboard),
    re_path(r"^ws/dashboard/?$", dashboard),
    # Any id reaches the consumer, so a bad one gets the same 4004 as an unknown one.
    re_path(r"^ws/overlay/(?P<graphic_id>[^/]+)/?$", OverlayConsumer.as_asgi()),
]
