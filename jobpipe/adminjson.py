"""Admin display of JSON fields: indented and escaped in a <pre>, not one long line."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.utils.html import format_html
from django.utils.safestring import SafeString


def pretty_json(value: Any) -> SafeString | str:
    """`value` as indented JSON in <pre class="json">; format_html escapes it, so a crawled
    `<script>` in a payload shows as text."""
    if value is None:
        return "-"
    text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)
    return format_html('<pre class="json">{}</pre>', text)


def json_field(name: str) -> Callable[[Any, Any], SafeString | str]:
    """A read-only admin display of the JSON field `name`, under the field's own label: put
    `name` in `exclude` and the returned function in `readonly_fields` (as `<name>_json`)."""

    @admin.display(description=name.replace("_", " "))
    def show(model_admin: Any, obj: Any) -> SafeString | str:
        return pretty_json(getattr(obj, name))

    return show
