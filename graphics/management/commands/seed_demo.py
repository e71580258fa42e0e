"""`manage.py seed_demo`: every app's demo data. It lives in graphics, the app at the top of the
house, because it seeds the apps below it (tournaments, accounts) as well."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo as accounts_demo
from graphics import demo as graphics_demo
from tournaments import demo as tournaments_demo

DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = "galdash-admin"


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host, port, **options):
        with transaction.atomic():
            admin, created = accounts_demo.seed_admin(username=DEMO_ADMIN_USERNAME,
                                                      password=DEMO_ADMIN_PASSWORD)
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
        with transaction.atomic():
            lines = tournaments_demo.seed(admin)
        # The graphics services open their own (durable) transactions.
        return lines + graphics_demo.seed(admin, tournament_id=tournaments_demo.demo_tournament_id())
