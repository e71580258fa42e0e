"""The users API: league members."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import member_services, selectors
from accounts.permissions import ReadAnyWriteEditor
from accounts.serializers import (
    MemberDeleteOutput,
    MemberInput,
    MemberListOutput,
    MemberListParams,
    MemberOutput,
    MemberStatisticsOutput,
)
from core.api import paginate

TAGS = ["users"]


class MemberListView(APIView):
    permission_classes = [ReadAnyWriteEditor]

    @extend_schema(parameters=[MemberListParams, OpenApiParameter("skip", int),
                               OpenApiParameter("limit", int)],
                   responses=MemberListOutput, tags=TAGS, operation_id="users_list")
    def get(self, request):
        # A plain dict: from a QueryDict DRF would read a missing boolean as false.
        params = MemberListParams(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        members = selectors.member_list(is_active=params.validated_data.get("is_active"))
        return Response(paginate(request, members, "users", MemberOutput))

    @extend_schema(request=MemberInput, responses={201: MemberOutput}, tags=TAGS)
    def post(self, request):
        body = MemberInput(data=request.data)
        body.is_valid(raise_exception=True)
        member = member_services.member_create(**body.validated_data)
        return Response(MemberOutput(member).data, status=status.HTTP_201_CREATED)


class MemberDetailView(APIView):
    permission_classes = [ReadAnyWriteEditor]

    @extend_schema(responses=MemberOutput, tags=TAGS)
    def get(self, request, user_id: int):
        return Response(MemberOutput(selectors.member_get(user_id=user_id)).data)

    @extend_schema(request=MemberInput(partial=True), responses=MemberOutput, tags=TAGS)
    def put(self, request, user_id: int):
        body = MemberInput(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        member = member_services.member_update(user_id=user_id, changes=body.validated_data,
                                               by=request.user)
        return Response(MemberOutput(member).data)

    @extend_schema(responses=MemberDeleteOutput, tags=TAGS)
    def delete(self, request, user_id: int):
        return Response(member_services.member_delete(user_id=user_id, by=request.user))


class MemberByDiscordView(APIView):
    @extend_schema(responses=MemberOutput, tags=TAGS)
    def get(self, request, discord_id: str):
        return Response(MemberOutput(selectors.member_get(discord_id=discord_id)).data)


class MemberStatisticsView(APIView):
    @extend_schema(responses=MemberStatisticsOutput, tags=TAGS)
    def get(self, request):
        return Response(selectors.member_statistics())
