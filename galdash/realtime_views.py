from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from galdash import presence


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
