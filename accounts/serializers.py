from rest_framework import serializers


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
