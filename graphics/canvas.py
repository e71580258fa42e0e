"""The canvas of a graphic (DESIGN 7.1): its shape checked, its size bounded."""

import json

from django.conf import settings
from django.core.exceptions import ValidationError

from core.errors import PayloadTooLarge
from core.input import refuse_unstorable

ELEMENT_TYPES = ("text", "players", "scores", "placements")
LIST_TYPES = ("players", "scores", "placements")
# A canvas holds at most this many elements; a refusal lists at most this many errors.
CANVAS_MAX_ELEMENTS = 2000
CANVAS_MAX_ERRORS = 50


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _element_errors(index: int, element) -> dict[str, list[str]]:
    prefix = f"data_json.elements[{index}]"
    if not isinstance(element, dict):
        return {prefix: ["must be an object"]}
    errors: dict[str, list[str]] = {}
    if not isinstance(element.get("id"), (str, int)) or isinstance(element.get("id"), bool) \
            or element.get("id") == "":
        errors[f"{prefix}.id"] = ["is required (a string or a number)"]
    kind = element.get("type")
    if kind not in ELEMENT_TYPES:
        errors[f"{prefix}.type"] = [f"must be one of {', '.join(ELEMENT_TYPES)}"]
    for axis in ("x", "y"):
        if not _is_number(element.get(axis)):
            errors[f"{prefix}.{axis}"] = ["must be a number"]
    if kind == "text" and not isinstance(element.get("content"), str):
        errors[f"{prefix}.content"] = ["is required for a text element (a string)"]
    if kind in LIST_TYPES:
        if not _is_number(element.get("spacing")):
            errors[f"{prefix}.spacing"] = [f"is required for a {kind} element (a number)"]
        count = element.get("previewCount")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            errors[f"{prefix}.previewCount"] = [
                f"is required for a {kind} element (a whole number, 0 or more)"]
    return errors


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


# What a graphic created without a canvas (absent, null or {}) starts with.
EMPTY_CANVAS = {"background": None, "elements": []}


def canvas_clean(data) -> dict:
    """The canvas of DESIGN 7.1 from an object or a string holding JSON.

    Raises ValidationError naming each bad field, PayloadTooLarge beyond
    `GRAPHIC_DATA_MAX_BYTES` (measured as UTF-8 JSON). Unknown extra keys are kept.
    """
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data, parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as error:
            raise ValidationError({"data_json": [f"is not valid JSON ({error})"]})
    if not isinstance(data, dict):
        raise ValidationError({"data_json": ["must be a JSON object"]})
    refuse_unstorable(data, "data_json")
    elements = data.get("elements")
    if isinstance(elements, list) and len(elements) > CANVAS_MAX_ELEMENTS:
        # Refused before anything walks millions of elements.
        raise ValidationError({"data_json.elements": [
            f"has {len(elements)} elements; the limit is {CANVAS_MAX_ELEMENTS}"]})
    size = len(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())
    if size > settings.GRAPHIC_DATA_MAX_BYTES:
        raise PayloadTooLarge(
            f"data_json is {size} bytes; the limit is {settings.GRAPHIC_DATA_MAX_BYTES}.")
    errors: dict[str, list[str]] = {}
    background = data.get("background")
    if background is not None:
        if not isinstance(background, dict):
            errors["data_json.background"] = ["must be an object or null"]
        else:
            if "imageUrl" in background and not isinstance(background["imageUrl"], (str, type(None))):
                errors["data_json.background.imageUrl"] = ["must be a string"]
            for side in ("width", "height"):
                if side in background and background[side] is not None and (
                        not _is_number(background[side]) or background[side] <= 0):
                    errors[f"data_json.background.{side}"] = ["must be a positive number"]
    if not isinstance(elements, list):
        errors["data_json.elements"] = ["is required (a list of elements)"]
    else:
        unlisted = 0
        for index, element in enumerate(elements):
            found = _element_errors(index, element)
            room = CANVAS_MAX_ERRORS - len(errors)
            errors.update(list(found.items())[:max(room, 0)])
            unlisted += max(len(found) - max(room, 0), 0)
        if unlisted:
            errors["data_json"] = [f"and {unlisted} more errors"]
    if errors:
        raise ValidationError(errors)
    return data
