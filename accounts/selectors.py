"""Reads of league members."""

from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import User
from core.errors import NotFound


def member_list(*, is_active: bool | None = None):
    members = User.objects.order_by("id")
    return members if is_active is None else members.filter(is_active=is_active)


def _members(hold: bool):
    """`hold`: inside a write's transaction, the rows are kept (FOR NO KEY UPDATE, in id order)
    until it commits, so deleting a member waits for the write that refers to them (or was
    first, and the member is missing)."""
    return User.objects.select_for_update(no_key=True).order_by("pk") if hold else User.objects.all()


def member_get(*, user_id: int | None = None, discord_id: str | None = None,
               hold: bool = False) -> User:
    """The member with `user_id`, else the one with `discord_id`; NotFound (404,
    `user_not_found`) when there is none. The one lookup of a member by id or Discord id."""
    if user_id is not None:
        user, label = _members(hold).filter(pk=user_id).first(), f"id {user_id}"
    else:
        user, label = _members(hold).filter(discord_id=discord_id).first(), f"Discord id {discord_id}"
    if user is None:
        raise NotFound(f"No league member with {label}.", code="user_not_found")
    return user


def members_by_ids(*, user_ids, discord_ids, hold: bool = False) -> tuple[dict[int, User], dict[str, User]]:
    """Members looked up in bulk, `({id: member}, {discord_id: member})`, in two queries; the
    unknown ones are missing. `hold` as for `member_get`."""
    by_id = {user.id: user for user in _members(hold).filter(pk__in=user_ids)}
    by_discord = {user.discord_id: user for user in _members(hold).filter(discord_id__in=discord_ids)}
    return by_id, by_discord


def member_statistics() -> dict:
    """Counts over every account, in one query. Tournaments register members through the
    `registrations` relation their app declares on User (accounts imports nothing of theirs)."""
    month_ago = timezone.now() - timedelta(days=30)
    return User.objects.aggregate(
        total_users=Count("id"),
        active_users=Count("id", filter=Q(is_active=True)),
        inactive_users=Count("id", filter=Q(is_active=False)),
        staff_users=Count("id", filter=Q(is_staff=True) | Q(is_superuser=True)),
        with_discord_id=Count("id", filter=Q(discord_id__isnull=False)),
        with_riot_id=Count("id", filter=~Q(riot_id="")),
        registered_in_tournaments=Count("id", filter=Q(Exists(
            User.objects.filter(pk=OuterRef("pk"), registrations__isnull=False)))),
        new_last_30_days=Count("id", filter=Q(date_joined__gte=month_ago)),
    )
