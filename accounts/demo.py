"""Demo accounts: the demo administrator and league members (see `manage.py seed_demo`). The demo
admin's login is printed by `seed_demo`, shown on `/` in DEBUG and written in the README.

Written with the ORM rather than the services: `seed_demo` runs in one transaction (the services
open their own, durable, one) and demo data needs no events.
"""

from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import ADMINISTRATOR

DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = "galdash-admin"


def seed_admin(*, username: str = DEMO_ADMIN_USERNAME, password: str = DEMO_ADMIN_PASSWORD,
               reset_password: bool = False) -> tuple[User, bool]:
    """The demo administrator (created once, a superuser with the Administrator role); with
    `reset_password` its password and staff rights are set back. Answers `(user, whether its
    password is `password` from now)`."""
    admin, created = User.objects.get_or_create(
        username=username,
        defaults={"is_staff": True, "is_superuser": True, "display_name": "Demo admin"},
    )
    if created or reset_password:
        admin.set_password(password)
        admin.is_active = admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["password", "is_active", "is_staff", "is_superuser"])
    admin.groups.add(Group.objects.get_or_create(name=ADMINISTRATOR)[0])
    return admin, created or reset_password


def seed_member(*, username: str, display_name: str, discord_id: str, riot_id: str) -> User:
    """A demo league member without a usable password (created once, found again by username)."""
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"display_name": display_name, "discord_id": discord_id, "riot_id": riot_id},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
