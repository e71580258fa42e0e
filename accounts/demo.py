"""The demo admin of `make run`: its login is printed by `seed_demo`, shown on `/` in DEBUG and
written in the README."""

from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import ADMINISTRATOR

DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = "galdash-admin"


def seed_admin(*, reset_password: bool = False) -> tuple[User, bool]:
    """The demo admin (created once, a superuser with the Administrator role); answers it and
    whether its password is the demo one it was given now."""
    admin, created = User.objects.get_or_create(
        username=DEMO_ADMIN_USERNAME,
        defaults={"is_staff": True, "is_superuser": True, "display_name": "Demo admin"},
    )
    if created or reset_password:
        admin.set_password(DEMO_ADMIN_PASSWORD)
        admin.is_active = admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["password", "is_active", "is_staff", "is_superuser"])
    admin.groups.add(Group.objects.get_or_create(name=ADMINISTRATOR)[0])
    return admin, created or reset_password
