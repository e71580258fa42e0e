"""Reads of placement submissions: lists, the review queue, a round's placements, the confidence
report, the player picker, and what matching and reviewing need to know."""

import re

from django.db.models import Avg, Count, Q

from core.errors import NotFound
from tournaments.models import Lobby, Placement, Registration, Round, Tournament
from tournaments.placement_matching import Candidate, member_keys, normalize, search_score
from tournaments.placement_models import PlacementSubmission, PlayerAlias
from tournaments.scoring import scoring_of
from tournaments.selectors import active_tournament, tournament_get

Status = PlacementSubmission.Status
ROUND_NAME = re.compile(r"^round_([1-9][0-9]{0,8})$")
# The review page's issue strings (CLIENT-CONTRACT.md section 3) and when they apply.
LOW_OVERALL, LOW_PLAYER_MATCH, LOW_OCR_CONSENSUS = 80, 90, 85


def round_number_of(round_name: str) -> int | None:
    """3 for "round_3"; None for anything else."""
    found = ROUND_NAME.match(round_name)
    return int(found.group(1)) if found else None


def _shaped(submissions):
    return submissions.select_related("tournament", "validated_by").prefetch_related(
        "rows__user")


def submission_get(*, submission_id: int) -> PlacementSubmission:
    submission = _shaped(PlacementSubmission.objects.filter(pk=submission_id)).first()
    if submission is None:
        raise NotFound(f"Submission {submission_id} does not exist.", code="submission_not_found")
    return submission


def submission_by_message(*, discord_message_id: str) -> PlacementSubmission | None:
    """The submission of a Discord message, if the bot sent it before (one query when not)."""
    submission_id = (PlacementSubmission.objects.filter(discord_message_id=discord_message_id)
                     .values_list("pk", flat=True).first())
    return None if submission_id is None else submission_get(submission_id=submission_id)


def submission_list(*, status: str | None = None, tournament_id: int | None = None,
                    round_number: int | None = None, confidence_min: float | None = None):
    """Submissions newest first, with their rows and members (3 queries whatever the count)."""
    submissions = PlacementSubmission.objects.order_by("-created_at", "-id")
    if status:
        submissions = submissions.filter(status=status)
    if tournament_id is not None:
        submissions = submissions.filter(tournament_id=tournament_id)
    if round_number is not None:
        submissions = submissions.filter(round_number=round_number)
    if confidence_min is not None:
        submissions = submissions.filter(overall_confidence__gte=confidence_min)
    return _shaped(submissions)


def pending_review(*, tournament_id: int | None = None, round_number: int | None = None):
    """Submissions waiting for a person, lowest confidence first."""
    submissions = PlacementSubmission.objects.filter(
        status__in=[Status.PENDING, Status.PENDING_REVIEW]).order_by(
        "overall_confidence", "-created_at", "-id")
    if tournament_id is not None:
        submissions = submissions.filter(tournament_id=tournament_id)
    if round_number is not None:
        submissions = submissions.filter(round_number=round_number)
    return _shaped(submissions)


def submission_issues(submission: PlacementSubmission) -> list[str]:
    """The contract's confidence issues, then why the submission was not validated by itself."""
    issues = []
    if submission.overall_confidence < LOW_OVERALL:
        issues.append("Low overall confidence")
    if (submission.player_match_confidence is not None
            and submission.player_match_confidence < LOW_PLAYER_MATCH):
        issues.append("Low player match confidence")
    if (submission.ocr_consensus_confidence is not None
            and submission.ocr_consensus_confidence < LOW_OCR_CONSENSUS):
        issues.append("Low OCR consensus")
    if submission.status in (Status.PENDING, Status.PENDING_REVIEW):
        issues.extend(submission.review_reasons)
    return issues


def match_candidates(*, tournament: Tournament) -> list[Candidate]:
    """The tournament's registered members with their names and aliases (2 queries)."""
    members = list(Registration.objects.filter(tournament=tournament).order_by("id").values_list(
        "user_id", "user__username", "user__display_name", "user__riot_id"))
    aliases: dict[int, set[str]] = {}
    for user_id, alias in PlayerAlias.objects.filter(
            user__registrations__tournament=tournament).values_list("user_id", "normalized"):
        aliases.setdefault(user_id, set()).add(alias)
    return [Candidate(user_id=user_id, name=display_name or riot_id or username,
                      keys=frozenset(member_keys(username=username, display_name=display_name,
                                                 riot_id=riot_id)),
                      aliases=frozenset(aliases.get(user_id, ())))
            for user_id, username, display_name, riot_id in members]


def lobby_seats(*, tournament: Tournament, round_number: int, lobby_number: int) -> list[int]:
    """The members seated in a lobby (none when the lobby was not seeded)."""
    lobby = (Lobby.objects.filter(round__tournament=tournament, round__number=round_number,
                                  number=lobby_number).prefetch_related("seats").first())
    return [seat.user_id for seat in lobby.seats.all()] if lobby else []


def round_closed_reason(*, tournament: Tournament, round_number: int) -> str | None:
    """Why a round takes no more results from screenshots: the tournament is over, or a later
    round has started (its lobbies were seeded from these results). None while it is open."""
    if tournament.status in (Tournament.Status.COMPLETED, Tournament.Status.CANCELLED):
        return f"The tournament is {tournament.status}."
    later = (Round.objects.filter(tournament=tournament, number__gt=round_number,
                                  lobbies__isnull=False).order_by("number")
             .values_list("number", flat=True).first())
    if later is not None:
        return f"Round {round_number} is closed: round {later} has started."
    return None


def round_placements(*, tournament_id: int, round_name: str) -> dict:
    """The results recorded for a round (posted from screenshots or by hand), lobby by lobby."""
    tournament = tournament_get(tournament_id=tournament_id)
    number = round_number_of(round_name)
    if number is None or not Round.objects.filter(tournament=tournament, number=number).exists():
        raise NotFound(f"Tournament {tournament_id} has no round '{round_name}'.",
                       code="round_not_found")
    scoring = scoring_of(tournament.scoring)
    placements = (Placement.objects.filter(round__tournament=tournament, round__number=number)
                  .select_related("user", "lobby").order_by("lobby__number", "placement"))
    rows = [{"player_id": p.user_id, "player_name": p.user.player_name, "placement": p.placement,
             "points": scoring.points_for(p.placement), "lobby_number": p.lobby.number}
            for p in placements]
    return {"tournament_id": tournament.id, "round_name": round_name, "placements": rows,
            "total_players": len(rows)}


def confidence_report(*, tournament_id: int | None = None) -> dict:
    """How sure the bot was, and how much of it needed a person (one query)."""
    submissions = PlacementSubmission.objects.all()
    if tournament_id is not None:
        submissions = submissions.filter(tournament_id=tournament_id)
    validated = Q(status=Status.VALIDATED)
    figures = submissions.aggregate(
        total=Count("id"), average=Avg("overall_confidence"),
        auto=Count("id", filter=validated & Q(validation_method=PlacementSubmission.Method.AUTO)),
        manual=Count("id", filter=validated & Q(
            validation_method=PlacementSubmission.Method.MANUAL)),
        high=Count("id", filter=Q(overall_confidence__gte=90)),
        medium=Count("id", filter=Q(overall_confidence__gte=70, overall_confidence__lt=90)),
        low=Count("id", filter=Q(overall_confidence__lt=70)))
    total = figures["total"]
    return {
        "total_submissions": total,
        "average_confidence": round(figures["average"], 1) if total else 0,
        "auto_validated": figures["auto"],
        "manually_validated": figures["manual"],
        "auto_validation_rate": round(100 * figures["auto"] / total, 1) if total else 0,
        "distribution": {"high (90-100%)": figures["high"], "medium (70-89%)": figures["medium"],
                         "low (0-69%)": figures["low"]},
    }


SEARCH_MIN_SCORE = 60.0


def player_search(*, query: str, tournament_id: int | None = None, limit: int = 20) -> dict:
    """Members of a tournament (by default the current one, as `/players/ranked` picks it)
    whose name, Riot ID, username or an alias matches `query`, best first."""
    tournament = (tournament_get(tournament_id=tournament_id) if tournament_id is not None
                  else active_tournament())
    if tournament is None:
        return {"players": [], "query": query, "total": 0}
    members = Registration.objects.filter(tournament=tournament).order_by("id").values_list(
        "user_id", "user__username", "user__display_name", "user__riot_id")
    aliases: dict[int, list[str]] = {}
    for user_id, alias in (PlayerAlias.objects.filter(user__registrations__tournament=tournament)
                           .order_by("alias").values_list("user_id", "alias")):
        aliases.setdefault(user_id, []).append(alias)
    wanted = normalize(query)
    found = []
    for user_id, username, display_name, riot_id in members:
        names = [name for name in (display_name, riot_id, username, *aliases.get(user_id, []))
                 if name]
        score = search_score(query, names)
        if score >= SEARCH_MIN_SCORE or any(wanted in normalize(name) for name in names):
            found.append({"id": user_id, "name": display_name or riot_id or username,
                          "aliases": aliases.get(user_id, []), "match_confidence": score})
    found.sort(key=lambda player: (-player["match_confidence"], player["name"].casefold()))
    return {"players": found[:limit], "query": query, "total": len(found)}
