from django.db import models


class Configuration(models.Model):
    """One configuration entry: a JSON value under a unique key, grouped by category.

    Read it through `config.get(key, default)` (cached per process); write it through
    `config.services` (which keeps every process's cache fresh and tells the dashboard).
    """

    key = models.CharField(max_length=100, unique=True,
                           help_text="letters, digits, '_' and '-', optionally in dotted parts")
    value = models.JSONField(null=True, blank=True, help_text="any JSON value")
    description = models.CharField(max_length=500, blank=True)
    category = models.CharField(max_length=50, default="general", db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "key"]

    def __str__(self) -> str:
        return self.key
