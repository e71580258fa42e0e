from django.urls import path

from accounts import auth_views

urlpatterns = [
    path("login", auth_views.MasterLoginView.as_view(), name="auth-login"),
    path("token", auth_views.PasswordLoginView.as_view(), name="auth-token"),
    path("refresh", auth_views.RefreshView.as_view(), name="auth-refresh"),
    path("logout", auth_views.LogoutView.as_view(), name="auth-logout"),
    path("verify", auth_views.VerifyView.as_view(), name="auth-verify"),
]
