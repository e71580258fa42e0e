"""Riot ID verification of league members."""

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from accounts.riot import RiotId, region_parse, riot_client
from accounts.selectors import member_get
from core.errors import Conflict
from realtime.events import DASHBOARD_GROUP, USER_UPDATE, publish


def _member(*, user_id: int | None, discord_id: str | None) -> User | None:
    if user_id is not None and discord_id is not None:
        raise ValidationError("Send user_id or discord_id, not both.")
    if user_id is None and discord_id is None:
        return None
    return member_get(user_id=user_id, discord_id=discord_id)


def member_riot_account_link(*, user_id: int, riot_id: str, puuid: str) -> User:
    """Store a verified Riot account on a member. Refuses (409) an account already linked to
    another member. Publishes `user_update`."""
    with transaction.atomic(durable=True):
        member = User.objects.select_for_update().get(pk=user_id)
        holder = User.objects.filter(puuid=puuid).exclude(pk=user_id).first()
        if holder is not None:
            raise Conflict(f"The Riot account {riot_id} is already linked to member "
                           f"{holder.pk} ({holder.player_name}).")
        member.riot_id, member.puuid = riot_id, puuid
        member.save(update_fields=["riot_id", "puuid"])
        publish(DASHBOARD_GROUP, USER_UPDATE, {
            "action": "riot_verified", "id": member.pk, "discord_id": member.discord_id,
            "riot_id": riot_id, "puuid": puuid})
    return member


def riot_id_verify(*, ign: str, region: str, user_id: int | None = None,
                   discord_id: str | None = None) -> dict:
    """Ask Riot whether `ign` (gameName#tagLine) exists in `region` (a known region code; 400
    otherwise; answers kept in Django's cache; 503 when verification is disabled). When a member is
    named (by user_id or discord_id; 404 when unknown, checked before Riot is asked) and the
    Riot ID exists, their riot_id and puuid are stored. Answers the verification with
    `user_id` of the member updated, or None."""
    try:
        riot_id = RiotId.parse(ign)
    except ValidationError as error:
        raise ValidationError({"ign": error.messages})
    try:
        region = region_parse(region)
    except ValidationError as error:
        raise ValidationError({"region": error.messages})
    client = riot_client()
    member = _member(user_id=user_id, discord_id=discord_id)
    result = client.verify(riot_id=riot_id, region=region)
    result["user_id"] = None
    if member is not None and result["is_valid"]:
        member_riot_account_link(user_id=member.pk, riot_id=result["riot_id"],
                                 puuid=result["puuid"])
        result["user_id"] = member.pk
        result["message"] += f" Stored on member {member.pk}."
    return result
