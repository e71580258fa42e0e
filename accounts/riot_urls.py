from django.urls import path

from accounts import riot_views

urlpatterns = [
    path("ign-verification/verify", riot_views.VerifyView.as_view(), name="ign-verify"),
    path("ign-verification/stats", riot_views.StatsView.as_view(), name="ign-stats"),
    path("ign-verification/health", riot_views.HealthView.as_view(), name="ign-health"),
    path("ign-verification/regions", riot_views.RegionsView.as_view(), name="ign-regions"),
]
