from django.urls import path

from galdash.realtime_views import SocketStatusView

urlpatterns = [
    path("ws/status", SocketStatusView.as_view(), name="ws-status"),
]
