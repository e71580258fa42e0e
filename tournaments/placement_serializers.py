"""Bodies and answers of `/placements/...` (CLIENT-CONTRACT.md section 3)."""

import json
import re
from collections.abc import Mapping

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tournaments.models import Tournament
from tournaments.placement_models import PlacementSubmission
from tournaments.placement_selectors import round_number_of, submission_issues
from tournaments.scoring import LOBBY_SIZE, scoring_of
from tournaments.serializers import MAX_ID
from tournaments.services import MAX_LOBBIES

DISCORD_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
EXTRACTED_DATA_MAX_BYTES = 256 * 1024
NOTES_MAX_LENGTH = 2000
ROUND_NAME_HELP = "round_1, round_2, ..."


@extend_schema_field({"oneOf": [{"type": "integer", "minimum": 0},
                               {"type": "string", "pattern": DISCORD_ID.pattern}]})
class DiscordIdField(serializers.Field):
    """A Discord snowflake as the bot sends it: a number (discord.py's `message.id`) or a
    string; stored as text."""

    default_error_messages = {"invalid": "Send the Discord id as a number or a string of up to 64 "
                                         "letters, digits, '_', '.', ':' or '-'."}

    def to_internal_value(self, data):
        if isinstance(data, int) and not isinstance(data, bool) and 0 <= data < 10**64:
            return str(data)
        if isinstance(data, str) and DISCORD_ID.match(data):
            return data
        self.fail("invalid")

    def to_representation(self, value):
        return value


class ConfidenceField(serializers.FloatField):
    def __init__(self, **kwargs):
        super().__init__(min_value=0, max_value=100, **kwargs)


class HttpUrlField(serializers.URLField):
    """An http(s) address; other schemes (javascript:, data:, file:) are refused."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not value.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError("Only http and https addresses are accepted.")
        return value


class ExtractedRowInput(serializers.Serializer):
    player_name = serializers.CharField(max_length=100)
    placement = serializers.IntegerField(min_value=1, max_value=LOBBY_SIZE)
    extraction_confidence = ConfidenceField(required=False, allow_null=True)


class SubmissionInput(serializers.Serializer):
    """The bot's body. Unknown keys are ignored."""

    tournament_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    round_name = serializers.CharField(required=False, max_length=20, help_text=ROUND_NAME_HELP)
    round_number = serializers.IntegerField(required=False, min_value=1, max_value=10**9)
    lobby_number = serializers.IntegerField(min_value=1, max_value=MAX_LOBBIES)
    discord_message_id = DiscordIdField()
    discord_channel_id = DiscordIdField()
    discord_author_id = DiscordIdField(required=False, allow_null=True)
    image_url = HttpUrlField(max_length=2000)
    overall_confidence = ConfidenceField()
    classification_score = ConfidenceField(required=False, allow_null=True)
    ocr_consensus_confidence = ConfidenceField(required=False, allow_null=True)
    player_match_confidence = ConfidenceField(required=False, allow_null=True)
    structural_validity_score = ConfidenceField(required=False, allow_null=True)
    placements = ExtractedRowInput(many=True, allow_empty=False, max_length=LOBBY_SIZE)
    extracted_data = serializers.JSONField(required=False, allow_null=True)

    def validate_tournament_id(self, value):
        if not Tournament.objects.filter(pk=value).exists():
            raise serializers.ValidationError(f"Tournament {value} does not exist.")
        return value

    def validate_round_name(self, value):
        if round_number_of(value) is None:
            raise serializers.ValidationError(f"Use {ROUND_NAME_HELP}")
        return value

    def validate_extracted_data(self, value):
        encoded = json.dumps(value)
        if len(encoded) > EXTRACTED_DATA_MAX_BYTES:
            raise serializers.ValidationError(
                f"At most {EXTRACTED_DATA_MAX_BYTES // 1024} KB of extracted data.")
        if "\\u0000" in encoded:  # PostgreSQL cannot store a NUL character in JSON
            raise serializers.ValidationError("Null characters (\\u0000) are not allowed.")
        return value

    def validate_placements(self, rows):
        seen: dict[int, int] = {}
        problems: dict[int, dict] = {}
        for index, row in enumerate(rows):
            if row["placement"] in seen:
                problems[index] = {"placement": [f"Placement {row['placement']} is already given "
                                                 f"by placements.{seen[row['placement']]}."]}
            seen.setdefault(row["placement"], index)
        if problems:
            raise serializers.ValidationError(problems)
        return rows

    def to_internal_value(self, data):
        """Field errors and the round's cross-check together, so one 400 names every problem."""
        if not isinstance(data, Mapping):
            return super().to_internal_value(data)  # a 400: not an object
        try:
            attrs, errors = super().to_internal_value(data), {}
        except serializers.ValidationError as error:
            attrs, errors = {}, dict(error.detail)
        raw_name, raw_number = data.get("round_name"), data.get("round_number")
        if raw_name is None and raw_number is None:
            errors["round_name"] = ["Send round_name (round_1, ...) or round_number."]
        elif "round_name" in attrs and "round_number" in attrs and (
                round_number_of(attrs["round_name"]) != attrs["round_number"]):
            errors["round_number"] = [f"round_number {attrs['round_number']} disagrees with "
                                      f"round_name {attrs['round_name']}."]
        if errors:
            raise serializers.ValidationError(errors)
        name = attrs.pop("round_name", None)
        attrs["round_number"] = attrs.get("round_number") or round_number_of(name)
        attrs["discord_author_id"] = attrs.get("discord_author_id") or ""
        return attrs


class SubmissionRowOutput(serializers.Serializer):
    id = serializers.IntegerField()
    player_id = serializers.IntegerField(source="user_id", allow_null=True,
                                         help_text="the matched member; null when none matched")
    player_name = serializers.CharField(help_text="as read off the screenshot")
    matched_name = serializers.CharField(source="user.player_name", allow_null=True, default=None)
    placement = serializers.IntegerField()
    points = serializers.SerializerMethodField(help_text="from the tournament's scoring")
    match_method = serializers.CharField(help_text="exact, alias, fuzzy, manual or none")
    match_confidence = serializers.FloatField(allow_null=True)
    extraction_confidence = serializers.FloatField(allow_null=True)
    validated = serializers.SerializerMethodField()

    def get_points(self, row) -> int:
        return self.context["scoring"].points_for(row.placement)

    def get_validated(self, row) -> bool:
        return self.context["validated"]


class SubmissionOutput(serializers.ModelSerializer):
    round_name = serializers.CharField()
    validated_by = serializers.CharField(source="validated_by.username", allow_null=True,
                                         default=None)
    placements = serializers.SerializerMethodField()
    issues = serializers.SerializerMethodField()

    class Meta:
        model = PlacementSubmission
        fields = ["id", "tournament_id", "round_name", "round_number", "lobby_number",
                  "image_url", "status", "validation_method", "overall_confidence",
                  "classification_score", "ocr_consensus_confidence", "player_match_confidence",
                  "structural_validity_score", "created_at", "updated_at", "validated_at",
                  "validated_by", "notes", "discord_message_id", "discord_channel_id",
                  "discord_author_id", "placements", "issues", "extracted_data"]

    @extend_schema_field(SubmissionRowOutput(many=True))
    def get_placements(self, submission):
        context = {"scoring": scoring_of(submission.tournament.scoring),
                   "validated": submission.status == PlacementSubmission.Status.VALIDATED}
        return SubmissionRowOutput(submission.rows.all(), many=True, context=context).data

    def get_issues(self, submission) -> list[str]:
        return submission_issues(submission)


class RoundNameFilter(serializers.Serializer):
    tournament_id = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    round_name = serializers.CharField(required=False, max_length=20, help_text=ROUND_NAME_HELP)
    limit = serializers.IntegerField(min_value=1, max_value=100, default=50)
    offset = serializers.IntegerField(min_value=0, default=0)

    def validate_round_name(self, value):
        if round_number_of(value) is None:
            raise serializers.ValidationError(f"Use {ROUND_NAME_HELP}")
        return value

    def validate(self, attrs):
        name = attrs.pop("round_name", None)
        attrs["round_number"] = round_number_of(name) if name else None
        return attrs


class SubmissionListParams(RoundNameFilter):
    status = serializers.ChoiceField(choices=PlacementSubmission.Status.choices, required=False)
    confidence_min = ConfidenceField(required=False)


class PendingReviewOutput(serializers.Serializer):
    submissions = SubmissionOutput(many=True)
    total = serializers.IntegerField()
    offset = serializers.IntegerField()
    limit = serializers.IntegerField()


class EditedRowInput(serializers.Serializer):
    """A row the review page sends back; `points`, `match_method` and the rest are ignored."""

    id = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID,
                                  help_text="the extracted row it replaces")
    player_id = serializers.JSONField(required=False, allow_null=True,
                                      help_text="the member (a number, or its digits as text)")
    player_name = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                        max_length=200)
    placement = serializers.IntegerField(min_value=1, max_value=LOBBY_SIZE)

    def validate_player_id(self, value):
        if value is None or isinstance(value, int | str) and not isinstance(value, bool):
            if isinstance(value, int) and not 1 <= value <= MAX_ID:
                raise serializers.ValidationError("Not a member id.")
            if isinstance(value, str) and len(value) > 20:
                raise serializers.ValidationError("Not a member id.")
            return value
        raise serializers.ValidationError("A member id is a number.")


class ValidateInput(serializers.Serializer):
    approved = serializers.BooleanField()
    edited_placements = EditedRowInput(many=True, required=False, allow_null=True,
                                       max_length=2 * LOBBY_SIZE)
    notes = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                  max_length=NOTES_MAX_LENGTH)


class ValidateOutput(serializers.Serializer):
    success = serializers.BooleanField()
    action = serializers.ChoiceField(choices=["validated", "rejected"])
    submission_id = serializers.IntegerField()


class BatchValidateInput(serializers.Serializer):
    submission_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), allow_empty=False,
        max_length=100)
    approved = serializers.BooleanField()
    notes = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                  max_length=NOTES_MAX_LENGTH)


class BatchFailureOutput(serializers.Serializer):
    id = serializers.IntegerField()
    error = serializers.CharField()


class BatchValidateOutput(serializers.Serializer):
    success = serializers.ListField(child=serializers.IntegerField())
    failed = BatchFailureOutput(many=True)
    total = serializers.IntegerField()


class RoundPlacementOutput(serializers.Serializer):
    player_id = serializers.IntegerField()
    player_name = serializers.CharField()
    placement = serializers.IntegerField()
    points = serializers.IntegerField()
    lobby_number = serializers.IntegerField()


class RoundPlacementsOutput(serializers.Serializer):
    tournament_id = serializers.IntegerField()
    round_name = serializers.CharField()
    placements = RoundPlacementOutput(many=True)
    total_players = serializers.IntegerField()


class ConfidenceReportParams(serializers.Serializer):
    tournament_id = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class ConfidenceReportOutput(serializers.Serializer):
    total_submissions = serializers.IntegerField()
    average_confidence = serializers.FloatField(help_text="0-100")
    auto_validated = serializers.IntegerField()
    manually_validated = serializers.IntegerField()
    auto_validation_rate = serializers.FloatField(help_text="percent of all submissions")
    distribution = serializers.DictField(child=serializers.IntegerField())


class PlayerSearchParams(serializers.Serializer):
    q = serializers.CharField(min_length=1, max_length=100, trim_whitespace=False)
    tournament_id = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    limit = serializers.IntegerField(min_value=1, max_value=50, default=20)


class PlayerOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField())
    match_confidence = serializers.FloatField(help_text="0-100")


class PlayerSearchOutput(serializers.Serializer):
    players = PlayerOutput(many=True)
    query = serializers.CharField()
    total = serializers.IntegerField()
