"""Environment readers that fail loudly on values they cannot understand."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"Unexpected value {name}={raw!r}, use 'true' or 'false'")


def envint(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"Unexpected value {name}={raw!r}, use a whole number") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"Unexpected value {name}={raw!r}, must be >= {minimum}")
    return value


def envrate(name: str, default: float) -> float:
    """A fraction between 0 and 1 (a failure-rate threshold)."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"Unexpected value {name}={raw!r}, use a number") from None
    if not 0 <= value <= 1:
        raise ImproperlyConfigured(f"Unexpected value {name}={raw!r}, must be between 0 and 1")
    return value


def envchoice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name) or default
    if value not in choices:
        raise ImproperlyConfigured(
            f"Unexpected value {name}={value!r}, use one of: {', '.join(choices)}"
        )
    return value


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envjson_object(name: str) -> dict:
    """A JSON object (e.g. per-provider limits); unset or empty is {}."""
    import json

    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return {}
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ImproperlyConfigured(f"{name} must be a JSON object, got {raw!r}")
    return value
