"""Demo accounts: the demo administrator and league members (see `manage.py seed_demo`).

Written with the ORM rather than the services: `seed_demo` runs in one transaction (the services
open their own, durable, one) and demo data needs no events.
"""

from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import ADMINISTRATOR


def seed_admin(*, username: str, password: str) -> tuple[User, bool]:
    """The demo administrator (created once, with `password`); answers `(user, created)`."""
    admin, created = User.objects.get_or_create(
        username=username,
        defaults={"is_staff": True, "is_superuser": True, "display_name": "Demo admin"},
    )
    if created:
        admin.set_password(password)
        admin.save(update_fields=["password"])
    admin.groups.add(Group.objects.get_or_create(name=ADMINISTRATOR)[0])
    return admin, created


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
