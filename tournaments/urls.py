from django.urls import path, register_converter

from tournaments import views


class IdConverter:
    """A database id: at most 18 digits, so a longer one is a 404 rather than an overflow."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")

T = "tournaments/<id:tournament_id>"
R = f"{T}/rounds/<id:number>"

urlpatterns = [
    path("tournaments", views.TournamentListView.as_view(), name="tournament-list"),
    path(T, views.TournamentDetailView.as_view(), name="tournament-detail"),
    path(f"{T}/statistics", views.TournamentStatisticsView.as_view(), name="tournament-statistics"),
    path(f"{T}/registrations", views.RegistrationListView.as_view(), name="registration-list"),
    path(f"{T}/registrations/<id:user_id>", views.RegistrationDetailView.as_view(),
         name="registration-detail"),
    path(f"{T}/registrations/<id:user_id>/check-in", views.CheckInView.as_view(), name="check-in"),
    path(f"{T}/rounds", views.RoundListView.as_view(), name="round-list"),
    path(R, views.RoundDetailView.as_view(), name="round-detail"),
    path(f"{R}/lobbies/seed", views.LobbySeedView.as_view(), name="lobby-seed"),
    path(f"{R}/lobbies/<id:lobby>", views.LobbyView.as_view(), name="lobby-detail"),
    path(f"{R}/results", views.ResultsView.as_view(), name="round-results"),
    path(f"{T}/standings", views.StandingsView.as_view(), name="standings"),
    path("scoreboard/latest", views.ScoreboardLatestView.as_view(), name="scoreboard-latest"),
    path("scoreboard/snapshots", views.ScoreboardSnapshotListView.as_view(), name="scoreboard-list"),
    path("scoreboard/<id:snapshot_id>", views.ScoreboardSnapshotView.as_view(),
         name="scoreboard-detail"),
    path("scoreboard/refresh", views.ScoreboardRefreshView.as_view(), name="scoreboard-refresh"),
    path("players/ranked", views.RankedPlayersView.as_view(), name="players-ranked"),
]

from tournaments.placement_urls import urlpatterns as placement_urlpatterns  # noqa: E402

urlpatterns += placement_urlpatterns
