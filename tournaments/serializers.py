from rest_framework import serializers

from tournaments.models import Registration, StandingsSnapshot, Tournament
from tournaments.scoring import LOBBY_SIZE

MAX_ID = 2**63 - 1  # the database's bigint; a larger id is a 400, not a crash


class TournamentListParams(serializers.Serializer):
    status = serializers.ChoiceField(choices=Tournament.Status.choices, required=False)


class TournamentInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    status = serializers.ChoiceField(choices=Tournament.Status.choices, required=False)
    max_participants = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                                max_value=100000)
    start_date = serializers.DateTimeField(required=False, allow_null=True)
    end_date = serializers.DateTimeField(required=False, allow_null=True)
    guild_id = serializers.CharField(required=False, allow_blank=True, max_length=32)
    scoring = serializers.JSONField(required=False)


class TournamentOutput(serializers.ModelSerializer):
    current_participants = serializers.SerializerMethodField()

    class Meta:
        model = Tournament
        fields = ["id", "name", "description", "status", "max_participants", "current_participants",
                  "start_date", "end_date", "guild_id", "scoring", "created_at", "updated_at"]

    def get_current_participants(self, tournament) -> int:
        counted = getattr(tournament, "participant_count", None)
        return counted if counted is not None else tournament.registrations.count()


class TournamentStatisticsOutput(serializers.Serializer):
    tournament_id = serializers.IntegerField()
    status = serializers.CharField()
    participants = serializers.IntegerField()
    checked_in = serializers.IntegerField()
    max_participants = serializers.IntegerField(allow_null=True)
    fill_rate = serializers.FloatField(allow_null=True, help_text="participants / max, in percent")
    check_in_rate = serializers.FloatField(allow_null=True, help_text="checked in / participants, %")
    rounds = serializers.IntegerField()
    rounds_played = serializers.IntegerField()
    lobbies = serializers.IntegerField()
    placements = serializers.IntegerField()


class RegistrationInput(serializers.Serializer):
    user_id = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    discord_id = serializers.CharField(required=False, max_length=32)

    def validate(self, attrs):
        if ("user_id" in attrs) == ("discord_id" in attrs):
            raise serializers.ValidationError("Send exactly one of user_id or discord_id.")
        return attrs


class RegistrationOutput(serializers.ModelSerializer):
    user_id = serializers.IntegerField()
    player_name = serializers.CharField(source="user.player_name")
    discord_id = serializers.CharField(source="user.discord_id", allow_null=True)
    riot_id = serializers.CharField(source="user.riot_id")
    checked_in = serializers.BooleanField()

    class Meta:
        model = Registration
        fields = ["id", "tournament_id", "user_id", "player_name", "discord_id", "riot_id",
                  "registered_at", "checked_in", "checked_in_at"]


class RegistrationListOutput(serializers.Serializer):
    registrations = RegistrationOutput(many=True)
    total = serializers.IntegerField()


class LobbyPlayerOutput(serializers.Serializer):
    user_id = serializers.IntegerField()
    player_name = serializers.CharField()


class PlacementRowOutput(serializers.Serializer):
    user_id = serializers.IntegerField()
    player_name = serializers.CharField()
    placement = serializers.IntegerField()
    points = serializers.IntegerField()


class LobbyOutput(serializers.Serializer):
    lobby = serializers.IntegerField()
    players = LobbyPlayerOutput(many=True)
    placements = PlacementRowOutput(many=True)


class RoundOutput(serializers.Serializer):
    number = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.CharField(help_text="pending, in_progress or completed")
    lobbies = LobbyOutput(many=True)


class RoundListOutput(serializers.Serializer):
    rounds = RoundOutput(many=True)
    total = serializers.IntegerField()


class SeedInput(serializers.Serializer):
    seed = serializers.IntegerField(required=False, allow_null=True,
                                    help_text="shuffle round 1 with this seed")


class LobbyPlayersInput(serializers.Serializer):
    players = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
                                    max_length=64)


class PlacementInput(serializers.Serializer):
    user_id = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    discord_id = serializers.CharField(required=False, max_length=32)
    placement = serializers.IntegerField()

    def validate(self, attrs):
        if ("user_id" in attrs) == ("discord_id" in attrs):
            raise serializers.ValidationError("Send exactly one of user_id or discord_id.")
        return attrs


class LobbyResultsInput(serializers.Serializer):
    lobby = serializers.IntegerField(min_value=1, max_value=1000)
    placements = PlacementInput(many=True, max_length=4 * LOBBY_SIZE)


class ResultsInput(serializers.Serializer):
    lobbies = LobbyResultsInput(many=True, max_length=1000)


class LobbyResultsOutput(serializers.Serializer):
    lobby = serializers.IntegerField()
    placements = PlacementRowOutput(many=True)


class ResultsOutput(serializers.Serializer):
    tournament_id = serializers.IntegerField()
    round = serializers.IntegerField()
    round_name = serializers.CharField()
    status = serializers.CharField()
    lobbies = LobbyResultsOutput(many=True)
    corrected_lobbies = serializers.ListField(child=serializers.IntegerField())


TOKEN_ONLY = "only with a token"


class StandingOutput(serializers.Serializer):
    rank = serializers.IntegerField()
    user_id = serializers.IntegerField(required=False, help_text=TOKEN_ONLY)
    player_name = serializers.CharField()
    discord_id = serializers.CharField(allow_null=True, required=False, help_text=TOKEN_ONLY)
    riot_id = serializers.CharField(required=False, help_text=TOKEN_ONLY)
    total_points = serializers.IntegerField()
    round_scores = serializers.DictField(child=serializers.IntegerField())
    placements = serializers.ListField(child=serializers.IntegerField())


class StandingsOutput(serializers.Serializer):
    tournament_id = serializers.IntegerField()
    round_names = serializers.ListField(child=serializers.CharField())
    standings = StandingOutput(many=True)


class SnapshotSummaryOutput(serializers.ModelSerializer):
    tournament_name = serializers.CharField(source="tournament.name")
    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)

    class Meta:
        model = StandingsSnapshot
        fields = ["id", "tournament_id", "tournament_name", "created_at", "created_by"]


class SnapshotOutput(SnapshotSummaryOutput):
    data = StandingsOutput()

    class Meta(SnapshotSummaryOutput.Meta):
        fields = [*SnapshotSummaryOutput.Meta.fields, "data"]


class SnapshotListParams(serializers.Serializer):
    tournament_id = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class SnapshotListOutput(serializers.Serializer):
    snapshots = SnapshotSummaryOutput(many=True)
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    per_page = serializers.IntegerField()


class SnapshotRefreshInput(serializers.Serializer):
    tournament_id = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                             max_value=MAX_ID)


SORT_FIELDS = ("total_points", "player_name", "standing_rank")


class RankedParams(serializers.Serializer):
    tournament_id = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    guild_id = serializers.CharField(required=False, max_length=32)
    sort_by = serializers.ChoiceField(choices=SORT_FIELDS, default="total_points")
    sort_order = serializers.ChoiceField(choices=("asc", "desc"), required=False)
    limit = serializers.IntegerField(min_value=1, max_value=1000, default=100)


class RankedPlayerOutput(serializers.Serializer):
    player_name = serializers.CharField()
    total_points = serializers.IntegerField()
    standing_rank = serializers.IntegerField()
    player_id = serializers.IntegerField(required=False, help_text=TOKEN_ONLY)
    discord_id = serializers.CharField(allow_null=True, required=False, help_text=TOKEN_ONLY)
    riot_id = serializers.CharField(required=False, help_text=TOKEN_ONLY)
    round_scores = serializers.DictField(child=serializers.IntegerField())


class RankedOutput(serializers.Serializer):
    players = RankedPlayerOutput(many=True)
    total = serializers.IntegerField()
    snapshot_id = serializers.IntegerField(allow_null=True)
    snapshot_created_at = serializers.DateTimeField(allow_null=True)
    tournament_id = serializers.IntegerField(allow_null=True)
    tournament_name = serializers.CharField(allow_null=True)
