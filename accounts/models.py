from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A staff account or a league member (members usually have no password)."""

    discord_id = models.CharField(max_length=32, unique=True, null=True, blank=True)
    display_name = models.CharField(max_length=100, blank=True)
    riot_id = models.CharField(max_length=64, blank=True, help_text="gameName#tagLine")
    puuid = models.CharField(max_length=100, blank=True)
    tokens_valid_after = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text="set by a logout with a bearer token: tokens issued before are refused")

    class Meta:
        ordering = ["id"]

    @property
    def player_name(self) -> str:
        return self.display_name or self.riot_id or self.username

    def __str__(self) -> str:
        return self.player_name


class AuthLog(models.Model):
    """One login attempt, successful or not."""

    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    username = models.CharField(max_length=150, blank=True, help_text="the name that was tried")
    method = models.CharField(max_length=20)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    success = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        outcome = "ok" if self.success else "failed"
        return f"{self.username or '-'} {self.method} {outcome} {self.created_at:%Y-%m-%d %H:%M}"
