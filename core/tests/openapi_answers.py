"""Holds each API answer against the OpenAPI schema the server publishes (`/openapi.json`).

`check(method, path, status, body)` finds the operation the path and method name, and the
schema of the answer's status, and raises `AnswerBreaksSchema` when the JSON body does not
match it. Answers of paths, methods or statuses the schema does not declare, and empty ones,
are not checked. The root conftest runs every answer of the test client through it.
"""

import json
import re
import threading
from functools import cache

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match


class AnswerBreaksSchema(AssertionError):
    pass


def _json_schema(node):
    """OpenAPI 3.0 schema objects as JSON Schema: `nullable: true` becomes a null alternative."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        if "enum" in converted and None not in converted["enum"]:
            converted["enum"] = [*converted["enum"], None]
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


_generating = threading.Lock()


@cache
def _document() -> dict:
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    # drf-spectacular's generation is not thread-safe: tests that race requests in threads
    # must not build it at once.
    with _generating:
        schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema))


@cache
def _routes() -> list[tuple[re.Pattern, str]]:
    """(pattern, schema path), literal paths before templated ones (`/scoreboard/latest`
    before `/scoreboard/{snapshot_id}`)."""
    paths = sorted(_document()["paths"], key=lambda path: (path.count("{"), path))
    return [(re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$"), path)
            for path in paths]


@cache
def _validator(path: str, method: str, status: str) -> Draft202012Validator | None:
    operation = _document()["paths"][path].get(method)
    answer = (operation or {}).get("responses", {}).get(status, {})
    schema = answer.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return None
    components = _json_schema(_document().get("components", {}))
    # Formats are checked: the schema tells an empty e-mail (maxLength 0) from a real one by format.
    return Draft202012Validator({"components": components, **_json_schema(schema)},
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_path(path: str) -> str | None:
    path = path.split("?", 1)[0]
    if path.startswith("/api/v1/v1/"):
        path = "/api/v1/" + path[len("/api/v1/v1/"):]
    if len(path) > 1:
        path = path.rstrip("/")
    for pattern, templated in _routes():
        if pattern.match(path):
            return templated
    return None


def operations() -> list[tuple[str, str]]:
    """(METHOD, schema path) of every operation the schema declares."""
    return [(method.upper(), path) for path, methods in _document()["paths"].items()
            for method in methods]


def check(method: str, path: str, status: int, body: bytes, content_type: str) -> bool:
    """Raises AnswerBreaksSchema on a mismatch; answers whether the body was checked."""
    templated = schema_path(path)
    if templated is None or not body or not content_type.startswith("application/json"):
        return False
    validator = _validator(templated, method.lower(), str(status))
    if validator is None:
        return False
    instance = json.loads(body)
    error = best_match(validator.iter_errors(instance))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "(the answer)"
        raise AnswerBreaksSchema(
            f"{method} {path} answered {status} with a body the OpenAPI schema of "
            f"{method} {templated} does not allow, at {where}: {error.message}")
    return True
