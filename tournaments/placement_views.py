"""`/placements/...`: the bot's submissions and the dashboard's Screenshot Review page."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsWriter, ReadAnyWriteEditor
from tournaments import placement_selectors as selectors
from tournaments import placement_services as services
from tournaments.placement_serializers import (
    BatchValidateInput,
    BatchValidateOutput,
    ConfidenceReportOutput,
    ConfidenceReportParams,
    PendingReviewOutput,
    PlayerSearchOutput,
    PlayerSearchParams,
    RoundNameFilter,
    RoundPlacementsOutput,
    SubmissionInput,
    SubmissionListParams,
    SubmissionOutput,
    ValidateInput,
    ValidateOutput,
)

TAGS = ["placements"]


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class SubmissionListView(APIView):
    permission_classes = [ReadAnyWriteEditor]

    @extend_schema(parameters=[SubmissionListParams], responses=SubmissionOutput(many=True),
                   tags=TAGS, operation_id="placements_submissions_list")
    def get(self, request):
        params = _valid(SubmissionListParams, request.query_params)
        offset, limit = params.pop("offset"), params.pop("limit")
        submissions = selectors.submission_list(**params)[offset:offset + limit]
        return Response(SubmissionOutput(submissions, many=True).data)

    @extend_schema(request=SubmissionInput, responses={201: SubmissionOutput, 200: SubmissionOutput},
                   tags=TAGS)
    def post(self, request):
        submission, created = services.submission_create(**_valid(SubmissionInput, request.data),
                                                         by=request.user)
        return Response(SubmissionOutput(submission).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class SubmissionDetailView(APIView):
    @extend_schema(responses=SubmissionOutput, tags=TAGS)
    def get(self, request, submission_id: int):
        return Response(SubmissionOutput(selectors.submission_get(submission_id=submission_id)).data)


class PendingReviewView(APIView):
    @extend_schema(parameters=[RoundNameFilter], responses=PendingReviewOutput, tags=TAGS)
    def get(self, request):
        params = _valid(RoundNameFilter, request.query_params)
        offset, limit = params.pop("offset"), params.pop("limit")
        submissions = selectors.pending_review(**params)
        return Response({
            "submissions": SubmissionOutput(submissions[offset:offset + limit], many=True).data,
            "total": submissions.count(), "offset": offset, "limit": limit})


class ValidateView(APIView):
    permission_classes = [IsWriter]

    @extend_schema(request=ValidateInput, responses=ValidateOutput, tags=TAGS)
    def post(self, request, submission_id: int):
        body = _valid(ValidateInput, request.data)
        notes = body.get("notes") or ""
        if body["approved"]:
            services.submission_approve(submission_id=submission_id,
                                        edited_placements=body.get("edited_placements"),
                                        notes=notes, by=request.user)
        else:
            services.submission_reject(submission_id=submission_id, notes=notes, by=request.user)
        return Response({"success": True, "submission_id": submission_id,
                         "action": "validated" if body["approved"] else "rejected"})


class BatchValidateView(APIView):
    permission_classes = [IsWriter]

    @extend_schema(request=BatchValidateInput, responses=BatchValidateOutput, tags=TAGS)
    def post(self, request):
        body = _valid(BatchValidateInput, request.data)
        return Response(services.submissions_batch_validate(
            submission_ids=body["submission_ids"], approved=body["approved"],
            notes=body.get("notes") or "", by=request.user))


class RoundPlacementsView(APIView):
    @extend_schema(responses=RoundPlacementsOutput, tags=TAGS)
    def get(self, request, tournament_id: int, round_name: str):
        return Response(selectors.round_placements(tournament_id=tournament_id,
                                                   round_name=round_name))


class ConfidenceReportView(APIView):
    @extend_schema(parameters=[ConfidenceReportParams], responses=ConfidenceReportOutput,
                   tags=TAGS)
    def get(self, request):
        params = _valid(ConfidenceReportParams, request.query_params)
        return Response(selectors.confidence_report(**params))


class PlayerSearchView(APIView):
    @extend_schema(parameters=[PlayerSearchParams, OpenApiParameter("q", str, required=True)],
                   responses=PlayerSearchOutput, tags=TAGS)
    def get(self, request):
        params = _valid(PlayerSearchParams, request.query_params)
        return Response(selectors.player_search(query=params["q"],
                                                tournament_id=params.get("tournament_id"),
                                                limit=params["limit"]))
