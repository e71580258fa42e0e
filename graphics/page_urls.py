from django.urls import path

from graphics.page_views import overlay_page

urlpatterns = [
    path("overlay/<int:graphic_id>", overlay_page, name="overlay-page"),
    path("overlay/<int:graphic_id>/preview", overlay_page, {"preview": True}, name="overlay-preview-page"),
]
