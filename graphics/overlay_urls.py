from django.urls import path

from graphics.overlay_views import OverlayListView

urlpatterns = [
    path("overlays", OverlayListView.as_view(), name="overlays"),
]
