from django.urls import path

from graphics.page_views import overlay_page

urlpatterns = [
    path("overlay/<int:graphic_id>", overlay_page, name="overlay-page"),
]
