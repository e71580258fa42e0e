from rest_framework import serializers


class ConfigurationOutput(serializers.Serializer):
    key = serializers.CharField()
    value = serializers.JSONField(allow_null=True)
    description = serializers.CharField(allow_blank=True)
    category = serializers.CharField()


class ConfigurationListOutput(serializers.Serializer):
    configurations = ConfigurationOutput(many=True)
    total = serializers.IntegerField()


class ConfigurationListQuery(serializers.Serializer):
    category = serializers.CharField(required=False, allow_blank=True, max_length=50,
                                     help_text="only this category; empty for all")


class ConfigurationCreateInput(serializers.Serializer):
    value = serializers.JSONField(allow_null=True, help_text="any JSON value")
    description = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    category = serializers.CharField(required=False)


class ConfigurationUpdateInput(serializers.Serializer):
    value = serializers.JSONField(required=False, allow_null=True, help_text="any JSON value")
    description = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    category = serializers.CharField(required=False)


class ConfigurationDeletedOutput(serializers.Serializer):
    message = serializers.CharField()


class BulkItemInput(serializers.Serializer):
    key = serializers.CharField()
    value = serializers.JSONField(allow_null=True)


class BulkUpdateInput(serializers.Serializer):
    """`{"configurations": [{key, value}]}`, or the older form `{key: value, ...}`."""

    configurations = BulkItemInput(many=True, allow_empty=False)

    def to_internal_value(self, data):
        if isinstance(data, dict) and not isinstance(data.get("configurations"), list):
            data = {"configurations": [{"key": key, "value": value} for key, value in data.items()]}
        return super().to_internal_value(data)


class BulkUpdatedItem(serializers.Serializer):
    key = serializers.CharField()
    success = serializers.BooleanField()
    data = ConfigurationOutput()


class BulkErrorItem(serializers.Serializer):
    key = serializers.CharField()
    success = serializers.BooleanField()
    error = serializers.CharField()


class BulkResult(serializers.Serializer):
    updated = BulkUpdatedItem(many=True)
    errors = BulkErrorItem(many=True)
    total_updated = serializers.IntegerField()
    total_errors = serializers.IntegerField()


class BulkUpdateOutput(serializers.Serializer):
    success = serializers.BooleanField()
    message = serializers.CharField()
    data = BulkResult()
