"""Inserting many rows at once: PostgreSQL's COPY, else Django's bulk_create.

bulk_create builds a model instance per row and compiles every value through its field
(get_db_prep_save, a placeholder each): for discovery's thousands of RunUrls, a run that
re-crawled nothing spent most of its CPU there. COPY takes the rows as text, a line each.
"""

from __future__ import annotations

import datetime
import functools
import io
import json
import re
from collections.abc import Callable, Mapping, Sequence

from django.db import connection, models
from django.db.models import NOT_PROVIDED

# COPY's text format: these characters are written as backslash escapes; NULL is \N.
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}  # the backslash first
_SPECIAL = re.compile(r"[\\\t\n\r]")
_VARCHAR = re.compile(r"^varchar\(\d+\)$")


def insert_rows(model: type[models.Model], rows: Sequence[Mapping[str, object]]) -> None:
    """Insert `rows` ({field attname: value}, every row the same keys) into `model`'s table in
    one statement, as `model.objects.bulk_create` would: a field a row leaves out gets its
    default, auto_now(_add) fields the time. The primary key is the rows' own when they give
    it, else the table numbers them (an auto primary key) and their ids are not returned."""
    if not rows:
        return
    given = list(rows[0])
    fields = {
        f.attname: f for f in model._meta.concrete_fields if not f.primary_key or f.attname in given
    }
    unknown = set(given) - set(fields)
    if unknown:
        raise ValueError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create([model(**row) for row in rows], batch_size=2000)
        return
    now = datetime.datetime.now(datetime.UTC)
    fixed = {  # the same for every row: written once (a database default: left to it)
        name: _text(_default(f, now), _json(f))
        for name, f in fields.items()
        if name not in given and (f.has_default() or f.db_default is NOT_PROVIDED)
    }
    is_json = [_json(fields[name]) for name in given]
    tail = "\t".join(fixed.values())
    text = io.StringIO()
    for row in rows:
        values = [_text(row[name], j) for name, j in zip(given, is_json, strict=True)]
        text.write("\t".join([*values, tail] if tail else values))
        text.write("\n")
    text.seek(0)
    columns = ", ".join(connection.ops.quote_name(fields[n].column) for n in [*given, *fixed])
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", text)


def _default(field: models.Field, now: datetime.datetime) -> object:
    """What bulk_create would write for a field a row leaves out."""
    if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
        return now
    if field.has_default() and callable(field.default):
        raise ValueError(f"{field.name}: a callable default differs per row; give it in each row")
    return field.get_default()


def _json(field: models.Field) -> Callable[[object], str] | None:
    """How a JSONField's value becomes its text (with the field's encoder); None otherwise."""
    if not isinstance(field, models.JSONField):
        return None
    return functools.partial(json.dumps, cls=field.encoder)


def _text(value: object, dumps: Callable[[object], str] | None) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if dumps is not None:
        return _escaped(dumps(value))
    if type(value) is str:  # most values: checked first
        return _escaped(value)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.date):  # datetimes too: ISO 8601, with their offset
        return value.isoformat()
    return _escaped(str(value))


def _escaped(text: str) -> str:
    if not _SPECIAL.search(text):
        return text
    # str.replace runs in C at memory speed; translate's 1-to-2 mapping goes a char at a time
    for char, escape in _ESCAPES.items():
        text = text.replace(char, escape)
    return text


def update_rows(model: type[models.Model], rows: Sequence[Mapping[str, object]]) -> None:
    """Set each row's fields ({"id": primary key, field attname: value}, every row the same
    keys) on the row with that id, in one `UPDATE ... FROM (VALUES ...)` on PostgreSQL
    (Django's bulk_update builds a CASE per column and row, which cost more CPU than the fetch
    in a crawl batch's settle); elsewhere bulk_update."""
    if not rows:
        return
    pk = model._meta.pk
    fields = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
    names = [name for name in rows[0] if name != pk.attname]
    unknown = set(names) - set(fields)
    if unknown:
        raise ValueError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
    if connection.vendor != "postgresql":
        objs = [
            model(**{pk.attname: row[pk.attname], **{n: row[n] for n in names}}) for row in rows
        ]
        model._default_manager.bulk_update(objs, [fields[n].name for n in names])
        return
    from psycopg2.extras import execute_values

    quote = connection.ops.quote_name
    dumps = [_json(fields[name]) for name in names]
    values = [
        (
            row[pk.attname],
            *(
                dump(row[name]) if dump and row[name] is not None else row[name]
                for name, dump in zip(names, dumps, strict=True)
            ),
        )
        for row in rows
    ]
    # Each value cast to its column's type (VALUES has no types of its own); a varchar without
    # its length, so a value too long for the column is an error, not cut.
    casts = [
        _VARCHAR.sub("varchar", str(f.db_type(connection)))
        for f in (pk, *(fields[name] for name in names))
    ]
    template = "(" + ", ".join(f"%s::{cast}" for cast in casts) + ")"
    columns = [quote(fields[name].column) for name in names]
    sets = ", ".join(f"{column} = v.{column}" for column in columns)
    table, key = quote(model._meta.db_table), quote(pk.column)
    sql = (
        f"UPDATE {table} AS t SET {sets} "  # noqa: S608 - names are the model's, not input
        f"FROM (VALUES %s) AS v({key}, {', '.join(columns)}) WHERE t.{key} = v.{key}"
    )
    with connection.cursor() as cursor, connection.wrap_database_errors:
        execute_values(cursor.cursor, sql, values, template=template, page_size=1000)
