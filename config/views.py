from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsWriter, ReadAnyWriteEditor
from config import selectors, services
from config.serializers import (
    BulkUpdateInput,
    BulkUpdateOutput,
    ConfigurationCreateInput,
    ConfigurationDeletedOutput,
    ConfigurationListOutput,
    ConfigurationListQuery,
    ConfigurationOutput,
    ConfigurationUpdateInput,
)
from core.errors import NotFound

TAGS = ["configuration"]


def _listing(rows: list[dict]) -> dict:
    return ConfigurationListOutput({"configurations": rows, "total": len(rows)}).data


def _entry(configuration) -> dict:
    return ConfigurationOutput(configuration).data


class ConfigurationListView(APIView):
    @extend_schema(parameters=[ConfigurationListQuery], responses=ConfigurationListOutput,
                   tags=TAGS, operation_id="configuration_list")
    def get(self, request):
        query = ConfigurationListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(_listing(selectors.configuration_list(
            category=query.validated_data.get("category") or None)))


class ConfigurationCategoryView(APIView):
    @extend_schema(responses=ConfigurationListOutput, tags=TAGS,
                   operation_id="configuration_category_list")
    def get(self, request, category: str):
        return Response(_listing(selectors.configuration_list(category=category)))


class ConfigurationDetailView(APIView):
    permission_classes = [ReadAnyWriteEditor]

    @extend_schema(responses=ConfigurationOutput, tags=TAGS, operation_id="configuration_retrieve")
    def get(self, request, key: str):
        row = selectors.configuration_get(key=key)
        if row is None:
            raise NotFound(f"Configuration '{key}' not found.")
        return Response(_entry(row))

    @extend_schema(request=ConfigurationCreateInput, responses={201: ConfigurationOutput},
                   tags=TAGS, operation_id="configuration_create")
    def post(self, request, key: str):
        body = ConfigurationCreateInput(data=request.data)
        body.is_valid(raise_exception=True)
        configuration = services.configuration_create(key=key, **body.validated_data)
        return Response(_entry(configuration), status=status.HTTP_201_CREATED)

    @extend_schema(request=ConfigurationUpdateInput, responses=ConfigurationOutput, tags=TAGS,
                   operation_id="configuration_update")
    def put(self, request, key: str):
        body = ConfigurationUpdateInput(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(_entry(services.configuration_update(key=key, **body.validated_data)))

    @extend_schema(responses={200: ConfigurationDeletedOutput}, tags=TAGS,
                   operation_id="configuration_delete")
    def delete(self, request, key: str):
        services.configuration_delete(key=key)
        return Response({"message": f"Configuration '{key}' deleted successfully."})


class ConfigurationBulkUpdateView(APIView):
    permission_classes = [IsWriter]

    @extend_schema(
        request=BulkUpdateInput, responses=BulkUpdateOutput, tags=TAGS,
        operation_id="configuration_bulk_update",
        description="Sets each key on its own and reports per-key errors. The body is "
                    '`{"configurations": [{"key", "value"}]}` or `{"<key>": <value>, ...}`.',
    )
    def post(self, request):
        body = BulkUpdateInput(data=request.data)
        body.is_valid(raise_exception=True)
        result = services.configuration_bulk_update(values=[
            (item["key"], item["value"]) for item in body.validated_data["configurations"]])
        if result["total_errors"]:
            message = (f"Updated {result['total_updated']} configurations with "
                       f"{result['total_errors']} errors.")
        else:
            message = f"Successfully updated {result['total_updated']} configurations."
        return Response(BulkUpdateOutput({
            "success": result["total_errors"] == 0, "message": message, "data": result}).data)
