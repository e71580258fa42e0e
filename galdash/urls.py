from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView

from core.docs import RedocDocsView, SwaggerDocsView
from core.views import HealthView
from graphics.home import home
from graphics.overlay import overlay_page

api_v1 = [
    path("auth/", include("accounts.auth_urls")),
    path("", include("accounts.urls")),
    path("", include("graphics.urls")),
    path("", include("tournaments.urls")),
    path("", include("accounts.riot_urls")),
    path("", include("config.urls")),
    path("", include("realtime.urls")),
]

urlpatterns = [
    path("", home, name="home"),
    path("health", HealthView.as_view(), name="health"),
    path("auth/", include("accounts.auth_urls")),
    path("api/v1/", include(api_v1)),
    path("admin/", admin.site.urls),
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("docs", SwaggerDocsView.as_view(url_name="openapi"), name="docs"),
    path("redoc", RedocDocsView.as_view(url_name="openapi"), name="redoc"),
    path("overlay/<int:graphic_id>", overlay_page, name="overlay-page"),
    path("overlay/<int:graphic_id>/preview", overlay_page, {"preview": True}, name="overlay-preview-page"),
]

admin.site.site_header = "GAL Dash"
admin.site.site_title = "GAL Dash admin"
admin.site.index_title = "Graphics, tournaments and configuration"
admin.site.site_url = "/"  # "View site": the start page
