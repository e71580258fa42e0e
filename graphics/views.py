"""Graphics, lock, archive, events and maintenance routes of DESIGN section 5."""

import json

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsAdministrator, IsReader, IsWriter, ReadAnyWriteEditor
from accounts.roles import is_administrator
from core.api import paginate, precondition_answer
from graphics import payloads, rendered, selectors, services
from graphics.overlay import tournament_standings
from graphics.serializers import (
    ArchiveInput,
    ArchiveListOutput,
    ArchiveResultOutput,
    CleanupOutput,
    DeleteResultOutput,
    DuplicateInput,
    EventListOutput,
    GraphicCreateInput,
    GraphicListOutput,
    GraphicListQuery,
    GraphicOutput,
    GraphicUpdateInput,
    GraphicViewOutput,
    LockInput,
    LockListOutput,
    LockOutput,
    LockReleaseOutput,
    LockStatusOutput,
    OnAirOutput,
    OptionalSessionInput,
    OverlayKeyOutput,
    RevisionListOutput,
    RevisionOutput,
    RevisionRestoreInput,
    SessionInput,
    overlay_base,
)

TAGS = ["graphics"]
LOCK_TAGS = ["locks"]
ARCHIVE_TAGS = ["archive"]


def _valid(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _body_or_query(request) -> dict:
    """The JSON body, falling back on the query string (older clients send either)."""
    return request.data if isinstance(request.data, dict) and request.data else request.query_params


def _graphic_response(request, graphic, status: int = 200) -> Response:
    data = GraphicOutput(graphic, context={"overlay_base": overlay_base(request)}).data
    response = Response(data, status=status)
    response["ETag"] = f'"{graphic.version}"'
    return response


def _if_match(request) -> int | None:
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    value = header.removeprefix("W/").strip('"')
    if not value.isdigit():
        raise ValidationError({"If-Match": [f"must be a graphic version such as \"3\", not {header!r}"]})
    return int(value)


class GraphicListView(APIView):
    permission_classes = [ReadAnyWriteEditor]

    @extend_schema(parameters=[GraphicListQuery], responses=GraphicListOutput, tags=TAGS,
                   operation_id="graphics_list")
    def get(self, request):
        query = _valid(GraphicListQuery, request.query_params)
        current = rendered.graphic_list(overlay_base=overlay_base(request), **query)
        if request.accepted_renderer.format == "api":  # a browser asking for HTML: the browsable API
            return Response(json.loads(current.body))
        response = (precondition_answer(request, etag=current.etag, changed="The list")
                    or HttpResponse(current.body, content_type="application/json"))
        response["ETag"] = current.etag
        return response

    @extend_schema(request=GraphicCreateInput, responses={201: GraphicOutput}, tags=TAGS)
    def post(self, request):
        body = _valid(GraphicCreateInput, request.data)
        graphic = services.graphic_create(user=request.user, reason="created via API", **body)
        return _graphic_response(request, graphic, status=201)


class GraphicDetailView(APIView):
    permission_classes = [ReadAnyWriteEditor]

    @extend_schema(responses=GraphicOutput, tags=TAGS)
    def get(self, request, graphic_id):
        current = rendered.graphic(graphic_id=graphic_id, overlay_base=overlay_base(request))
        response = HttpResponse(current.body, content_type="application/json")
        response["ETag"] = current.etag
        return response

    @extend_schema(request=GraphicUpdateInput, responses=GraphicOutput, tags=TAGS,
                   parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False)])
    def put(self, request, graphic_id):
        body = dict(_valid(GraphicUpdateInput, request.data))
        version = body.pop("version", None)
        session_id = body.pop("session_id", None)
        graphic = services.graphic_update(
            graphic_id=graphic_id, user=request.user, changes=body, session_id=session_id or None,
            expected_version=version if version is not None else _if_match(request),
            reason="saved via API")
        return _graphic_response(request, graphic)

    @extend_schema(request=OptionalSessionInput, responses=ArchiveResultOutput, tags=TAGS,
                   summary="Soft delete (archive)")
    def delete(self, request, graphic_id):
        body = _valid(OptionalSessionInput, _body_or_query(request))
        graphic = services.graphic_archive(graphic_id=graphic_id, user=request.user,
                                           session_id=body.get("session_id") or None)
        return Response({"success": True, "message": f"Graphic {graphic.pk} archived.",
                         "graphic_id": graphic.pk, "archived_at": payloads.iso(graphic.archived_at)})


class GraphicDuplicateView(APIView):
    permission_classes = [IsWriter]

    @extend_schema(request=DuplicateInput, responses={201: GraphicOutput}, tags=TAGS)
    def post(self, request, graphic_id):
        body = _valid(DuplicateInput, _body_or_query(request))
        graphic = services.graphic_duplicate(graphic_id=graphic_id, user=request.user, **body)
        return _graphic_response(request, graphic, status=201)


class GraphicPermanentDeleteView(APIView):
    permission_classes = [IsAdministrator]

    @extend_schema(request=OptionalSessionInput, responses=DeleteResultOutput, tags=TAGS)
    def delete(self, request, graphic_id):
        body = _valid(OptionalSessionInput, _body_or_query(request))
        entry = services.graphic_delete_permanently(graphic_id=graphic_id, user=request.user,
                                                    session_id=body.get("session_id") or None)
        return Response({"success": True, "graphic_id": entry.graphic_ref,
                         "message": f"Graphic {entry.graphic_ref} ({entry.graphic_title}) deleted permanently."})


class GraphicOverlayView(APIView):
    """What an overlay draws; its overlay key or any token lets it in."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=GraphicViewOutput, tags=TAGS,
                   parameters=[OpenApiParameter("key", str, required=False)])
    def get(self, request, graphic_id):
        graphic = selectors.graphic_for_view(graphic_id=graphic_id, key=request.query_params.get("key"),
                                             user=request.user)
        return Response(GraphicViewOutput({
            "id": graphic.pk, "title": graphic.title, "data_json": graphic.data_json,
            "standings": tournament_standings(graphic.tournament_id)}).data)


class GraphicRevisionListView(APIView):
    permission_classes = [IsReader]

    @extend_schema(responses=RevisionListOutput, tags=TAGS,
                   parameters=[OpenApiParameter("skip", int), OpenApiParameter("limit", int)])
    def get(self, request, graphic_id):
        graphic = selectors.graphic_get(graphic_id=graphic_id)
        return Response(paginate(request, selectors.graphic_revisions(graphic=graphic), "revisions",
                                 RevisionOutput))


class GraphicRevisionRestoreView(APIView):
    permission_classes = [IsWriter]

    @extend_schema(request=RevisionRestoreInput, responses=GraphicOutput, tags=TAGS)
    def post(self, request, graphic_id, revision_id):
        body = _valid(RevisionRestoreInput, request.data or {})
        version = body.get("version")
        graphic = services.graphic_revision_restore(
            graphic_id=graphic_id, history_id=revision_id, user=request.user,
            session_id=body.get("session_id") or None,
            expected_version=version if version is not None else _if_match(request))
        return _graphic_response(request, graphic)


class GraphicTakeView(APIView):
    permission_classes = [IsWriter]
    on_air = True

    @extend_schema(request=None, responses=GraphicOutput, tags=TAGS)
    def post(self, request, graphic_id):
        graphic = services.graphic_set_on_air(graphic_id=graphic_id, user=request.user, on_air=self.on_air)
        return _graphic_response(request, graphic)


class GraphicClearView(GraphicTakeView):
    on_air = False


class OnAirView(APIView):
    permission_classes = [IsReader]

    @extend_schema(responses=OnAirOutput, tags=TAGS, operation_id="on_air_list",
                   summary="What is on air, per layer")
    def get(self, request):
        layers = selectors.on_air_by_layer(overlay_base=overlay_base(request))
        return Response({"layers": layers, "total": sum(len(layer["graphics"]) for layer in layers)})


class GraphicOverlayKeyView(APIView):
    permission_classes = [IsWriter]

    @extend_schema(request=None, responses=OverlayKeyOutput, tags=TAGS)
    def post(self, request, graphic_id):
        graphic = services.graphic_overlay_key_rotate(graphic_id=graphic_id, user=request.user)
        return Response({"id": graphic.pk,
                         "overlay_url": payloads.overlay_url(graphic, overlay_base=overlay_base(request))})


class EventListView(APIView):
    permission_classes = [IsReader]

    @extend_schema(responses={200: EventListOutput}, tags=TAGS,
                   summary="Distinct event names, sorted (a bare JSON array, as the dashboard reads it)")
    def get(self, request):
        return Response(selectors.event_names())


# Locks --------------------------------------------------------------------------------------

class LockView(APIView):
    permission_classes = [IsWriter]

    @extend_schema(request=LockInput, responses=LockOutput, tags=LOCK_TAGS)
    def post(self, request, graphic_id):
        body = _valid(LockInput, request.data)
        session_id = body["session_id"]
        lock = services.lock_acquire(graphic_id=graphic_id, session_id=session_id, user=request.user,
                                     holder_name=body.get("user_name"))
        return Response(LockOutput(lock, context={"session_id": session_id}).data)

    @extend_schema(request=SessionInput, responses=LockReleaseOutput, tags=LOCK_TAGS)
    def delete(self, request, graphic_id):
        session_id = _valid(SessionInput, _body_or_query(request))["session_id"]
        released = services.lock_release(graphic_id=graphic_id, session_id=session_id, user=request.user)
        return Response({"success": True,
                         "message": "Lock released." if released else "This session held no lock."})


class LockRefreshView(APIView):
    permission_classes = [IsWriter]

    @extend_schema(request=SessionInput, responses=LockOutput, tags=LOCK_TAGS)
    def post(self, request, graphic_id):
        session_id = _valid(SessionInput, request.data)["session_id"]
        lock = services.lock_refresh(graphic_id=graphic_id, session_id=session_id, user=request.user)
        return Response(LockOutput(lock, context={"session_id": session_id}).data)


class LockStatusView(APIView):
    permission_classes = [IsReader]

    @extend_schema(responses=LockStatusOutput, tags=LOCK_TAGS,
                   parameters=[OpenApiParameter("session_id", str, required=False)])
    def get(self, request, graphic_id):
        return Response(selectors.lock_status(graphic_id=graphic_id,
                                              session_id=request.query_params.get("session_id")))


class LockBreakView(APIView):
    permission_classes = [IsAdministrator]

    @extend_schema(request=None, responses=LockReleaseOutput, tags=LOCK_TAGS)
    def post(self, request, graphic_id):
        broken = services.lock_break(graphic_id=graphic_id, user=request.user)
        return Response({"success": True,
                         "message": "Lock broken." if broken else "The graphic had no live lock."})


class LockListView(APIView):
    permission_classes = [IsReader]

    @extend_schema(responses=LockListOutput, tags=LOCK_TAGS, operation_id="locks_list")
    def get(self, request):
        locks = list(selectors.live_locks())
        return Response({"locks": LockOutput(locks, many=True).data, "total": len(locks)})


# Archive and maintenance --------------------------------------------------------------------

class ArchiveListView(APIView):
    permission_classes = [IsReader]

    @extend_schema(responses=ArchiveListOutput, tags=ARCHIVE_TAGS)
    def get(self, request):
        archives = list(selectors.archive_list())
        return Response(ArchiveListOutput(
            {"archives": archives, "total": len(archives), "can_delete": is_administrator(request.user)},
            context={"overlay_base": overlay_base(request)}).data)


class ArchiveView(APIView):
    permission_classes = [IsWriter]

    @extend_schema(request=ArchiveInput, responses=ArchiveResultOutput, tags=ARCHIVE_TAGS)
    def post(self, request, graphic_id):
        body = _valid(ArchiveInput, request.data or {})
        graphic = services.graphic_archive(graphic_id=graphic_id, user=request.user,
                                           reason=body.get("reason") or "",
                                           session_id=body.get("session_id") or None)
        return Response({"success": True, "message": f"Graphic {graphic.pk} archived.",
                         "graphic_id": graphic.pk, "archived_at": payloads.iso(graphic.archived_at)})


class ArchiveRestoreView(APIView):
    permission_classes = [IsWriter]

    @extend_schema(request=None, responses=ArchiveResultOutput, tags=ARCHIVE_TAGS)
    def post(self, request, graphic_id):
        graphic = services.graphic_restore(graphic_id=graphic_id, user=request.user)
        return Response({"success": True, "message": f"Graphic {graphic.pk} restored.",
                         "graphic_id": graphic.pk, "restored_at": payloads.iso(graphic.updated_at)})


class LockCleanupView(APIView):
    permission_classes = [IsAdministrator]

    @extend_schema(request=None, responses=CleanupOutput, tags=LOCK_TAGS)
    def post(self, request):
        count = services.locks_cleanup()
        return Response({"message": f"Removed {count} expired lock(s).", "cleaned_count": count})
