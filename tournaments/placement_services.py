"""Every write to placement submissions: the bot's submission, approval, rejection, aliases.

A submission's placements become results only through `tournaments.services.results_record`,
the results service itself: the same all-or-nothing checks, the same events, points from the
tournament's scoring, and a re-posted lobby recorded as a correction. Writes that post results
take the tournament row first (as the results service does), then the submission row, so two
reviewers approving one submission run one after the other and the second gets a 409.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.selectors import members_by_ids
from config.selectors import config_get
from core.errors import Conflict, DomainError, NotFound
from realtime.events import DASHBOARD_GROUP, PLACEMENT_UPDATE, publish
from tournaments.models import Round, Tournament
from tournaments.placement_matching import MANUAL, match_names, member_keys, normalize
from tournaments.placement_models import PlacementSubmission, PlayerAlias, SubmissionRow
from tournaments.placement_selectors import (
    lobby_seats,
    match_candidates,
    round_closed_reason,
    submission_by_message,
    submission_get,
)
from tournaments.scoring import LOBBY_SIZE
from tournaments.services import _locked_tournament, results_record

logger = logging.getLogger(__name__)

Status = PlacementSubmission.Status
Method = PlacementSubmission.Method
AUTO_VALIDATE_THRESHOLD_KEY = "placements.auto_validate_threshold"
DEFAULT_AUTO_VALIDATE_THRESHOLD = 90.0
NAME_MAX_LENGTH = SubmissionRow._meta.get_field("player_name").max_length


def auto_validate_threshold() -> float:
    """The configured confidence (0-100) at or above which a complete, fully matched submission
    is validated by itself; the default when the setting is missing or not a number in 0-100."""
    value = config_get(AUTO_VALIDATE_THRESHOLD_KEY, DEFAULT_AUTO_VALIDATE_THRESHOLD)
    try:
        threshold = float(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        threshold = None
    if threshold is None or not 0 <= threshold <= 100:
        logger.warning("Configuration %s is %r, not a number from 0 to 100; using %s",
                       AUTO_VALIDATE_THRESHOLD_KEY, value, DEFAULT_AUTO_VALIDATE_THRESHOLD)
        return DEFAULT_AUTO_VALIDATE_THRESHOLD
    return threshold


def _publish(submission: PlacementSubmission) -> None:
    publish(DASHBOARD_GROUP, PLACEMENT_UPDATE, {
        "tournament_id": submission.tournament_id, "round_name": submission.round_name,
        "lobby": submission.lobby_number, "submission_id": submission.id,
        "status": submission.status})


def _missing(places: list[int], expected: int) -> list[int]:
    return [place for place in range(1, expected + 1) if place not in places]


def _review_reasons(submission: PlacementSubmission, rows: list[SubmissionRow],
                    problems: list[str | None], tournament: Tournament, round_: Round | None,
                    threshold: float, names: dict[int, str]) -> list[str]:
    """Everything that keeps a submission from being validated by itself (none: post it)."""
    reasons = []
    if submission.overall_confidence < threshold:
        reasons.append(f"Overall confidence {submission.overall_confidence:g} is below the "
                       f"auto-validation threshold {threshold:g}.")
    if round_ is None:
        reasons.append(f"The tournament has no {submission.round_name} yet.")
    else:
        closed = round_closed_reason(tournament=tournament, round_number=submission.round_number)
        if closed:
            reasons.append(closed)
    for row, problem in zip(rows, problems, strict=True):
        if row.user_id is None:
            reasons.append(f"Placement {row.placement}: {problem}")
        elif row.match_confidence < threshold:
            reasons.append(f"Placement {row.placement}: '{row.player_name}' matched "
                           f"{names[row.user_id]} at {row.match_confidence:g} only.")
    first_place_of: dict[int, int] = {}
    for row in rows:
        if row.user_id is None:
            continue
        if row.user_id in first_place_of:
            reasons.append(f"Placements {first_place_of[row.user_id]} and {row.placement} both "
                           f"match {names[row.user_id]}.")
        first_place_of.setdefault(row.user_id, row.placement)
    seats = lobby_seats(tournament=tournament, round_number=submission.round_number,
                        lobby_number=submission.lobby_number)
    expected = len(seats) or LOBBY_SIZE
    places = [row.placement for row in rows]
    missing = _missing(places, expected)
    if missing:
        reasons.append(f"Placement{'s' if len(missing) > 1 else ''} "
                       f"{', '.join(map(str, missing))} missing.")
    beyond = sorted(place for place in places if place > expected)
    if beyond:
        reasons.append(f"Lobby {submission.lobby_number} seats {expected} players; the screenshot "
                       f"shows placement {', '.join(map(str, beyond))}.")
    if seats:
        strangers = [names[row.user_id] for row in rows
                     if row.user_id is not None and row.user_id not in seats]
        if strangers:
            reasons.append(f"Not seated in lobby {submission.lobby_number}: "
                           f"{', '.join(strangers)}.")
    return reasons


def _error_messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [message for messages in error.message_dict.values() for message in messages]
    return list(error.messages)


def _as_review_errors(error: ValidationError, rows_name: str) -> ValidationError:
    """The results service's errors named after the approved rows: `lobbies[0].placements[2]`
    becomes `edited_placements[2]` (the rows are posted in the order they were sent)."""
    prefix = "lobbies[0].placements"
    renamed: dict[str, list[str]] = {}
    for field, messages in error.message_dict.items():
        if field.startswith(prefix):
            field = rows_name + field[len(prefix):]
        elif field.startswith("lobbies"):
            field = rows_name
        renamed.setdefault(field, []).extend(messages)
    return ValidationError(renamed)


def _lobby_post(submission: PlacementSubmission, chosen: list[tuple[int, int]]) -> list[dict]:
    return [{"lobby": submission.lobby_number,
             "placements": [{"user_id": user_id, "placement": placement}
                            for user_id, placement in chosen]}]


def submission_create(*, tournament_id: int, round_number: int, lobby_number: int,
                      discord_message_id: str, discord_channel_id: str,
                      discord_author_id: str = "", image_url: str, overall_confidence: float,
                      classification_score: float | None = None,
                      ocr_consensus_confidence: float | None = None,
                      player_match_confidence: float | None = None,
                      structural_validity_score: float | None = None,
                      placements: list[dict], extracted_data=None,
                      by) -> tuple[PlacementSubmission, bool]:
    """Store what the bot read off a lobby screenshot (the body already checked by the API's
    serializer) and match each row's name to a registered member of the tournament. Answers
    (submission, created): a `discord_message_id` sent before answers the stored submission
    and changes nothing.

    When every row matched a member at or above the configured threshold, the placements are
    complete and unique for the lobby and the overall confidence reaches the threshold, the
    lobby is posted through the results service and the submission is `validated`/`auto`;
    otherwise (the results service refusing included) it is `pending_review` with its reasons.
    Publishes `placement_update` (and, when posted, the results service's events)."""
    existing = submission_by_message(discord_message_id=discord_message_id)
    if existing is not None:
        return existing, False
    threshold = auto_validate_threshold()  # read outside the transaction: served from cache
    try:
        with transaction.atomic(durable=True):
            tournament = _locked_tournament(tournament_id)
            existing = submission_by_message(discord_message_id=discord_message_id)
            if existing is not None:
                return existing, False
            submission = PlacementSubmission.objects.create(
                tournament=tournament, round_number=round_number, lobby_number=lobby_number,
                discord_message_id=discord_message_id, discord_channel_id=discord_channel_id,
                discord_author_id=discord_author_id, image_url=image_url,
                overall_confidence=overall_confidence, classification_score=classification_score,
                ocr_consensus_confidence=ocr_consensus_confidence,
                player_match_confidence=player_match_confidence,
                structural_validity_score=structural_validity_score,
                extracted_data=extracted_data, submitted_by=by)
            candidates = match_candidates(tournament=tournament)
            names = {candidate.user_id: candidate.name for candidate in candidates}
            matches = match_names([entry["player_name"] for entry in placements], candidates)
            rows = SubmissionRow.objects.bulk_create(
                SubmissionRow(submission=submission, player_name=entry["player_name"],
                              placement=entry["placement"], user_id=match.user_id,
                              match_method=match.method, match_confidence=match.confidence,
                              extraction_confidence=entry.get("extraction_confidence"))
                for entry, match in zip(placements, matches, strict=True))
            problems = [match.problem for match in matches]
            round_ = Round.objects.filter(tournament=tournament, number=round_number).first()
            reasons = _review_reasons(submission, rows, problems, tournament, round_, threshold,
                                      names)
            if not reasons:
                chosen = [(row.user_id, row.placement) for row in rows]
                try:
                    with transaction.atomic():
                        results_record(tournament=tournament, round_=round_,
                                       lobbies=_lobby_post(submission, chosen), by=by)
                except ValidationError as error:
                    reasons = _error_messages(error)
            if reasons:
                submission.status, submission.review_reasons = Status.PENDING_REVIEW, reasons
            else:
                submission.status, submission.validation_method = Status.VALIDATED, Method.AUTO
                submission.validated_at = timezone.now()
            submission.save(update_fields=["status", "review_reasons", "validation_method",
                                           "validated_at", "updated_at"])
            _publish(submission)
    except IntegrityError:
        # The same message sent at once for two tournaments: the first one stored wins.
        existing = submission_by_message(discord_message_id=discord_message_id)
        if existing is None:
            raise
        return existing, False
    return submission_get(submission_id=submission.id), True


def _decided(submission: PlacementSubmission) -> Conflict:
    who = f" by {submission.validated_by.username}" if submission.validated_by else ""
    verb = "validated" if submission.status == Status.VALIDATED else "rejected"
    how = " automatically" if submission.validation_method == Method.AUTO else ""
    return Conflict(f"Submission {submission.id} was already {verb}{how}{who}.",
                    code=f"already_{verb}")


def _locked_submission(submission_id: int) -> PlacementSubmission:
    submission = (PlacementSubmission.objects.select_for_update(of=("self",))
                  .select_related("validated_by").filter(pk=submission_id).first())
    if submission is None:
        raise NotFound(f"Submission {submission_id} does not exist.", code="submission_not_found")
    if submission.status in (Status.VALIDATED, Status.REJECTED):
        raise _decided(submission)
    return submission


def _as_id(raw) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw.strip())
    return None


def _edited_choice(submission: PlacementSubmission, edited: list[dict], registered: dict[int, str],
                   seats: list[int]) -> list[tuple[int, int]]:
    """(user_id, placement) for each edited row, or a ValidationError naming every problem:
    a row without a member, a member not registered in the tournament, a member or placement
    given twice, placements missing or beyond the lobby's size."""
    errors: dict[str, list[str]] = {}
    seen_members: dict[int, int] = {}
    seen_places: dict[int, int] = {}
    chosen = []
    for index, entry in enumerate(edited):
        path = f"edited_placements[{index}]"
        raw = entry.get("player_id")
        user_id = _as_id(raw)
        place = entry.get("placement")
        if raw in (None, ""):
            errors.setdefault(f"{path}.player_id", []).append("Choose a member for this row.")
        elif user_id not in registered:
            errors.setdefault(f"{path}.player_id", []).append(
                f"No member registered in this tournament has id {raw}.")
        elif user_id in seen_members:
            errors.setdefault(f"{path}.player_id", []).append(
                f"{registered[user_id]} is already placed by edited_placements"
                f"[{seen_members[user_id]}].")
        else:
            seen_members[user_id] = index
        if not isinstance(place, int) or not 1 <= place <= LOBBY_SIZE:
            errors.setdefault(f"{path}.placement", []).append(
                f"A placement is a number from 1 to {LOBBY_SIZE}.")
            continue
        if place in seen_places:
            errors.setdefault(f"{path}.placement", []).append(
                f"Placement {place} is already given by edited_placements[{seen_places[place]}].")
        seen_places.setdefault(place, index)
        chosen.append((user_id, place))
    expected = len(seats) or len(edited)
    beyond = sorted(place for place in seen_places if place > expected)
    if beyond:
        errors.setdefault("edited_placements", []).append(
            f"Lobby {submission.lobby_number} has {expected} players; placement "
            f"{', '.join(map(str, beyond))} is beyond it.")
    missing = _missing(list(seen_places), expected)
    if missing:
        errors.setdefault("edited_placements", []).append(
            f"Placement{'s' if len(missing) > 1 else ''} {', '.join(map(str, missing))} "
            f"missing.")
    if errors:
        raise ValidationError(errors)
    return chosen


def _stored_choice(submission: PlacementSubmission, rows: list[SubmissionRow],
                   seats: list[int]) -> list[tuple[int, int]]:
    """(user_id, placement) of the rows as matched, or a ValidationError naming every row a
    person has to decide (approve with `edited_placements` then)."""
    problems = [f"Placement {row.placement}: '{row.player_name}' matched no member."
                for row in rows if row.user_id is None]
    members = [row.user_id for row in rows if row.user_id is not None]
    if len(set(members)) != len(members):
        problems.append("Two rows match the same member.")
    missing = _missing([row.placement for row in rows], len(seats) or len(rows))
    if missing:
        problems.append(f"Placement{'s' if len(missing) > 1 else ''} "
                        f"{', '.join(map(str, missing))} missing.")
    if problems:
        problems.append("Approve with edited_placements naming a member for every placement.")
        raise ValidationError({"placements": problems})
    return [(row.user_id, row.placement) for row in rows]


def _apply_review(submission: PlacementSubmission, rows: list[SubmissionRow],
                  edited: list[dict], chosen: list[tuple[int, int]], registered: dict[int, str],
                  by) -> None:
    """Make the stored rows what was approved; a row whose member a person changed becomes an
    alias of that member (unless it already is one of their names)."""
    by_id = {row.id: row for row in rows}
    by_place = {row.placement: row for row in rows}
    used: set[int] = set()
    to_update, to_create, aliases = [], [], []
    for entry, (user_id, placement) in zip(edited, chosen, strict=True):
        row_id = _as_id(entry.get("id"))
        row = by_id.get(row_id) if row_id in by_id and row_id not in used else None
        if row is None and placement in by_place and by_place[placement].id not in used:
            row = by_place[placement]
        if row is None:
            to_create.append(SubmissionRow(submission=submission,
                                           player_name=registered[user_id][:NAME_MAX_LENGTH],
                                           placement=placement, user_id=user_id,
                                           match_method=MANUAL))
            continue
        used.add(row.id)
        if row.user_id != user_id:
            row.user_id, row.match_method, row.match_confidence = user_id, MANUAL, None
            aliases.append((user_id, row.player_name))
        row.placement = placement
        to_update.append(row)
    SubmissionRow.objects.bulk_update(to_update, ["user", "match_method", "match_confidence",
                                                  "placement"])
    SubmissionRow.objects.bulk_create(to_create)
    SubmissionRow.objects.filter(submission=submission).exclude(
        pk__in=[row.id for row in to_update]).exclude(
        pk__in=[row.pk for row in to_create]).delete()
    if aliases:
        members, _ = members_by_ids(user_ids=[user_id for user_id, _ in aliases], discord_ids=[])
        known = {user.id: member_keys(username=user.username, display_name=user.display_name,
                                      riot_id=user.riot_id) for user in members.values()}
        PlayerAlias.objects.bulk_create(
            [PlayerAlias(user_id=user_id, alias=name, normalized=normalize(name)[:NAME_MAX_LENGTH],
                         created_by=by)
             for user_id, name in aliases if normalize(name) and normalize(name) not in known[user_id]],
            ignore_conflicts=True)


def submission_approve(*, submission_id: int, edited_placements: list[dict] | None = None,
                       notes: str = "", by) -> PlacementSubmission:
    """Approve a submission: its lobby is posted through the results service, with the rows as
    matched or, when `edited_placements` is given ([{id?, player_id, placement}], points and
    names sent with them are ignored), with those. A 400 names every problem of the edited rows
    (no member, a member not registered, a member or placement twice, placements missing) or
    of the results post, and nothing changes. A row whose member a person changed stores the
    name as read as an alias of that member. Refused with 409 when the submission was already
    validated or rejected, or its round is closed (the tournament is over, or a later round has
    started). Publishes `placement_update` and the results service's events."""
    tournament_id = (PlacementSubmission.objects.filter(pk=submission_id)
                     .values_list("tournament_id", flat=True).first())
    if tournament_id is None:
        raise NotFound(f"Submission {submission_id} does not exist.", code="submission_not_found")
    with transaction.atomic(durable=True):
        tournament = _locked_tournament(tournament_id)
        submission = _locked_submission(submission_id)
        closed = round_closed_reason(tournament=tournament, round_number=submission.round_number)
        if closed:
            raise Conflict(closed, code="round_closed")
        round_ = Round.objects.filter(tournament=tournament, number=submission.round_number).first()
        if round_ is None:
            raise Conflict(f"The tournament has no {submission.round_name} yet; create it, then "
                           "approve.", code="round_not_found")
        rows = list(submission.rows.all())
        seats = lobby_seats(tournament=tournament, round_number=submission.round_number,
                            lobby_number=submission.lobby_number)
        if edited_placements:
            registered = {candidate.user_id: candidate.name
                          for candidate in match_candidates(tournament=tournament)}
            chosen = _edited_choice(submission, edited_placements, registered, seats)
        else:
            chosen = _stored_choice(submission, rows, seats)
        try:
            results_record(tournament=tournament, round_=round_,
                           lobbies=_lobby_post(submission, chosen), by=by)
        except ValidationError as error:
            raise _as_review_errors(error, "edited_placements" if edited_placements
                                    else "placements") from None
        if edited_placements:
            _apply_review(submission, rows, edited_placements, chosen, registered, by)
        submission.status, submission.validation_method = Status.VALIDATED, Method.MANUAL
        submission.validated_by, submission.validated_at = by, timezone.now()
        if notes:
            submission.notes = notes
        submission.save(update_fields=["status", "validation_method", "validated_by",
                                       "validated_at", "notes", "updated_at"])
        _publish(submission)
    return submission_get(submission_id=submission_id)


def submission_reject(*, submission_id: int, notes: str = "", by) -> PlacementSubmission:
    """Reject a submission with the reviewer's notes; nothing is posted. Refused with 409 when
    it was already validated or rejected. Publishes `placement_update`."""
    with transaction.atomic(durable=True):
        submission = _locked_submission(submission_id)
        submission.status, submission.validation_method = Status.REJECTED, Method.MANUAL
        submission.validated_by, submission.notes = by, notes
        submission.save(update_fields=["status", "validation_method", "validated_by", "notes",
                                       "updated_at"])
        _publish(submission)
    return submission_get(submission_id=submission_id)


def _refusal_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(_error_messages(error))
    return error.detail


def submissions_batch_validate(*, submission_ids: list[int], approved: bool, notes: str = "",
                               by) -> dict:
    """Approve (as matched) or reject each submission on its own transaction; one refused
    leaves the others done. Answers `{success: [ids], failed: [{id, error}], total}`."""
    answer: dict = {"success": [], "failed": [], "total": len(submission_ids)}
    for submission_id in dict.fromkeys(submission_ids):
        try:
            if approved:
                submission_approve(submission_id=submission_id, notes=notes, by=by)
            else:
                submission_reject(submission_id=submission_id, notes=notes, by=by)
        except (ValidationError, DomainError) as error:
            answer["failed"].append({"id": submission_id, "error": _refusal_text(error)})
        else:
            answer["success"].append(submission_id)
    return answer


def alias_delete(*, alias_id: int) -> None:
    """Forget an alias (a correction that was itself a mistake)."""
    with transaction.atomic(durable=True):
        PlayerAlias.objects.filter(pk=alias_id).delete()
