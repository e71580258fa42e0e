from django.urls import path

from accounts import views

urlpatterns = [
    path("users", views.MemberListView.as_view(), name="user-list"),
    path("users/statistics/overview", views.MemberStatisticsView.as_view(), name="user-statistics"),
    path("users/discord/<str:discord_id>", views.MemberByDiscordView.as_view(),
         name="user-by-discord"),
    path("users/<int:user_id>", views.MemberDetailView.as_view(), name="user-detail"),
]
