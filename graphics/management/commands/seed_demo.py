"""`manage.py seed_demo`: every app's demo data. It lives in graphics, the app at the top of the
house, because it seeds the apps below it (tournaments, accounts) as well."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo as accounts_demo
from graphics import demo as graphics_demo
from tournaments import demo as tournaments_demo

# A server bound to every interface is reached on the loopback from this machine.
ANY_INTERFACE = {"0.0.0.0", "::", ""}


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print how to log in; --reset starts it over."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="the host the server listens on")
        parser.add_argument("--port", default="8000", help="the port the server listens on")
        parser.add_argument("--reset", action="store_true",
                            help="delete the demo tournament and graphics and set the demo admin's "
                                 "password back before seeding")

    def handle(self, *args, host, port, reset, **options):
        host = "127.0.0.1" if host in ANY_INTERFACE else host
        base = settings.PUBLIC_BASE_URL or f"http://{f'[{host}]' if ':' in host else host}:{port}"
        with transaction.atomic():
            admin, demo_password = accounts_demo.seed_admin(reset_password=reset)
        if reset:
            graphics_demo.reset(admin)
            with transaction.atomic():
                tournaments_demo.reset()
        extra = self.seed_apps(admin, base)

        self.stdout.write(self.style.SUCCESS("Demo data ready." if not reset else "Demo data reset."))
        self.stdout.write(f"  Start page:      {base}/")
        self.stdout.write(f"  Admin:           {base}/admin/")
        password = (accounts_demo.DEMO_ADMIN_PASSWORD if demo_password
                    else f"(unchanged since it was created; the demo one is {accounts_demo.DEMO_ADMIN_PASSWORD})")
        self.stdout.write(f"  Admin login:     {accounts_demo.DEMO_ADMIN_USERNAME} / {password}")
        master = settings.DASHBOARD_MASTER_PASSWORD or "(not set: master-password login is off)"
        self.stdout.write(f"  Master password: {master}")
        self.stdout.write(f"  API docs:        {base}/docs")
        for line in extra:
            self.stdout.write(f"  {line}")
        self.stdout.write("  Start the demo data over (and the admin password): make demo-reset")

    def seed_apps(self, admin, base: str) -> list[str]:
        """Each app's demo data; answers extra lines to print."""
        with transaction.atomic():
            lines = tournaments_demo.seed(admin, base_url=base)
        # The graphics services open their own (durable) transactions.
        return lines + graphics_demo.seed(admin, base_url=base, tournament_id=tournaments_demo.demo_tournament_id())
