"""Placement submissions: what the league's Discord bot read off a lobby screenshot, the rows it
extracted, and the aliases that let the next screenshot match a member by itself.

Imported at the end of `tournaments/models.py`, so these models belong to the tournaments app.
"""

from django.conf import settings
from django.db import models


class PlacementSubmission(models.Model):
    """One lobby screenshot read by the bot. `discord_message_id` is unique: the bot may send the
    same message twice and gets the stored submission back."""

    class Status(models.TextChoices):
        PENDING = "pending"
        PENDING_REVIEW = "pending_review"
        VALIDATED = "validated"
        REJECTED = "rejected"

    class Method(models.TextChoices):
        AUTO = "auto"
        MANUAL = "manual"

    tournament = models.ForeignKey("tournaments.Tournament", on_delete=models.CASCADE,
                                   related_name="placement_submissions")
    round_number = models.PositiveIntegerField()
    lobby_number = models.PositiveIntegerField()
    discord_message_id = models.CharField(max_length=64, unique=True)
    discord_channel_id = models.CharField(max_length=64)
    discord_author_id = models.CharField(max_length=64, blank=True)
    image_url = models.URLField(max_length=2000, help_text="shown to reviewers; never fetched by "
                                                           "the server")
    overall_confidence = models.FloatField(help_text="0-100, as the bot computed it")
    classification_score = models.FloatField(null=True, blank=True)
    ocr_consensus_confidence = models.FloatField(null=True, blank=True)
    player_match_confidence = models.FloatField(null=True, blank=True)
    structural_validity_score = models.FloatField(null=True, blank=True)
    extracted_data = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    validation_method = models.CharField(max_length=10, choices=Method.choices, null=True,
                                         blank=True)
    review_reasons = models.JSONField(default=list, blank=True,
                                      help_text="why the submission waits for a person")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    validated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    validated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tournament", "round_number", "lobby_number"],
                                name="submission_lobby")]

    @property
    def round_name(self) -> str:
        return f"round_{self.round_number}"

    def __str__(self) -> str:
        return f"{self.tournament} {self.round_name} lobby {self.lobby_number} (#{self.id})"


class SubmissionRow(models.Model):
    """One row the bot extracted: the name as read, where that player finished, and the member
    it was matched to (none when no member matched)."""

    class Method(models.TextChoices):
        EXACT = "exact"
        ALIAS = "alias"
        FUZZY = "fuzzy"
        MANUAL = "manual"
        NONE = "none"

    submission = models.ForeignKey(PlacementSubmission, on_delete=models.CASCADE,
                                   related_name="rows")
    player_name = models.CharField(max_length=100, help_text="as read off the screenshot")
    placement = models.PositiveSmallIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    match_method = models.CharField(max_length=10, choices=Method.choices, default=Method.NONE)
    match_confidence = models.FloatField(null=True, blank=True, help_text="0-100")
    extraction_confidence = models.FloatField(null=True, blank=True, help_text="0-100")

    class Meta:
        ordering = ["submission_id", "placement", "id"]

    def __str__(self) -> str:
        return f"#{self.placement} {self.player_name}"


class PlayerAlias(models.Model):
    """A name a member appears under on screenshots (set by a reviewer's correction)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="placement_aliases")
    alias = models.CharField(max_length=100)
    normalized = models.CharField(max_length=100, db_index=True,
                                  help_text="the alias as names are compared")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["normalized", "id"]
        verbose_name_plural = "player aliases"
        constraints = [
            models.UniqueConstraint(fields=["user", "normalized"], name="one_alias_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.alias} = {self.user}"
