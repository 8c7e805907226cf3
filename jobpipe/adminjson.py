"""Admin display of JSON fields: indented and escaped in a <pre>, not one long line.

Two ways in. A read-only JSON field: exclude it and show `json_field(name)` in its place. A model
whose JSON fields some users may edit: `JSONFieldsAdmin`, which shows every JSON field indented
in a <pre> to whoever may only view the object, and as an indented textarea to whoever may
change it (Django's own admin gives both one long line)."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.fields import InvalidJSONInput
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


class IndentedJSONField(forms.JSONField):
    """The admin's JSON form field: the textarea holds indented JSON, and JSON nested too
    deeply for the parser is a form error, not a RecursionError (a 500)."""

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, InvalidJSONInput):
            return value
        return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, cls=self.encoder)

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except RecursionError:
            raise ValidationError("The JSON is nested too deeply.", code="invalid") from None

    def bound_data(self, data: Any, initial: Any) -> Any:
        try:
            return super().bound_data(data, initial)
        except RecursionError:
            return InvalidJSONInput(data)


# A URL typed without a scheme is https (Django 6's default; 5.2 warns until it is chosen).
HTTPS_URLS: dict[Any, dict[str, Any]] = {models.URLField: {"assume_scheme": "https"}}


def https_formfield(db_field: models.Field, **kwargs: Any) -> Any:
    """A ModelForm's formfield_callback: HTTPS_URLS for a form built outside the admin."""
    return db_field.formfield(**{**HTTPS_URLS.get(type(db_field), {}), **kwargs})


class JSONFieldsAdmin(admin.ModelAdmin):
    """A ModelAdmin whose JSON fields are indented both to read and to edit (see the module's
    docstring). A subclass's own `readonly_fields` and `exclude` are kept."""

    formfield_overrides = {
        **HTTPS_URLS,
        models.JSONField: {
            "form_class": IndentedJSONField,
            "widget": forms.Textarea(attrs={"class": "json", "rows": 16, "spellcheck": "false"}),
        },
    }

    def _json_names(self) -> list[str]:
        return [f.name for f in self.model._meta.fields if isinstance(f, models.JSONField)]

    def get_exclude(self, request: Any, obj: Any = None) -> Any:
        own = list(super().get_exclude(request, obj) or ())
        if self.has_change_permission(request, obj):
            return own or None
        return [*own, *self._json_names()]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        own = list(super().get_readonly_fields(request, obj))
        if self.has_change_permission(request, obj):
            return own
        return [*own, *(_shown(name) for name in self._json_names())]


@functools.cache
def _shown(name: str) -> Callable[[Any], SafeString | str]:
    """A readonly_fields callable showing the JSON field `name` indented; one per name, since
    the admin compares the callables of separate get_readonly_fields calls."""

    @admin.display(description=name.replace("_", " "))
    def show(obj: Any) -> SafeString | str:
        return pretty_json(getattr(obj, name))

    show.__name__ = f"{name}_json"  # the row's CSS class, field-<name>_json
    return show
