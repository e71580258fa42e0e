"""Input PostgreSQL cannot store: NUL characters, lone surrogates, NaN and Infinity.

PostgreSQL refuses `\\u0000` in text and jsonb, UTF-8 cannot encode a lone surrogate
(`\\ud800`), and jsonb has no NaN: each answered 500 when it reached the database. They are
refused at the edge instead, naming where they were found:

- `StrictJSONParser`, DRF's parser for every JSON body;
- `unstorable()`, for JSON that arrives as a string (a canvas or configuration value);
- `StorableInputMiddleware`, for the path and the query string (API and admin alike).
"""

import math
import re

from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest, JsonResponse
from rest_framework.parsers import JSONParser

from core.logs import escape_control

_UNSTORABLE_TEXT = re.compile(r"[\x00\ud800-\udfff]")


def _text_problem(text: str) -> str | None:
    found = _UNSTORABLE_TEXT.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "contains a NUL character (\\u0000), which cannot be stored"
    return "contains a lone surrogate (invalid Unicode), which cannot be stored"


def unstorable(value, path: str = "") -> tuple[str, str] | None:
    """`(path, problem)` of the first string, key or number in `value` that cannot be stored,
    or None. Paths read like the API's error fields: `data_json.elements[3].content`."""
    pending = [(value, path)]
    while pending:
        item, where = pending.pop()
        if isinstance(item, str):
            problem = _text_problem(item)
            if problem:
                return where or "body", problem
        elif isinstance(item, float):
            if not math.isfinite(item):
                return where or "body", f"is {item}, which JSON cannot hold"
        elif isinstance(item, dict):
            for key, child in item.items():
                key_text = str(key)
                child_path = f"{where}.{escape_control(key_text)}" if where else escape_control(key_text)
                problem = _text_problem(key_text)
                if problem:
                    return where or "body", f"has a key that {problem}"
                pending.append((child, child_path))
        elif isinstance(item, list):
            pending.extend((child, f"{where}[{index}]") for index, child in enumerate(item))
    return None


def refuse_unstorable(value, path: str = "") -> None:
    """Raises ValidationError naming the field when `value` holds what cannot be stored."""
    found = unstorable(value, path)
    if found:
        raise ValidationError({found[0]: [found[1]]})


class StrictJSONParser(JSONParser):
    """DRF's JSON parser (NaN and Infinity already refused) that also refuses NUL characters
    and lone surrogates anywhere in the body, naming the field."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        found = unstorable(data)
        if found:
            from rest_framework.exceptions import ValidationError as ApiValidationError

            raise ApiValidationError({found[0]: [found[1]]})
        return data


class StorableInputMiddleware:
    """A NUL character in the path or the query string answers 400 before any view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self.problem(request)
        if problem is None:
            return self.get_response(request)
        if request.path_info.startswith(("/api/", "/auth/")):
            return JsonResponse({"detail": problem, "code": "invalid_characters"}, status=400)
        return HttpResponseBadRequest(problem, content_type="text/plain; charset=utf-8")

    @staticmethod
    def problem(request) -> str | None:
        if _text_problem(request.path):
            return "The path contains a character that cannot be stored (NUL or a lone surrogate)."
        for name, values in request.GET.lists():
            for text in (name, *values):
                if _text_problem(text):
                    return (f"The query parameter {escape_control(name)!r} contains a character "
                            "that cannot be stored (NUL or a lone surrogate).")
        return None
