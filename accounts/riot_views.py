from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import riot, riot_services
from accounts.roles import can_write

TAGS = ["ign-verification"]


class IgnVerifyInput(serializers.Serializer):
    ign = serializers.CharField(help_text="Riot ID: gameName#tagLine", trim_whitespace=False)
    region = serializers.CharField(default=riot.DEFAULT_REGION,
                                   help_text=f"one of {', '.join(riot.REGIONS)}")
    user_id = serializers.IntegerField(required=False, min_value=1,
                                       help_text="member to store the verified Riot ID on")
    discord_id = serializers.CharField(required=False, max_length=32,
                                       help_text="member to store the verified Riot ID on")


class IgnVerifyOutput(serializers.Serializer):
    is_valid = serializers.BooleanField()
    message = serializers.CharField()
    riot_data = serializers.JSONField(allow_null=True)
    puuid = serializers.CharField(allow_null=True)
    riot_id = serializers.CharField(allow_null=True, help_text="gameName#tagLine as Riot spells it")
    region = serializers.CharField()
    cached = serializers.BooleanField(help_text="answered from this server's cache")
    user_id = serializers.IntegerField(allow_null=True, help_text="member updated, if any")
    # Fields of the summoner API the old backend answered; account lookups leave them empty.
    summoner_id = serializers.CharField(allow_null=True, default=None)
    account_id = serializers.CharField(allow_null=True, default=None)
    rank = serializers.CharField(allow_null=True, default=None)
    level = serializers.IntegerField(allow_null=True, default=None)


class IgnStatsOutput(serializers.Serializer):
    total_cached = serializers.IntegerField()
    valid_cached = serializers.IntegerField()
    expired_cached = serializers.IntegerField()
    recent_verifications = serializers.IntegerField(help_text="verifications in the last 24 h")
    cache_ttl_seconds = serializers.IntegerField()


class IgnHealthOutput(serializers.Serializer):
    status = serializers.CharField()
    service = serializers.CharField()
    message = serializers.CharField()


class IgnRegionsOutput(serializers.Serializer):
    regions = serializers.DictField(child=serializers.CharField())
    default = serializers.CharField()
    routing = serializers.DictField(child=serializers.CharField(),
                                    help_text="Riot regional route of each region")


class RiotView(APIView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        riot.riot_client()  # every route answers 503 while verification is disabled


class VerifyView(RiotView):
    def _verify(self, data) -> Response:
        body = IgnVerifyInput(data=data)
        body.is_valid(raise_exception=True)
        names_member = {"user_id", "discord_id"} & body.validated_data.keys()
        if names_member and not can_write(self.request.user):
            raise PermissionDenied(
                "Storing a Riot ID on a member needs the Editor or Administrator role.")
        result = riot_services.riot_id_verify(**body.validated_data)
        return Response(IgnVerifyOutput(result).data)

    @extend_schema(request=IgnVerifyInput, responses=IgnVerifyOutput, tags=TAGS,
                   operation_id="ign_verify")
    def post(self, request):
        return self._verify(request.data)

    @extend_schema(parameters=[IgnVerifyInput], responses=IgnVerifyOutput, tags=TAGS,
                   operation_id="ign_verify_query")
    def get(self, request):
        return self._verify(request.query_params)


class StatsView(RiotView):
    @extend_schema(responses=IgnStatsOutput, tags=TAGS, operation_id="ign_stats")
    def get(self, request):
        return Response(IgnStatsOutput(riot.riot_client().stats()).data)


class HealthView(RiotView):
    @extend_schema(responses=IgnHealthOutput, tags=TAGS, operation_id="ign_health")
    def get(self, request):
        return Response({"status": "healthy", "service": "ign_verification",
                         "message": "Riot ID verification is configured."})


class RegionsView(RiotView):
    @extend_schema(responses=IgnRegionsOutput, tags=TAGS, operation_id="ign_regions")
    def get(self, request):
        return Response({"regions": riot.REGIONS, "default": riot.DEFAULT_REGION,
                         "routing": riot.REGIONAL_ROUTES})
