from django.apps import AppConfig


class GraphicsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "graphics"
