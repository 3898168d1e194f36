"""Writing many rows at once without Django's per-value compiler work: a registration batch
writes dozens of index, feature and reference rows per person, and bulk_create spent more time
building and preparing them than the database spent storing them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, connections, models

M = TypeVar("M", bound=models.Model)

# From this many rows on, PostgreSQL receives a COPY; fewer go in one multi-row INSERT, which
# takes one round trip instead of two (a registration from the API or the form writes some
# twenty small sets of rows: 2 rows by COPY 169 µs, by INSERT 85 µs, measured with psycopg).
COPY_FROM_ROWS = 50

# Fields whose Python value (an int or a str) is already what the database stores: preparing
# them only converts a value to its own type. Exact types, so a subclass with its own
# preparation (an encrypted field, say) is always prepared.
_PLAIN_FIELDS: frozenset[type[models.Field[Any, Any]]] = frozenset({
    models.AutoField, models.BigAutoField, models.IntegerField, models.BigIntegerField,
    models.SmallIntegerField, models.PositiveIntegerField, models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField, models.CharField,
})


def _column(field: models.Field[Any, Any]) -> str:
    if field.column is None:  # a many-to-many field, say: nothing to insert into
        raise ValueError(f"{field.name} has no column of its own")
    return field.column


def _is_plain(field: models.Field[Any, Any]) -> bool:
    if isinstance(field, models.ForeignKey) and type(field) in {models.ForeignKey,
                                                                 models.OneToOneField}:
        return _is_plain(field.target_field)
    return type(field) in _PLAIN_FIELDS


def insert_rows(model: type[models.Model], fields: Sequence[str],
                rows: Iterable[Sequence[Any]]) -> int:
    """Insert rows of values, one per name in `fields` (a foreign key by its name, given the
    related id), into the model's table; the number inserted.

    Every value that needs it goes through its field's `get_db_prep_save`, as in `save()`: an
    encrypted field is encrypted, a JSON field serialised, a date adapted. PostgreSQL receives
    one COPY (a few rows: one INSERT), other databases one executemany. A broken constraint
    raises Django's IntegrityError, as bulk_create would.
    """
    return _write_rows(model, fields, rows)[0]


def _write_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]],
                *, returning: str = "") -> tuple[int, list[Any]]:
    """insert_rows, and with `returning` (a column; PostgreSQL, fewer than COPY_FROM_ROWS rows)
    that column of each row written, in the order of the rows."""
    connection = connections[DEFAULT_DB_ALIAS]
    meta = model._meta
    # Concrete fields by name (get_field could also give a relation's reverse side).
    model_fields = [cast("models.Field[Any, Any]", meta.get_field(name)) for name in fields]
    preparers: list[Callable[..., Any] | None] = [
        None if _is_plain(field) else field.get_db_prep_save for field in model_fields
    ]
    prepared = (
        [value if prepare is None else prepare(value, connection)
         for prepare, value in zip(preparers, row, strict=True)]
        for row in rows
    )
    first = next(prepared, None)
    if first is None:
        return 0, []
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(_column(field)) for field in model_fields)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            placeholders = ", ".join(["%s"] * len(model_fields))
            values = [first, *prepared]
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608
                values,
            )
            return len(values), []
        head = [first, *itertools.islice(prepared, COPY_FROM_ROWS - 1)]
        if len(head) < COPY_FROM_ROWS:
            row = "(" + ", ".join(["%s"] * len(model_fields)) + ")"
            sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(head))}"  # noqa: S608
            cursor.execute(sql + (f" RETURNING {quote(returning)}" if returning else ""),
                           [value for values in head for value in values])
            return len(head), [found[0] for found in cursor.fetchall()] if returning else []
        assert not returning, "RETURNING is for fewer than COPY_FROM_ROWS rows"
        # Rows are prepared as they are sent: PostgreSQL stores the first ones while the
        # next ones are encrypted, on the other core.
        count = 0
        with connection.wrap_database_errors, cursor.cursor.copy(
                f"COPY {table} ({columns}) FROM STDIN") as copy:
            for values in itertools.chain(head, prepared):
                copy.write_row(values)
                count += 1
    return count, []


def draw_keys(objects: Sequence[models.Model]) -> bool:
    """Give new objects of one model their primary keys before they are written, drawn from
    the table's sequence in one query, so that rows written together can point at each other
    (a household at its head, its people at the household) without an UPDATE afterwards.
    PostgreSQL only: elsewhere the database gives keys at insert time; then nothing is done
    and the answer is False."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return False
    if not objects:
        return True
    meta = objects[0]._meta
    pk = meta.pk
    assert pk is not None and isinstance(pk, models.AutoField | models.BigAutoField)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, pk.column, len(objects)],
        )
        keys = [row[0] for row in cursor.fetchall()]
    for obj, key in zip(objects, keys, strict=True):
        obj.pk = key
    return True


def create_objects(objects: list[M]) -> list[M]:
    """bulk_create for many new objects of one model with an automatic primary key.

    On PostgreSQL the keys are drawn from the table's sequence in one query (draw_keys; unless
    they were drawn already) and the rows sent by one COPY (insert_rows), or, for a few rows
    without keys, written by one INSERT that returns their keys; elsewhere this is
    bulk_create itself. Either way each object has its primary key afterwards and fields such
    as auto_now_add are filled in as by save().
    """
    if not objects:
        return objects
    connection = connections[DEFAULT_DB_ALIAS]
    model = type(objects[0])
    if connection.vendor != "postgresql":
        return model._default_manager.bulk_create(objects)
    meta = model._meta
    pk = meta.pk
    assert pk is not None and isinstance(pk, models.AutoField | models.BigAutoField)
    fields = [f for f in meta.concrete_fields if f is not pk and not f.generated]
    pk_column = pk.column
    assert pk_column is not None
    if len(objects) < COPY_FROM_ROWS and all(obj.pk is None for obj in objects):
        # A few rows (a registration's case, history, audit entry, messages): their keys come
        # back from the INSERT itself, one round trip instead of two.
        _count, keys = _write_rows(
            model, [f.name for f in fields],
            ([f.pre_save(obj, True) for f in fields] for obj in objects), returning=pk_column)
        for obj, key in zip(objects, keys, strict=True):
            obj.pk = key
    else:
        if any(obj.pk is None for obj in objects):
            draw_keys(objects)
        insert_rows(model, [pk.name, *(f.name for f in fields)],
                    ([obj.pk, *(f.pre_save(obj, True) for f in fields)] for obj in objects))
    for obj in objects:
        obj._state.adding, obj._state.db = False, DEFAULT_DB_ALIAS
    return objects
