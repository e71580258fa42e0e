from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Accounts and league members"

    def ready(self):
        from accounts import logins  # noqa: F401 (AuthLog signal receivers)
