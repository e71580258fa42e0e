"""Writes to league members (accounts.User rows reached through the users API)."""

import re

from django.conf import settings
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.roles import ADMINISTRATOR, ROLES, is_administrator, role_rank
from core.errors import Conflict, NotFound
from realtime.events import DASHBOARD_GROUP, USER_UPDATE, publish

MEMBER_FIELDS = ("username", "display_name", "discord_id", "riot_id", "puuid", "email", "is_active")


def _publish(action: str, user: User) -> None:
    publish(DASHBOARD_GROUP, USER_UPDATE, {"action": action, "user": {
        "id": user.id, "username": user.username, "player_name": user.player_name,
        "discord_id": user.discord_id, "riot_id": user.riot_id, "is_active": user.is_active}})


def _refuse_unmanageable(user: User, *, by: User) -> None:
    """The users API manages league members. Staff, superusers, the shared dashboard account
    and Administrators are managed in the admin; accounts with a league role only by an
    Administrator (Editor and Viewer accounts). 409 otherwise."""
    if user.is_staff or user.is_superuser:
        raise Conflict("Staff accounts are managed in the admin, not the users API.",
                       code="staff_account")
    if user.username == settings.DASHBOARD_ACCOUNT_USERNAME:
        raise Conflict("The shared dashboard account is managed in the admin, not the users API.",
                       code="not_a_league_member")
    rank = role_rank(user)
    administrator_rank = len(ROLES) - ROLES.index(ADMINISTRATOR)
    if rank and not (is_administrator(by) and rank < administrator_rank):
        raise Conflict("Accounts with a league role are managed by an Administrator (Editor and "
                       "Viewer accounts) or in the admin, not by an Editor.",
                       code="not_a_league_member")


def _refuse_reserved_username(username: str | None) -> None:
    if username and username == settings.DASHBOARD_ACCOUNT_USERNAME:
        raise Conflict(f"The username {username} is reserved for the shared dashboard account.",
                       code="reserved_username")


def _free_username(base: str) -> str:
    base = re.sub(r"[^\w.@+-]+", "-", base).strip("-")[:140] or "member"
    candidate, suffix = base, 1
    while User.objects.filter(username=candidate).exists():
        suffix += 1
        candidate = f"{base}-{suffix}"
    return candidate


def _check_unique(*, discord_id: str | None, username: str | None, exclude: int | None = None):
    others = User.objects.exclude(pk=exclude) if exclude else User.objects.all()
    if discord_id and others.filter(discord_id=discord_id).exists():
        raise Conflict(f"A member with Discord id {discord_id} already exists.",
                       code="duplicate_discord_id")
    if username and others.filter(username=username).exists():
        raise Conflict(f"The username {username} is taken.", code="duplicate_username")


def member_create(*, display_name: str = "", discord_id: str | None = None, riot_id: str = "",
                  puuid: str = "", email: str = "", username: str | None = None,
                  is_active: bool = True) -> User:
    """Create a league member without a usable password. The username defaults to the display
    name (or Discord id) made unique. 409 on a duplicate discord_id or username. Publishes
    `user_update` (action `created`)."""
    discord_id = discord_id or None
    _refuse_reserved_username(username)
    with transaction.atomic(durable=True):
        _check_unique(discord_id=discord_id, username=username)
        user = User(username=username or _free_username(display_name or discord_id or riot_id),
                    display_name=display_name, discord_id=discord_id, riot_id=riot_id, puuid=puuid,
                    email=email, is_active=is_active)
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as error:  # a concurrent create took the Discord id or username
            raise Conflict("A member with this Discord id or username already exists.",
                           code="duplicate_discord_id") from error
        _publish("created", user)
    return user


def member_update(*, user_id: int, changes: dict, by: User) -> User:
    """Change a member's fields (any of MEMBER_FIELDS); 409 on a duplicate discord_id or
    username, on the dashboard account's name, and for accounts `by` may not manage (an Editor
    must not rename or deactivate an administrator). Publishes `user_update` (action
    `updated`)."""
    _refuse_reserved_username(changes.get("username"))
    with transaction.atomic(durable=True):
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None:
            raise NotFound(f"No league member with id {user_id}.", code="user_not_found")
        _refuse_unmanageable(user, by=by)
        if "discord_id" in changes:
            changes = {**changes, "discord_id": changes["discord_id"] or None}
        _check_unique(discord_id=changes.get("discord_id"), username=changes.get("username"),
                      exclude=user.pk)
        for field, value in changes.items():
            setattr(user, field, value)
        try:
            with transaction.atomic():
                user.save(update_fields=list(changes) or None)
        except IntegrityError as error:
            raise Conflict("A member with this Discord id or username already exists.",
                           code="duplicate_discord_id") from error
        _publish("updated", user)
    return user


def member_delete(*, user_id: int, by: User) -> dict:
    """Delete a member; one with tournament results is deactivated instead so no history is
    lost. Accounts `by` may not manage and one's own account are refused (409). Publishes `user_update`
    (action `deleted` or `deactivated`). Answers `{message, deleted, deactivated, user_id}`."""
    with transaction.atomic(durable=True):
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None:
            raise NotFound(f"No league member with id {user_id}.", code="user_not_found")
        if user.pk == by.pk:
            raise Conflict("You cannot delete your own account.", code="own_account")
        _refuse_unmanageable(user, by=by)
        if user.placements.exists():
            user.is_active = False
            user.save(update_fields=["is_active"])
            _publish("deactivated", user)
            return {"message": f"{user.player_name} has tournament results, so the member was "
                               "deactivated instead of deleted.",
                    "deleted": False, "deactivated": True, "user_id": user_id}
        user.delete()
        user.id = user_id
        _publish("deleted", user)
    return {"message": f"{user.player_name} deleted.", "deleted": True, "deactivated": False,
            "user_id": user_id}
