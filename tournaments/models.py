from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Tournament(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        REGISTRATION = "registration"
        IN_PROGRESS = "in_progress"
        COMPLETED = "completed"
        CANCELLED = "cancelled"

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    max_participants = models.PositiveIntegerField(null=True, blank=True)
    start_date = models.DateTimeField(null=True, blank=True)
    end_date = models.DateTimeField(null=True, blank=True)
    guild_id = models.CharField(max_length=32, blank=True, db_index=True)
    scoring = models.JSONField(default=dict, blank=True,
                               help_text="points per placement and tie-breakers; empty = league default")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Registration(models.Model):
    """A league member entered in a tournament; `id` order is registration order."""

    tournament = models.ForeignKey(Tournament, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="registrations")
    registered_at = models.DateTimeField(auto_now_add=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["tournament", "user"], name="one_registration_per_member"),
        ]

    @property
    def checked_in(self) -> bool:
        return self.checked_in_at is not None

    def __str__(self) -> str:
        return f"{self.user} in {self.tournament}"


class Round(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        IN_PROGRESS = "in_progress"
        COMPLETED = "completed"

    tournament = models.ForeignKey(Tournament, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tournament_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tournament", "number"], name="one_round_per_number"),
        ]

    @property
    def name(self) -> str:
        return f"round_{self.number}"

    def __str__(self) -> str:
        return f"{self.tournament} {self.name}"


class Lobby(models.Model):
    """A table of at most 8 players in a round; `seats` is who was put there to play."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="lobbies")
    number = models.PositiveIntegerField()

    class Meta:
        ordering = ["round_id", "number"]
        verbose_name_plural = "lobbies"
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="one_lobby_per_number"),
        ]

    def __str__(self) -> str:
        return f"{self.round} lobby {self.number}"


class Seat(models.Model):
    """A player seated in a lobby; a player sits in one lobby of a round at most."""

    lobby = models.ForeignKey(Lobby, on_delete=models.CASCADE, related_name="seats")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["lobby_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="one_seat_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.lobby}"


class Placement(models.Model):
    """Where a player finished in a lobby. Points are not stored: they follow the tournament's
    scoring table, which may change."""

    lobby = models.ForeignKey(Lobby, on_delete=models.CASCADE, related_name="placements")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="placements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="placements")
    placement = models.PositiveSmallIntegerField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["lobby_id", "placement"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="one_placement_per_round"),
            models.UniqueConstraint(fields=["lobby", "placement"], name="unique_placement_in_lobby"),
        ]

    def __str__(self) -> str:
        return f"{self.user} #{self.placement} in {self.lobby}"


class PlacementCorrection(models.Model):
    """A re-posted lobby: who replaced which placements with which."""

    lobby = models.ForeignKey(Lobby, on_delete=models.CASCADE, related_name="corrections")
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    corrected_at = models.DateTimeField(auto_now_add=True)
    before = models.JSONField(help_text="[{user_id, player_name, placement}] replaced")
    after = models.JSONField(help_text="[{user_id, player_name, placement}] posted")

    class Meta:
        ordering = ["-corrected_at", "-id"]

    def __str__(self) -> str:
        return f"correction of {self.lobby} at {self.corrected_at:%Y-%m-%d %H:%M}"


class StandingsSnapshot(models.Model):
    """The standings of a tournament frozen at one moment (`data` = the standings answer)."""

    tournament = models.ForeignKey(Tournament, on_delete=models.CASCADE, related_name="snapshots")
    data = models.JSONField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.tournament} standings at {self.created_at:%Y-%m-%d %H:%M}"


# Placement submissions live in their own module; imported here so they belong to this app.
from tournaments.placement_models import PlacementSubmission, PlayerAlias, SubmissionRow  # noqa: E402,F401
