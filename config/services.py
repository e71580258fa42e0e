"""Every write to the configuration store.

Each write runs in its own transaction, publishes `configuration_update` to the dashboard and,
once committed, invalidates the configuration cache of every process.
"""

import json
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from config.models import Configuration
from config.selectors import configuration_cache_invalidate
from core.errors import Conflict, NotFound, PayloadTooLarge
from core.input import unstorable
from realtime.events import CONFIGURATION_UPDATE, DASHBOARD_GROUP, publish

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")
CATEGORY_PATTERN = re.compile(r"^[A-Za-z0-9_-]+$")
KEY_MAX_LENGTH = 100
CATEGORY_MAX_LENGTH = 50
DESCRIPTION_MAX_LENGTH = 500
VALUE_MAX_BYTES = 1024 * 1024
BULK_MAX_KEYS = 500
# Would be shadowed by the routes of the same name under /configuration/.
RESERVED_KEYS = {"bulk-update", "category"}
DEFAULT_CATEGORY = "general"


def configuration_key_validate(key: str) -> None:
    if not isinstance(key, str) or not key:
        raise ValidationError("A key is required.")
    if len(key) > KEY_MAX_LENGTH:
        raise ValidationError(f"A key has at most {KEY_MAX_LENGTH} characters.")
    if not KEY_PATTERN.match(key):
        raise ValidationError(
            f"'{key}' is not a valid key: use letters, digits, '_' and '-', optionally in "
            "dotted parts (e.g. overlay.theme).")
    if key in RESERVED_KEYS:
        raise ValidationError(f"'{key}' is reserved by the API; choose another key.")


def configuration_category_validate(category: str) -> None:
    if not isinstance(category, str) or not CATEGORY_PATTERN.match(category):
        raise ValidationError(
            f"'{category}' is not a valid category: use letters, digits, '_' and '-'.")
    if len(category) > CATEGORY_MAX_LENGTH:
        raise ValidationError(f"A category has at most {CATEGORY_MAX_LENGTH} characters.")


def configuration_description_validate(description: str) -> None:
    if not isinstance(description, str):
        raise ValidationError("A description is text.")
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise ValidationError(f"A description has at most {DESCRIPTION_MAX_LENGTH} characters.")


def configuration_value_validate(value: Any) -> None:
    """A value any JSON parser can read back (no NaN or Infinity), at most 1 MB encoded."""
    try:
        encoded = json.dumps(value, allow_nan=False).encode()
    except (TypeError, ValueError) as error:
        raise ValidationError(f"The value is not JSON: {error}.")
    found = unstorable(value)
    if found:
        raise ValidationError(f"{found[0]} {found[1]}." if found[0] != "body" else f"The value {found[1]}.")
    if len(encoded) > VALUE_MAX_BYTES:
        raise PayloadTooLarge(
            f"The value is {len(encoded)} bytes of JSON; the limit is {VALUE_MAX_BYTES}.")


def _check(field: str, validate, value) -> None:
    """Run a validator, naming the field in the error."""
    try:
        validate(value)
    except ValidationError as error:
        raise ValidationError({field: error.messages})


def _as_event(configuration: Configuration, action: str) -> dict:
    return {
        "action": action,
        "key": configuration.key,
        "value": configuration.value if action != "deleted" else None,
        "description": configuration.description,
        "category": configuration.category,
    }


def _changed(configuration: Configuration, action: str) -> None:
    publish(DASHBOARD_GROUP, CONFIGURATION_UPDATE, _as_event(configuration, action))
    transaction.on_commit(configuration_cache_invalidate)


def configuration_create(*, key: str, value: Any, description: str = "",
                         category: str = DEFAULT_CATEGORY) -> Configuration:
    """Store a new entry. Refuses a key that is not a (dotted) slug or is reserved, a bad
    category, an over-long description, a value that is not JSON (400) or over 1 MB (413),
    and a key that already exists (409). Publishes `configuration_update` (`created`)."""
    _check("key", configuration_key_validate, key)
    _check("category", configuration_category_validate, category)
    _check("description", configuration_description_validate, description)
    _check("value", configuration_value_validate, value)
    try:
        with transaction.atomic(durable=True):
            configuration = Configuration.objects.create(
                key=key, value=value, description=description, category=category)
            _changed(configuration, "created")
    except IntegrityError:
        raise Conflict(f"Configuration '{key}' already exists; update it with PUT.")
    return configuration


_UNCHANGED = object()


def configuration_update(*, key: str, value: Any = _UNCHANGED, description: str | None = None,
                         category: str | None = None) -> Configuration:
    """Change the value, description and/or category of an existing entry (404 when there is
    none). Validates what it is given as `configuration_create` does. Publishes
    `configuration_update` (`updated`)."""
    fields = []
    if value is not _UNCHANGED:
        _check("value", configuration_value_validate, value)
        fields.append("value")
    if description is not None:
        _check("description", configuration_description_validate, description)
        fields.append("description")
    if category is not None:
        _check("category", configuration_category_validate, category)
        fields.append("category")
    if not fields:
        raise ValidationError("Send at least one of value, description or category.")
    with transaction.atomic(durable=True):
        configuration = Configuration.objects.select_for_update().filter(key=key).first()
        if configuration is None:
            raise NotFound(f"Configuration '{key}' not found.")
        if value is not _UNCHANGED:
            configuration.value = value
        if description is not None:
            configuration.description = description
        if category is not None:
            configuration.category = category
        configuration.save(update_fields=[*fields, "updated_at"])
        _changed(configuration, "updated")
    return configuration


def configuration_delete(*, key: str) -> None:
    """Remove an entry (404 when there is none). Publishes `configuration_update`
    (`deleted`)."""
    with transaction.atomic(durable=True):
        configuration = Configuration.objects.select_for_update().filter(key=key).first()
        if configuration is None:
            raise NotFound(f"Configuration '{key}' not found.")
        configuration.delete()
        _changed(configuration, "deleted")


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return getattr(error, "detail", str(error))


def configuration_bulk_update(*, values: list[tuple[str, Any]]) -> dict:
    """Set the value of each existing key, each on its own: a key that fails (unknown key,
    value that is not JSON or too large) is reported and does not stop the others.
    Answers `{updated: [{key, success, data}], errors: [{key, success, error}], total_updated,
    total_errors}` where `data` is the stored entry."""
    if len(values) > BULK_MAX_KEYS:
        raise ValidationError(f"A bulk update holds at most {BULK_MAX_KEYS} keys.")
    updated, errors = [], []
    for key, value in values:
        try:
            configuration = configuration_update(key=key, value=value)
        except (ValidationError, NotFound, PayloadTooLarge) as error:
            errors.append({"key": key, "success": False, "error": _error_text(error)})
            continue
        updated.append({"key": key, "success": True, "data": {
            field: getattr(configuration, field) for field in ("key", "value", "description",
                                                               "category")}})
    return {"updated": updated, "errors": errors, "total_updated": len(updated),
            "total_errors": len(errors)}
