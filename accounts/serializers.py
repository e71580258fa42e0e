from rest_framework import serializers

from accounts.models import User


class MasterLoginInput(serializers.Serializer):
    master_password = serializers.CharField(max_length=1024, trim_whitespace=False)


class PasswordLoginInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=1024, trim_whitespace=False)


class RefreshInput(serializers.Serializer):
    refresh_token = serializers.CharField(required=False, allow_blank=True, max_length=4096)


class TokenPairOutput(serializers.Serializer):
    access_token = serializers.CharField()
    refresh_token = serializers.CharField()
    token_type = serializers.CharField()
    expires_in = serializers.IntegerField()
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())


class VerifyOutput(serializers.Serializer):
    valid = serializers.BooleanField()
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    read_only = serializers.BooleanField()


class MessageOutput(serializers.Serializer):
    message = serializers.CharField()


class MemberListParams(serializers.Serializer):
    is_active = serializers.BooleanField(required=False)


class MemberInput(serializers.Serializer):
    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150, required=False,
                                      help_text="default: made from the display name")
    display_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    discord_id = serializers.RegexField(r"^\d{1,32}\Z", required=False, allow_null=True,
                                        allow_blank=True, help_text="Discord snowflake (digits)")
    riot_id = serializers.RegexField(r"^[^#]{1,32}#[^#]{1,16}\Z", required=False, allow_blank=True,
                                     help_text="gameName#tagLine")
    puuid = serializers.CharField(max_length=100, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)

    def validate(self, attrs):
        if not self.partial and not any(attrs.get(f) for f in ("display_name", "discord_id",
                                                               "riot_id", "username")):
            raise serializers.ValidationError(
                "Give at least one of display_name, discord_id, riot_id or username.")
        return attrs


class MemberOutput(serializers.ModelSerializer):
    # Declared plainly: the model validator's \w is Unicode in Python but ASCII in JSON Schema,
    # so the derived pattern would wrongly reject stored names such as "Zoë".
    username = serializers.CharField(read_only=True)
    player_name = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(source="date_joined")

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "player_name", "discord_id", "riot_id", "puuid",
                  "email", "is_active", "is_staff", "created_at", "last_login"]


class MemberListOutput(serializers.Serializer):
    users = MemberOutput(many=True)
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    per_page = serializers.IntegerField()


class MemberDeleteOutput(serializers.Serializer):
    message = serializers.CharField()
    deleted = serializers.BooleanField()
    deactivated = serializers.BooleanField()
    user_id = serializers.IntegerField()


class MemberStatisticsOutput(serializers.Serializer):
    total_users = serializers.IntegerField()
    active_users = serializers.IntegerField()
    inactive_users = serializers.IntegerField()
    staff_users = serializers.IntegerField()
    with_discord_id = serializers.IntegerField()
    with_riot_id = serializers.IntegerField()
    registered_in_tournaments = serializers.IntegerField()
    new_last_30_days = serializers.IntegerField()
