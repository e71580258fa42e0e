"""Log lines that carry no secrets and cannot be forged.

Tokens (the dashboard socket's `/api/v1/ws/<token>`, any JWT, `?token=`, `?key=` ...) are
replaced by `***`; control characters from requests (a `%0D%0A` in a path) are escaped, so one
request is one line. `SafeFormatter` applies both to every record the project logs; the
daphne access log gets the same through `core.server`.
"""

import logging
import re

MASK = "***"
_SOCKET_TOKEN = re.compile(r"(/ws/)(?!(?:dashboard|overlay|status)(?:[/?#\s\"]|$))[^/?#\s\"]+")
_SECRET_PARAMETER = re.compile(
    r"((?:[?&;]|%3[Ff]|%26)(?:token|key|access_token|refresh_token|overlay_key|password)"
    r"(?:=|%3[Dd]))[^&;\s\"]*",
    re.IGNORECASE,
)
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape_control(text: str) -> str:
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def mask_secrets(text: str) -> str:
    text = _JWT.sub(MASK, text)
    text = _SOCKET_TOKEN.sub(rf"\g<1>{MASK}", text)
    return _SECRET_PARAMETER.sub(rf"\g<1>{MASK}", text)


def log_safe(text: str) -> str:
    return mask_secrets(escape_control(text))


def _safe_argument(value):
    if isinstance(value, bytes):
        value = value.decode("utf-8", "backslashreplace")
    if isinstance(value, str):
        return escape_control(value)
    return value


class SafeFormatter(logging.Formatter):
    """Escapes control characters in a record's arguments and masks secrets in the line."""

    def format(self, record: logging.LogRecord) -> str:
        if isinstance(record.args, tuple):
            record.args = tuple(_safe_argument(argument) for argument in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _safe_argument(value) for key, value in record.args.items()}
        elif record.args is None or not record.args:
            record.msg = _safe_argument(record.msg) if isinstance(record.msg, str) else record.msg
        return mask_secrets(super().format(record))
