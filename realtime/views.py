from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from realtime import presence


class SocketStatusSerializer(serializers.Serializer):
    active_connections = serializers.IntegerField(help_text="open dashboard sockets")
    connected_users = serializers.IntegerField(help_text="distinct users behind them")
    overlay_connections = serializers.IntegerField(help_text="open overlay sockets")
    timestamp = serializers.DateTimeField()
    scope = serializers.ChoiceField(
        choices=["cluster", "process"],
        help_text="cluster: every process sharing REDIS_URL; process: this process only",
    )


class SocketStatusView(APIView):
    @extend_schema(tags=["realtime"], responses=SocketStatusSerializer)
    def get(self, request):
        records = presence.records()
        dashboards = [record for record in records if record.get("kind") == "dashboard"]
        return Response(SocketStatusSerializer({
            "active_connections": len(dashboards),
            "connected_users": len({record.get("user") for record in dashboards}),
            "overlay_connections": sum(record.get("kind") == "overlay" for record in records),
            "timestamp": timezone.now(),
            "scope": "cluster" if presence.cluster_wide() else "process",
        }).data)


class OverlayQuerySerializer(serializers.Serializer):
    graphic_id = serializers.IntegerField(required=False, min_value=1)


class OverlayClientSerializer(serializers.Serializer):
    graphic_id = serializers.IntegerField()
    connected_at = serializers.DateTimeField()
    last_ping = serializers.DateTimeField(allow_null=True, help_text="null until the first ping")
    version = serializers.IntegerField(allow_null=True, help_text="the version the page shows")
    client = serializers.CharField(help_text="address:port of the browser source")
    user_agent = serializers.CharField(allow_null=True, help_text="the browser source's user agent")
    output = serializers.ChoiceField(choices=["program", "preview"], allow_null=True,
                                     help_text="program (/overlay/<id>/) or preview (/overlay/<id>/preview/)")


class OverlayListSerializer(serializers.Serializer):
    overlays = OverlayClientSerializer(many=True)
    total = serializers.IntegerField()


class OverlayListView(APIView):
    """Connected overlay sockets, of every process when REDIS_URL is set."""

    @extend_schema(tags=["graphics"], parameters=[OverlayQuerySerializer],
                   responses=OverlayListSerializer)
    def get(self, request):
        query = OverlayQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        overlays = presence.overlay_clients(query.validated_data.get("graphic_id"))
        return Response({"overlays": overlays, "total": len(overlays)})
