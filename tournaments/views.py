import hashlib
import json

from django.utils.http import http_date, quote_etag
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import ReadAnyWriteEditor
from accounts.tokens import OptionalTokenAuthentication
from core.api import paginate, precondition_answer
from core.errors import NotFound
from tournaments import selectors, services
from tournaments.serializers import (
    LobbyOutput,
    LobbyPlayersInput,
    RankedOutput,
    RankedParams,
    RegistrationInput,
    RegistrationListOutput,
    RegistrationOutput,
    ResultsInput,
    ResultsOutput,
    RoundListOutput,
    RoundOutput,
    SeedInput,
    SnapshotListOutput,
    SnapshotListParams,
    SnapshotOutput,
    SnapshotRefreshInput,
    SnapshotSummaryOutput,
    StandingsOutput,
    TournamentInput,
    TournamentListParams,
    TournamentOutput,
    TournamentStatisticsOutput,
)

TAGS = ["tournaments"]
MessageOutput = inline_serializer("TournamentMessage", {"message": serializers.CharField()})


def _valid(serializer_class, data, **kwargs) -> dict:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _tournament_answer(tournament) -> dict:
    return TournamentOutput(selectors.tournament_list().get(pk=tournament.pk)).data


def conditional_response(request, body: dict, last_modified) -> Response:
    """`body` with ETag and Last-Modified; Django's conditional-request rules
    (`get_conditional_response`) answer 304 to a matching If-None-Match or If-Modified-Since,
    and 412 to a failed If-Match or If-Unmodified-Since."""
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()[:32]
    etag = quote_etag(digest)
    response = precondition_answer(request, etag=etag, last_modified=int(last_modified.timestamp()),
                                   changed="The standings") or Response(body)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified.timestamp())
    return response


class TournamentListView(APIView):
    permission_classes = [ReadAnyWriteEditor]

    @extend_schema(parameters=[TournamentListParams, OpenApiParameter("skip", int),
                               OpenApiParameter("limit", int)],
                   responses=inline_serializer("TournamentList", {
                       "tournaments": TournamentOutput(many=True), "total": serializers.IntegerField(),
                       "page": serializers.IntegerField(), "per_page": serializers.IntegerField()}),
                   tags=TAGS, operation_id="tournaments_list")
    def get(self, request):
        params = _valid(TournamentListParams, request.query_params)
        return Response(paginate(request, selectors.tournament_list(status=params.get("status")),
                                 "tournaments", TournamentOutput))

    @extend_schema(request=TournamentInput, responses={201: TournamentOutput}, tags=TAGS)
    def post(self, request):
        tournament = services.tournament_create(**_valid(TournamentInput, request.data), by=request.user,
                                                 reason="created via API")
        return Response(_tournament_answer(tournament), status=status.HTTP_201_CREATED)


class TournamentDetailView(APIView):
    permission_classes = [ReadAnyWriteEditor]

    @extend_schema(responses=TournamentOutput, tags=TAGS)
    def get(self, request, tournament_id: int):
        return Response(_tournament_answer(selectors.tournament_get(tournament_id=tournament_id)))

    @extend_schema(request=TournamentInput(partial=True), responses=TournamentOutput, tags=TAGS)
    def put(self, request, tournament_id: int):
        changes = _valid(TournamentInput, request.data, partial=True)
        tournament = services.tournament_update(tournament_id=tournament_id, changes=changes,
                                                 by=request.user, reason="saved via API")
        return Response(_tournament_answer(tournament))

    @extend_schema(responses=MessageOutput, tags=TAGS)
    def delete(self, request, tournament_id: int):
        services.tournament_delete(tournament_id=tournament_id)
        return Response({"message": f"Tournament {tournament_id} deleted."})


class TournamentStatisticsView(APIView):
    @extend_schema(responses=TournamentStatisticsOutput, tags=TAGS)
    def get(self, request, tournament_id: int):
        tournament = selectors.tournament_get(tournament_id=tournament_id)
        return Response(selectors.tournament_statistics(tournament=tournament))


class RegistrationListView(APIView):
    permission_classes = [ReadAnyWriteEditor]

    @extend_schema(responses=RegistrationListOutput, tags=TAGS)
    def get(self, request, tournament_id: int):
        tournament = selectors.tournament_get(tournament_id=tournament_id)
        registrations = selectors.registration_list(tournament=tournament)
        return Response({"registrations": RegistrationOutput(registrations, many=True).data,
                         "total": len(registrations)})

    @extend_schema(request=RegistrationInput, responses={201: RegistrationOutput}, tags=TAGS)
    def post(self, request, tournament_id: int):
        body = _valid(RegistrationInput, request.data)
        registration = services.registration_create(tournament_id=tournament_id, **body)
        return Response(RegistrationOutput(registration).data, status=status.HTTP_201_CREATED)


class RegistrationDetailView(APIView):
    permission_classes = [ReadAnyWriteEditor]

    @extend_schema(responses=MessageOutput, tags=TAGS)
    def delete(self, request, tournament_id: int, user_id: int):
        services.registration_delete(tournament_id=tournament_id, user_id=user_id)
        return Response({"message": f"Member {user_id} withdrawn from tournament {tournament_id}."})


class CheckInView(APIView):
    permission_classes = [ReadAnyWriteEditor]

    @extend_schema(request=None, responses=RegistrationOutput, tags=TAGS)
    def post(self, request, tournament_id: int, user_id: int):
        registration = services.registration_check_in(tournament_id=tournament_id, user_id=user_id)
        return Response(RegistrationOutput(registration).data)


def _round_answer(tournament_id: int, number: int) -> dict:
    tournament = selectors.tournament_get(tournament_id=tournament_id)
    return selectors.rounds_of(tournament=tournament, number=number)[0]


class RoundListView(APIView):
    permission_classes = [ReadAnyWriteEditor]

    @extend_schema(responses=RoundListOutput, tags=TAGS, operation_id="tournament_rounds_list")
    def get(self, request, tournament_id: int):
        rounds = selectors.rounds_of(tournament=selectors.tournament_get(tournament_id=tournament_id))
        return Response({"rounds": rounds, "total": len(rounds)})

    @extend_schema(request=None, responses={201: RoundOutput}, tags=TAGS)
    def post(self, request, tournament_id: int):
        round_ = services.round_create(tournament_id=tournament_id, by=request.user)
        return Response(_round_answer(tournament_id, round_.number), status=status.HTTP_201_CREATED)


class RoundDetailView(APIView):
    @extend_schema(responses=RoundOutput, tags=TAGS)
    def get(self, request, tournament_id: int, number: int):
        tournament = selectors.tournament_get(tournament_id=tournament_id)
        rounds = selectors.rounds_of(tournament=tournament, number=number)
        if not rounds:
            raise NotFound(f"Tournament {tournament_id} has no round {number}.", code="round_not_found")
        return Response(rounds[0])


class LobbySeedView(APIView):
    permission_classes = [ReadAnyWriteEditor]

    @extend_schema(request=SeedInput, responses=RoundOutput, tags=TAGS)
    def post(self, request, tournament_id: int, number: int):
        body = _valid(SeedInput, request.data or {})
        services.lobbies_seed(tournament_id=tournament_id, number=number, seed=body.get("seed"),
                              by=request.user)
        return Response(_round_answer(tournament_id, number))


class LobbyView(APIView):
    permission_classes = [ReadAnyWriteEditor]

    @extend_schema(request=LobbyPlayersInput, responses=LobbyOutput, tags=TAGS)
    def put(self, request, tournament_id: int, number: int, lobby: int):
        body = _valid(LobbyPlayersInput, request.data)
        services.lobby_set_players(tournament_id=tournament_id, number=number, lobby=lobby,
                                   players=body["players"])
        lobbies = _round_answer(tournament_id, number)["lobbies"]
        return Response(next(entry for entry in lobbies if entry["lobby"] == lobby))


class ResultsView(APIView):
    permission_classes = [ReadAnyWriteEditor]

    @extend_schema(request=ResultsInput, responses=ResultsOutput, tags=TAGS)
    def post(self, request, tournament_id: int, number: int):
        body = _valid(ResultsInput, request.data)
        return Response(services.results_post(tournament_id=tournament_id, number=number,
                                              lobbies=body["lobbies"], by=request.user))


class StandingsView(APIView):
    """Public; member ids (user, Discord, Riot) only to a token holder."""

    authentication_classes = [OptionalTokenAuthentication]
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=StandingsOutput, tags=TAGS)
    def get(self, request, tournament_id: int):
        tournament = selectors.tournament_get(tournament_id=tournament_id)
        body = selectors.standings_of(tournament=tournament)
        if not request.user.is_authenticated:
            body = {**body, "standings": selectors.public_rows(body["standings"])}
        return conditional_response(request, body, tournament.updated_at)


def _snapshot_answer(request, snapshot) -> Response:
    return conditional_response(request, SnapshotOutput(snapshot).data, snapshot.created_at)


class ScoreboardLatestView(APIView):
    @extend_schema(parameters=[SnapshotListParams], responses=SnapshotOutput, tags=TAGS)
    def get(self, request):
        params = _valid(SnapshotListParams, request.query_params)
        return _snapshot_answer(request, selectors.snapshot_get(
            tournament_id=params.get("tournament_id")))


class ScoreboardSnapshotListView(APIView):
    @extend_schema(parameters=[SnapshotListParams, OpenApiParameter("skip", int),
                               OpenApiParameter("limit", int)],
                   responses=SnapshotListOutput, tags=TAGS)
    def get(self, request):
        params = _valid(SnapshotListParams, request.query_params)
        snapshots = selectors.snapshot_list(tournament_id=params.get("tournament_id"))
        return Response(paginate(request, snapshots, "snapshots", SnapshotSummaryOutput))


class ScoreboardSnapshotView(APIView):
    @extend_schema(responses=SnapshotOutput, tags=TAGS)
    def get(self, request, snapshot_id: int):
        return _snapshot_answer(request, selectors.snapshot_get(snapshot_id=snapshot_id))


class ScoreboardRefreshView(APIView):
    permission_classes = [ReadAnyWriteEditor]

    @extend_schema(request=SnapshotRefreshInput, responses={201: SnapshotOutput}, tags=TAGS)
    def post(self, request):
        body = _valid(SnapshotRefreshInput, request.data or {})
        snapshot = services.snapshot_create(tournament_id=body.get("tournament_id"), by=request.user)
        return Response(SnapshotOutput(snapshot).data, status=status.HTTP_201_CREATED)


CAMEL_CASE = {"tournamentId": "tournament_id", "guildId": "guild_id", "sortBy": "sort_by",
              "sortOrder": "sort_order"}


class RankedPlayersView(APIView):
    """Public; member ids (player, Discord, Riot) only to a token holder."""

    authentication_classes = [OptionalTokenAuthentication]
    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[RankedParams], responses=RankedOutput, tags=["players"])
    def get(self, request):
        query = {CAMEL_CASE.get(key, key): value for key, value in request.query_params.items()}
        body = selectors.ranked_players(**_valid(RankedParams, query))
        if not request.user.is_authenticated:
            body = {**body, "players": selectors.public_rows(body["players"])}
        return Response(body)
