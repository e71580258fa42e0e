from django.urls import path

from realtime.views import OverlayListView, SocketStatusView

urlpatterns = [
    path("ws/status", SocketStatusView.as_view(), name="ws-status"),
    path("overlays", OverlayListView.as_view(), name="overlays"),
]
