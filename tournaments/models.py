from django.db import models


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

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name
