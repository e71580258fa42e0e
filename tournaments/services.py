"""Every write to tournaments: lifecycle, registrations, rounds, lobbies, results, snapshots.

Writes that change the standings take the tournament row with `select_for_update()`, so
concurrent result posts and registrations of one tournament run one after the other.
"""

import math
import random

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts.selectors import member_get, members_by_ids
from core.errors import Conflict, NotFound
from realtime import events
from realtime.events import DASHBOARD_GROUP, publish, tournament_group
from tournaments.models import (
    Lobby,
    Placement,
    PlacementCorrection,
    Registration,
    Round,
    Seat,
    StandingsSnapshot,
    Tournament,
)
from tournaments.scoring import LOBBY_SIZE, scoring_of, scoring_validate
from tournaments.selectors import active_tournament, standings_of, tournament_get

Status = Tournament.Status
TRANSITIONS = {
    Status.DRAFT: {Status.REGISTRATION, Status.CANCELLED},
    Status.REGISTRATION: {Status.IN_PROGRESS, Status.CANCELLED},
    Status.IN_PROGRESS: {Status.COMPLETED, Status.CANCELLED},
    Status.COMPLETED: set(),
    Status.CANCELLED: set(),
}
FINISHED = {Status.COMPLETED, Status.CANCELLED}
MAX_LOBBIES = 1000
EDITABLE_FIELDS = ("name", "description", "status", "max_participants", "start_date", "end_date",
                   "guild_id", "scoring")
REASON_MAX = 100  # simple_history's history_change_reason column


def _save_revision(tournament: Tournament, *, by, reason: str, fields=("updated_at",)) -> None:
    """Save the tournament with a history record saying who (`by`; without one, the request's
    user) and why."""
    if getattr(by, "is_authenticated", False):
        tournament._history_user = by
    tournament._change_reason = reason[:REASON_MAX]
    tournament.save(update_fields=list(fields) if fields else None)


def _lobbies_text(numbers) -> str:
    numbers = sorted(numbers)
    return f"lobby {numbers[0]}" if len(numbers) == 1 else f"lobbies {', '.join(map(str, numbers))}"


def _locked_tournament(tournament_id: int) -> Tournament:
    tournament = Tournament.objects.select_for_update().filter(pk=tournament_id).first()
    if tournament is None:
        raise NotFound(f"Tournament {tournament_id} does not exist.", code="tournament_not_found")
    return tournament


def _round(tournament: Tournament, number: int) -> Round:
    round_ = Round.objects.filter(tournament=tournament, number=number).first()
    if round_ is None:
        raise NotFound(f"Tournament {tournament.id} has no round {number}.", code="round_not_found")
    return round_


def _publish_tournament(tournament: Tournament, action: str) -> None:
    publish(DASHBOARD_GROUP, events.TOURNAMENT_UPDATE, {
        "action": action,
        "tournament": {"id": tournament.id, "name": tournament.name, "status": tournament.status},
    })


def _publish_standings(tournament: Tournament) -> None:
    standings = standings_of(tournament=tournament)
    publish((DASHBOARD_GROUP, tournament_group(tournament.id)), events.STANDINGS_UPDATE, standings)


def tournament_validate(*, tournament: Tournament | None, changes: dict) -> dict:
    """The changes to a tournament (None: a new one) with the scoring table filled in, or a
    ValidationError naming every problem: unknown fields, a status outside draft ->
    registration -> in_progress -> completed (or -> cancelled before completion), a new
    tournament not starting in draft or registration, max_participants below the registered
    count, a bad scoring table, an end before the start."""
    errors: dict[str, list[str]] = {}
    for field in sorted(set(changes) - set(EDITABLE_FIELDS)):
        errors[field] = ["Cannot be changed."]
    current = tournament.status if tournament else None
    new_status = changes.get("status", current or Status.DRAFT)
    if tournament is None and new_status not in (Status.DRAFT, Status.REGISTRATION):
        errors["status"] = ["A new tournament starts in draft or registration."]
    elif tournament is not None and new_status != current and new_status not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "none (it is final)"
        errors["status"] = [f"Cannot go from {current} to {new_status}; allowed: {allowed}."]
    if tournament is not None and changes.get("max_participants") is not None:
        registered = tournament.registrations.count()
        if changes["max_participants"] < registered:
            errors["max_participants"] = [f"{registered} members are already registered."]
    cleaned = dict(changes)
    if "scoring" in changes or tournament is None:
        try:
            cleaned["scoring"] = scoring_validate(changes.get("scoring"))
        except ValidationError as error:
            errors.update(error.message_dict)
    start = changes.get("start_date", tournament.start_date if tournament else None)
    end = changes.get("end_date", tournament.end_date if tournament else None)
    if start and end and end < start:
        errors["end_date"] = ["Must not be before start_date."]
    if errors:
        raise ValidationError(errors)
    return cleaned


def tournament_create(*, name: str, description: str = "", status: str = Status.DRAFT,
                      max_participants: int | None = None, start_date=None, end_date=None,
                      guild_id: str = "", scoring: dict | None = None, by=None,
                      reason: str = "created") -> Tournament:
    """Create a tournament (validated by `tournament_validate`); publishes `tournament_update`
    (action `created`). `by` and `reason` go into its history ("created via API")."""
    fields = tournament_validate(tournament=None, changes={
        "name": name, "description": description, "status": status,
        "max_participants": max_participants, "start_date": start_date, "end_date": end_date,
        "guild_id": guild_id, "scoring": scoring})
    with transaction.atomic(durable=True):
        tournament = Tournament(**fields)
        _save_revision(tournament, by=by, reason=reason, fields=None)
        _publish_tournament(tournament, "created")
    return tournament


def tournament_update(*, tournament_id: int, changes: dict, by=None,
                      reason: str = "saved") -> Tournament:
    """Apply `changes` (validated by `tournament_validate`). Publishes `tournament_update`, and
    `standings_update` when the scoring changed. `by` and `reason` go into its history ("saved
    via API"; a new status makes it "status changed to …, saved via API")."""
    with transaction.atomic(durable=True):
        tournament = _locked_tournament(tournament_id)
        changes = tournament_validate(tournament=tournament, changes=changes)
        scoring_changed = "scoring" in changes and changes["scoring"] != tournament.scoring
        if changes.get("status", tournament.status) != tournament.status:
            reason = f"status changed to {changes['status']}, {reason}"
        for field, value in changes.items():
            setattr(tournament, field, value)
        _save_revision(tournament, by=by, reason=reason, fields=[*changes, "updated_at"])
        _publish_tournament(tournament, "updated")
        if scoring_changed:
            _publish_standings(tournament)
    return tournament


def tournament_delete(*, tournament_id: int) -> None:
    """Delete a tournament with its registrations, rounds, results and snapshots; publishes
    `tournament_update` (action `deleted`)."""
    with transaction.atomic(durable=True):
        tournament = _locked_tournament(tournament_id)
        tournament.delete()
        tournament.id = tournament_id
        _publish_tournament(tournament, "deleted")


def registration_create(*, tournament_id: int, user_id: int | None = None,
                        discord_id: str | None = None) -> Registration:
    """Register a member (by id or Discord id). Refuses a finished tournament (400), an inactive
    member (400), a second registration (409) and a full tournament (409). Publishes
    `tournament_update` and `standings_update`."""
    with transaction.atomic(durable=True):
        tournament = _locked_tournament(tournament_id)
        user = member_get(user_id=user_id, discord_id=discord_id, hold=True)
        if tournament.status in FINISHED:
            raise ValidationError({"tournament": [f"The tournament is {tournament.status}."]})
        if not user.is_active:
            raise ValidationError({"user_id": [f"{user.player_name} is deactivated."]})
        if Registration.objects.filter(tournament=tournament, user=user).exists():
            raise Conflict(f"{user.player_name} is already registered.", code="already_registered")
        registered = tournament.registrations.count()
        if tournament.max_participants is not None and registered >= tournament.max_participants:
            raise Conflict(f"The tournament is full ({tournament.max_participants} participants).",
                           code="tournament_full")
        registration = Registration.objects.create(tournament=tournament, user=user)
        _save_revision(tournament, by=None, reason=f"{user.player_name} registered")
        _publish_tournament(tournament, "registration_added")
        _publish_standings(tournament)
    return registration


def registration_delete(*, tournament_id: int, user_id: int) -> None:
    """Withdraw a member; refused (409) once they have results. Publishes `tournament_update`
    and `standings_update`."""
    with transaction.atomic(durable=True):
        tournament = _locked_tournament(tournament_id)
        registration = Registration.objects.filter(tournament=tournament, user_id=user_id).first()
        if registration is None:
            raise NotFound(f"Member {user_id} is not registered.", code="registration_not_found")
        if Placement.objects.filter(round__tournament=tournament, user_id=user_id).exists():
            raise Conflict("The member has results in this tournament; registrations with results "
                           "are kept.", code="has_results")
        Seat.objects.filter(round__tournament=tournament, user_id=user_id).delete()
        registration.delete()
        _save_revision(tournament, by=None, reason=f"{registration.user.player_name} withdrawn")
        _publish_tournament(tournament, "registration_removed")
        _publish_standings(tournament)


def registration_check_in(*, tournament_id: int, user_id: int) -> Registration:
    """Mark a registered member as checked in (idempotent); publishes `tournament_update`."""
    with transaction.atomic(durable=True):
        tournament = _locked_tournament(tournament_id)
        registration = (Registration.objects.select_related("user")
                        .filter(tournament=tournament, user_id=user_id).first())
        if registration is None:
            raise NotFound(f"Member {user_id} is not registered.", code="registration_not_found")
        if registration.checked_in_at is None:
            registration.checked_in_at = timezone.now()
            registration.save(update_fields=["checked_in_at"])
            _publish_tournament(tournament, "checked_in")
    return registration


def round_create(*, tournament_id: int, by=None) -> Round:
    """Create the next round (numbered 1..n); refused for a finished tournament. Publishes
    `tournament_update`."""
    with transaction.atomic(durable=True):
        tournament = _locked_tournament(tournament_id)
        if tournament.status in FINISHED:
            raise ValidationError({"tournament": [f"The tournament is {tournament.status}."]})
        last = tournament.rounds.order_by("-number").values_list("number", flat=True).first() or 0
        round_ = Round.objects.create(tournament=tournament, number=last + 1)
        _save_revision(tournament, by=by, reason=f"round {round_.number} created")
        _publish_tournament(tournament, "round_created")
    return round_


def snake_lobbies(players: list, lobby_count: int) -> list[list]:
    """Deal players (best first) into lobbies in snake order: 1, 2, ..., n, n, ..., 2, 1, ..."""
    lobbies: list[list] = [[] for _ in range(lobby_count)]
    for index, player in enumerate(players):
        row, column = divmod(index, lobby_count)
        lobbies[column if row % 2 == 0 else lobby_count - 1 - column].append(player)
    return lobbies


def lobbies_seed(*, tournament_id: int, number: int, seed: int | None = None, by=None) -> Round:
    """Seat the registered members of a round without results in lobbies of at most 8, snake
    order: round 1 in registration order (shuffled when `seed` is given), later rounds by the
    current standings. Replaces the round's lobbies; refused (409) once it has results."""
    with transaction.atomic(durable=True):
        tournament = _locked_tournament(tournament_id)
        round_ = _round(tournament, number)
        if Placement.objects.filter(round=round_).exists():
            raise Conflict(f"Round {number} already has results; move players by hand instead.",
                           code="round_has_results")
        if number == 1:
            players = list(tournament.registrations.values_list("user_id", flat=True))
            if seed is not None:
                random.Random(seed).shuffle(players)
        else:
            players = [row["user_id"] for row in standings_of(tournament=tournament)["standings"]]
        if not players:
            raise ValidationError({"tournament": ["No members are registered."]})
        round_.lobbies.all().delete()
        lobby_count = math.ceil(len(players) / LOBBY_SIZE)
        for lobby_number, seated in enumerate(snake_lobbies(players, lobby_count), start=1):
            lobby = Lobby.objects.create(round=round_, number=lobby_number)
            Seat.objects.bulk_create(Seat(lobby=lobby, round=round_, user_id=u) for u in seated)
        _save_revision(tournament, by=by, reason=f"round {number} lobbies seeded ({lobby_count})")
        _publish_tournament(tournament, "lobbies_seeded")
    return round_


def lobby_set_players(*, tournament_id: int, number: int, lobby: int, players: list[int]) -> Lobby:
    """Seat exactly `players` in a lobby (created when missing), moving them out of their
    other lobby of the round. Refuses more than 8, repeats and unregistered members (400, all
    listed), and a lobby that already has results (409)."""
    with transaction.atomic(durable=True):
        tournament = _locked_tournament(tournament_id)
        round_ = _round(tournament, number)
        errors = []
        if not 1 <= lobby <= MAX_LOBBIES:
            raise ValidationError({"lobby": [f"Lobbies are numbered 1..{MAX_LOBBIES}."]})
        if len(players) > LOBBY_SIZE:
            errors.append(f"A lobby holds at most {LOBBY_SIZE} players; got {len(players)}.")
        repeated = sorted({p for p in players if players.count(p) > 1})
        if repeated:
            errors.append(f"Listed more than once: {', '.join(map(str, repeated))}.")
        registered = set(tournament.registrations.filter(user_id__in=players)
                         .values_list("user_id", flat=True))
        missing = [p for p in players if p not in registered]
        if missing:
            errors.append(f"Not registered in this tournament: {', '.join(map(str, missing))}.")
        if errors:
            raise ValidationError({"players": errors})
        target, _ = Lobby.objects.get_or_create(round=round_, number=lobby)
        if target.placements.exists():
            raise Conflict(f"Lobby {lobby} already has results; re-post them to correct it.",
                           code="lobby_has_results")
        Seat.objects.filter(round=round_, user_id__in=players).delete()
        target.seats.all().delete()
        Seat.objects.bulk_create(Seat(lobby=target, round=round_, user_id=u) for u in players)
        _publish_tournament(tournament, "lobby_updated")
    return target


def _entry_label(entry: dict) -> str:
    return (f"user {entry['user_id']}" if entry.get("user_id") is not None
            else f"Discord id {entry.get('discord_id')}")


def _validate_results(tournament: Tournament, round_: Round, lobbies: list[dict]) -> dict:
    """Every problem of a results post as {field path: [messages]}; resolves each entry's
    `user` in place."""
    errors: dict[str, list[str]] = {}

    def add(path: str, message: str) -> None:
        errors.setdefault(path, []).append(message)

    if tournament.status != Status.IN_PROGRESS:
        add("tournament", f"Results are accepted while the tournament is in progress; it is "
                          f"{tournament.status}.")
    if not lobbies:
        add("lobbies", "Post at least one lobby.")

    entries = [e for lobby in lobbies for e in lobby["placements"]]
    user_ids = {e["user_id"] for e in entries if e.get("user_id") is not None}
    discord_ids = {e["discord_id"] for e in entries if e.get("user_id") is None}
    users, by_discord = members_by_ids(user_ids=user_ids, discord_ids=discord_ids, hold=True)
    registered = set(Registration.objects.filter(tournament=tournament)
                     .values_list("user_id", flat=True))
    posted_numbers = [lobby["lobby"] for lobby in lobbies]
    placed_elsewhere = dict(Placement.objects.filter(round=round_)
                            .exclude(lobby__number__in=posted_numbers)
                            .values_list("user_id", "lobby__number"))

    seen_lobbies: set[int] = set()
    seen_players: dict[int, str] = {}
    for i, lobby in enumerate(lobbies):
        path = f"lobbies[{i}]"
        if lobby["lobby"] in seen_lobbies:
            add(f"{path}.lobby", f"Lobby {lobby['lobby']} is posted twice.")
        seen_lobbies.add(lobby["lobby"])
        size = len(lobby["placements"])
        if size == 0:
            add(f"{path}.placements", "A lobby needs at least one placement.")
        if size > LOBBY_SIZE:
            add(f"{path}.placements", f"A lobby holds at most {LOBBY_SIZE} players; got {size}.")
        seen_places: dict[int, int] = {}
        for j, entry in enumerate(lobby["placements"]):
            entry_path = f"{path}.placements[{j}]"
            place = entry["placement"]
            if not 1 <= place <= min(size, LOBBY_SIZE):
                add(f"{entry_path}.placement",
                    f"Placement {place} is out of range 1..{min(size, LOBBY_SIZE)} for this lobby.")
            elif place in seen_places:
                add(f"{entry_path}.placement",
                    f"Placement {place} is already given to placements[{seen_places[place]}].")
            else:
                seen_places[place] = j
            user = (users.get(entry["user_id"]) if entry.get("user_id") is not None
                    else by_discord.get(entry["discord_id"]))
            entry["user"] = user
            if user is None:
                add(entry_path, f"No league member with {_entry_label(entry)}.")
                continue
            if user.id not in registered:
                add(entry_path, f"{user.player_name} is not registered in this tournament.")
            if user.id in seen_players:
                add(entry_path, f"{user.player_name} is already placed in this round "
                                f"({seen_players[user.id]}).")
            elif user.id in placed_elsewhere:
                add(entry_path, f"{user.player_name} already has a placement in lobby "
                                f"{placed_elsewhere[user.id]} of this round.")
            seen_players.setdefault(user.id, entry_path)
    return errors


def _as_rows(placements, scoring) -> list[dict]:
    return [{"user_id": p.user_id, "player_name": p.user.player_name, "placement": p.placement,
             "points": scoring.points_for(p.placement)} for p in placements]


def results_post(*, tournament_id: int, number: int, lobbies: list[dict], by) -> dict:
    """Record a round's results: `lobbies` = [{lobby, placements: [{user_id | discord_id,
    placement}]}]. All or nothing: placements 1..k unique within a lobby of at most 8, each
    player once in the round, registered members only, tournament in progress; a 400 lists
    every problem and stores nothing. Re-posting a lobby replaces its placements and records a
    PlacementCorrection (who, when, before, after). Publishes `placement_update` and
    `standings_update` to the dashboard and the tournament's overlays."""
    with transaction.atomic(durable=True):
        tournament = _locked_tournament(tournament_id)
        return results_record(tournament=tournament, round_=_round(tournament, number),
                              lobbies=lobbies, by=by)


def results_record(*, tournament: Tournament, round_: Round, lobbies: list[dict], by) -> dict:
    """`results_post` inside the caller's transaction, the tournament row already taken with
    `select_for_update()` (a placement review posts a lobby and marks its submission in one
    transaction)."""
    errors = _validate_results(tournament, round_, lobbies)
    if errors:
        raise ValidationError(errors)
    scoring = scoring_of(tournament.scoring)

    existing = {lobby.number: lobby for lobby in Lobby.objects.filter(
        round=round_, number__in=[entry["lobby"] for entry in lobbies])}
    previous: dict[int, list[dict]] = {}
    for placement in (Placement.objects.filter(lobby__in=existing.values())
                      .select_related("user", "lobby").order_by("placement")):
        previous.setdefault(placement.lobby.number, []).append(placement)

    Lobby.objects.bulk_create(Lobby(round=round_, number=entry["lobby"])
                              for entry in lobbies if entry["lobby"] not in existing)
    lobby_rows = {lobby.number: lobby for lobby in Lobby.objects.filter(
        round=round_, number__in=[entry["lobby"] for entry in lobbies])}
    # Clear every re-posted lobby first: a player may move between two re-posted lobbies.
    Placement.objects.filter(lobby__in=lobby_rows.values()).delete()
    Placement.objects.bulk_create(
        Placement(lobby=lobby_rows[posted["lobby"]], round=round_, user=entry["user"],
                  placement=entry["placement"])
        for posted in lobbies for entry in posted["placements"])

    answer_lobbies, corrections = [], []
    for posted in sorted(lobbies, key=lambda entry: entry["lobby"]):
        lobby = lobby_rows[posted["lobby"]]
        after = [{"user_id": entry["user"].id, "player_name": entry["user"].player_name,
                  "placement": entry["placement"],
                  "points": scoring.points_for(entry["placement"])}
                 for entry in sorted(posted["placements"], key=lambda entry: entry["placement"])]
        before = _as_rows(previous.get(lobby.number, []), scoring)
        if before:
            corrections.append(PlacementCorrection(lobby=lobby, corrected_by=by, before=before,
                                                   after=after))
        answer_lobbies.append({"lobby": lobby.number, "placements": after})
    PlacementCorrection.objects.bulk_create(corrections)
    corrected = [correction.lobby.number for correction in corrections]

    waiting = round_.lobbies.annotate(results=Count("placements")).filter(results=0).exists()
    round_.status = Round.Status.IN_PROGRESS if waiting else Round.Status.COMPLETED
    round_.save(update_fields=["status"])
    posted = sorted(set(lobby_rows) - set(corrected))
    reasons = [f"round {round_.number} {_lobbies_text(numbers)} results {what}"
               for numbers, what in ((posted, "posted"), (corrected, "corrected")) if numbers]
    _save_revision(tournament, by=by, reason="; ".join(reasons))

    answer = {"tournament_id": tournament.id, "round": round_.number, "round_name": round_.name,
              "status": round_.status, "lobbies": answer_lobbies, "corrected_lobbies": corrected}
    publish((DASHBOARD_GROUP, tournament_group(tournament.id)), events.PLACEMENT_UPDATE, answer)
    _publish_standings(tournament)
    return answer


def snapshot_create(*, tournament_id: int | None, by) -> StandingsSnapshot:
    """Freeze the live standings of a tournament (default: the latest active one, 404 when there
    is none) as a StandingsSnapshot."""
    with transaction.atomic(durable=True):
        tournament = (tournament_get(tournament_id=tournament_id) if tournament_id is not None
                      else active_tournament())
        if tournament is not None:
            # Held until the snapshot commits, so a concurrent delete waits for it.
            tournament = Tournament.objects.select_for_update(no_key=True).filter(pk=tournament.pk).first()
        if tournament is None:
            raise NotFound("There is no tournament to snapshot.", code="tournament_not_found")
        return StandingsSnapshot.objects.create(
            tournament=tournament, data=standings_of(tournament=tournament), created_by=by)
