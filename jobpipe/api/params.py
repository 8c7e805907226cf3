"""Query-string and body parsing with precise errors (400 with a code, never a 500)."""

from __future__ import annotations

import json
import uuid

from django.http import HttpRequest

from jobpipe.api.responses import ApiError

TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
# PostgreSQL's bigint: every id and offset must fit, or the query itself fails.
BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1
INT_MAX = 2**31 - 1  # a PostgreSQL integer column (cadence_minutes)


def integer(
    request: HttpRequest,
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(
            400, f"invalid_{name}", f"{name} must be a whole number, got {raw!r}"
        ) from None
    low = BIGINT_MIN if minimum is None else minimum
    high = BIGINT_MAX if maximum is None else maximum
    if not low <= value <= high:
        raise ApiError(
            400, f"invalid_{name}", f"{name} must be between {low} and {high}, got {value}"
        )
    return value


def boolean(request: HttpRequest, name: str, default: bool) -> bool:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in TRUE:
        return True
    if raw.lower() in FALSE:
        return False
    raise ApiError(400, f"invalid_{name}", f"{name} must be true or false, got {raw!r}")


def choice(request: HttpRequest, name: str, choices: list[str]) -> str | None:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return None
    if raw not in choices:
        raise ApiError(
            400, f"invalid_{name}", f"{name} must be one of {', '.join(choices)}, got {raw!r}"
        )
    return raw


def as_id(value: object) -> int | None:
    """A JSON whole number (`7` or `7.0`, as JSON Schema counts integers) that fits a bigint
    id, as an int; None for anything else, true and false included."""
    if type(value) is float and value.is_integer():
        value = int(value)
    if type(value) is int and BIGINT_MIN <= value <= BIGINT_MAX:
        return value
    return None


def storable(text: str) -> bool:
    """Whether PostgreSQL can hold `text`: no NUL byte, and encodable as UTF-8."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def uuid_value(raw: str, name: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ApiError(400, f"invalid_{name}", f"{name} must be a UUID, got {raw!r}") from None


def json_body(request: HttpRequest, fields: tuple[str, ...]) -> dict:
    """The JSON object body; a key outside `fields` (a misspelt option) is a 400."""
    if not request.body:
        return {}
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "invalid_json", f"the body is not valid JSON: {exc}") from None
    except RecursionError:
        raise ApiError(400, "invalid_json", "the body's JSON is nested too deeply") from None
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_json", "the body must be a JSON object")
    unknown = sorted(set(body) - set(fields))
    if unknown:
        raise ApiError(
            400,
            "unknown_field",
            f"unknown field(s) {', '.join(map(repr, unknown))}; known: {', '.join(fields)}",
        )
    return body
