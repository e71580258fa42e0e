import asyncio
import logging
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

logger = logging.getLogger(__name__)


def database_check() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        logger.warning("Health check: database unreachable: %s", error)
        connection.close_if_unusable_or_obsolete()
        return "error"
    return "ok"


async def _channel_layer_round_trip() -> None:
    layer = get_channel_layer()
    # A plain channel name, not `new_channel()`: channels-redis serves every process-local
    # ("!") channel through one receive loop, which the fan-out hub already runs.
    channel = f"health.{uuid.uuid4().hex}"
    await layer.send(channel, {"type": "health.check"})
    await asyncio.wait_for(layer.receive(channel), timeout=2)


def channel_layer_check() -> str:
    try:
        async_to_sync(_channel_layer_round_trip)()
    except Exception as error:
        logger.warning("Health check: channel layer unreachable: %s", error)
        return "error"
    return "ok"


class HealthView(APIView):
    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        tags=["health"],
        responses={200: inline_serializer("Health", {
            "status": serializers.CharField(),
            "timestamp": serializers.DateTimeField(),
            "version": serializers.CharField(),
            "checks": serializers.DictField(child=serializers.CharField()),
        })},
    )
    def get(self, request):
        checks = {"database": database_check(), "channel_layer": channel_layer_check()}
        healthy = all(value == "ok" for value in checks.values())
        return Response(
            {
                "status": "healthy" if healthy else "unhealthy",
                "timestamp": timezone.now().isoformat(),
                "version": settings.VERSION,
                "checks": checks,
            },
            status=200 if healthy else 503,
        )
