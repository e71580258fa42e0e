from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from accounts.roles import ADMINISTRATOR

DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = "galdash-admin"


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host, port, **options):
        with transaction.atomic():
            admin, created = User.objects.get_or_create(
                username=DEMO_ADMIN_USERNAME,
                defaults={"is_staff": True, "is_superuser": True, "display_name": "Demo admin"},
            )
            if created:
                admin.set_password(DEMO_ADMIN_PASSWORD)
                admin.save(update_fields=["password"])
            admin.groups.add(Group.objects.get_or_create(name=ADMINISTRATOR)[0])
            extra = self.seed_apps(admin)

        base = f"http://{host}:{port}"
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"  Admin:           {base}/admin/")
        self.stdout.write(
            f"  Admin login:     {DEMO_ADMIN_USERNAME} / "
            f"{DEMO_ADMIN_PASSWORD if created else '(unchanged since it was created)'}"
        )
        master = settings.DASHBOARD_MASTER_PASSWORD or "(not set: master-password login is off)"
        self.stdout.write(f"  Master password: {master}")
        self.stdout.write(f"  API docs:        {base}/docs")
        for line in extra:
            self.stdout.write(f"  {line}")

    def seed_apps(self, admin) -> list[str]:
        """Each app's demo data; answers extra lines to print."""
        return []
