"""The configuration routes answer what `/openapi.json` says they answer."""

import jsonschema
import pytest

from config.tests.conftest import make_configuration

pytestmark = pytest.mark.django_db

ROUTES = {
    "/api/v1/configuration": {"get"},
    "/api/v1/configuration/{key}": {"get", "post", "put", "delete"},
    "/api/v1/configuration/category/{category}": {"get"},
    "/api/v1/configuration/bulk-update": {"post"},
}


@pytest.fixture(scope="module")
def openapi(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def json_schema(openapi: dict, schema: dict) -> dict:
    """An OpenAPI 3.0 schema as plain JSON Schema: references inlined, `nullable` as a type."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return json_schema(openapi, openapi["components"]["schemas"][name])
    converted = {}
    for name, value in schema.items():
        if name in ("properties", "patternProperties"):
            converted[name] = {key: json_schema(openapi, sub) for key, sub in value.items()}
        elif name in ("items", "additionalProperties") and isinstance(value, dict):
            converted[name] = json_schema(openapi, value)
        elif name in ("allOf", "anyOf", "oneOf"):
            converted[name] = [json_schema(openapi, sub) for sub in value]
        elif name != "nullable":
            converted[name] = value
    if schema.get("nullable"):
        converted = {"anyOf": [converted, {"type": "null"}]}
    return converted


def assert_matches(openapi: dict, path: str, method: str, response) -> None:
    operation = openapi["paths"][path][method]
    documented = operation["responses"][str(response.status_code)]
    schema = documented["content"]["application/json"]["schema"]
    jsonschema.validate(response.json(), json_schema(openapi, schema))


def test_every_configuration_route_is_listed(openapi):
    for path, methods in ROUTES.items():
        assert set(openapi["paths"][path]) >= methods, path
        for method in methods:
            assert openapi["paths"][path][method]["tags"] == ["configuration"]


def test_answers_match_the_schema(openapi, editor_api):
    make_configuration("overlay.theme", {"accent": "#ff0"}, category="overlay")
    make_configuration("sponsor", None, category="overlay", description="none yet")
    base = "/api/v1/configuration"

    calls = [
        ("/api/v1/configuration", "get", editor_api.get(base)),
        ("/api/v1/configuration", "get", editor_api.get(f"{base}?category=overlay")),
        ("/api/v1/configuration/category/{category}", "get",
         editor_api.get(f"{base}/category/overlay")),
        ("/api/v1/configuration/{key}", "get", editor_api.get(f"{base}/sponsor")),
        ("/api/v1/configuration/{key}", "post",
         editor_api.post(f"{base}/round_length", {"value": 30}, format="json")),
        ("/api/v1/configuration/{key}", "put",
         editor_api.put(f"{base}/sponsor", {"value": [1, "two"]}, format="json")),
        ("/api/v1/configuration/bulk-update", "post",
         editor_api.post(f"{base}/bulk-update", {"round_length": 40, "missing": 1},
                         format="json")),
        ("/api/v1/configuration/{key}", "delete", editor_api.delete(f"{base}/round_length")),
    ]

    for path, method, response in calls:
        assert response.status_code in (200, 201), (path, method, response.content)
        assert_matches(openapi, path, method, response)


def test_documented_request_bodies_accept_what_the_routes_accept(openapi):
    bodies = {
        ("/api/v1/configuration/{key}", "post"): {"value": {"a": 1}, "description": "d",
                                                  "category": "c"},
        ("/api/v1/configuration/{key}", "put"): {"value": None},
        ("/api/v1/configuration/bulk-update", "post"): {"configurations": [{"key": "k",
                                                                           "value": 1}]},
    }
    for (path, method), body in bodies.items():
        schema = openapi["paths"][path][method]["requestBody"]["content"]["application/json"]
        jsonschema.validate(body, json_schema(openapi, schema["schema"]))
