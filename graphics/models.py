import secrets

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


def new_overlay_key() -> str:
    return secrets.token_urlsafe(24)


class Transition(models.TextChoices):
    """How the overlay page brings a graphic in (take) or out (clear)."""

    NONE = "none"
    FADE = "fade"
    SLIDE_LEFT = "slide-left", "slide from the left"
    SLIDE_RIGHT = "slide-right", "slide from the right"
    SLIDE_TOP = "slide-top", "slide from the top"
    SLIDE_BOTTOM = "slide-bottom", "slide from the bottom"


DEFAULT_LAYER = "main"
TRANSITION_MAX_MS = 10_000


class Graphic(models.Model):
    """One broadcast graphic: a canvas (`data_json`) drawn by the overlay page."""

    title = models.CharField(max_length=255)
    event_name = models.CharField(max_length=255, blank=True, db_index=True)
    data_json = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_by_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    archived = models.BooleanField(default=False, db_index=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    on_air = models.BooleanField(default=False)
    layer = models.CharField(max_length=64, default=DEFAULT_LAYER, db_index=True,
                             help_text="taking this graphic clears whatever else is on air on its layer "
                                       "(free text, e.g. main, lower-third, fullscreen)")
    transition_in = models.CharField(max_length=16, choices=Transition.choices, default=Transition.NONE,
                                     help_text="played by the overlay page on take")
    transition_out = models.CharField(max_length=16, choices=Transition.choices, default=Transition.NONE,
                                      help_text="played by the overlay page on clear")
    transition_duration_ms = models.PositiveIntegerField(
        default=500, help_text=f"length of both transitions (0 to {TRANSITION_MAX_MS} ms)")
    overlay_key = models.CharField(max_length=64, default=new_overlay_key)
    tournament = models.ForeignKey("tournaments.Tournament", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="graphics",
                                   help_text="standings shown by players/scores/placements elements")

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title


class CanvasLock(models.Model):
    """The edit lock of a graphic, held by one browser session. One row per graphic at most
    (the database guarantees it); a row past `expires_at` counts as no lock."""

    graphic = models.OneToOneField(Graphic, on_delete=models.CASCADE, related_name="canvas_lock")
    session_id = models.CharField(max_length=128)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    locked_by = models.CharField(max_length=150, blank=True)
    locked_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.graphic_id} locked by {self.locked_by or self.session_id}"


class ArchiveEntry(models.Model):
    """What happened to a graphic's archive state, kept after a permanent delete."""

    class Action(models.TextChoices):
        ARCHIVED = "archived"
        RESTORED = "restored"
        DELETED = "deleted"

    graphic = models.ForeignKey(Graphic, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="archive_entries")
    graphic_ref = models.PositiveBigIntegerField(help_text="the graphic's id, kept after deletion")
    graphic_title = models.CharField(max_length=255)
    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.CharField(max_length=500, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "archive entries"

    def __str__(self) -> str:
        return f"{self.graphic_title} {self.action}"
