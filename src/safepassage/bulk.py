"""Writing many rows at once without Django's per-value compiler work: a registration batch
writes dozens of index, feature and reference rows per person, and bulk_create spent more time
building and preparing them than the database spent storing them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models

M = TypeVar("M", bound=models.Model)

# Fields whose Python value (an int or a str) is already what the database stores: preparing
# them only converts a value to its own type. Exact types, so a subclass with its own
# preparation (an encrypted field, say) is always prepared.
_PLAIN_FIELDS: frozenset[type[models.Field[Any, Any]]] = frozenset({
    models.AutoField, models.BigAutoField, models.IntegerField, models.BigIntegerField,
    models.SmallIntegerField, models.PositiveIntegerField, models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField, models.CharField,
})


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
    one COPY, other databases one executemany. A broken constraint raises Django's
    IntegrityError, as bulk_create would.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    meta = model._meta
    model_fields = [meta.get_field(name) for name in fields]
    preparers: list[Callable[..., Any] | None] = [
        None if _is_plain(field) else field.get_db_prep_save  # type: ignore[union-attr, arg-type]
        for field in model_fields
    ]
    prepared = (
        [value if prepare is None else prepare(value, connection)
         for prepare, value in zip(preparers, row, strict=True)]
        for row in rows
    )
    first = next(prepared, None)
    if first is None:
        return 0
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(field.column) for field in model_fields)  # type: ignore[union-attr, arg-type]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            placeholders = ", ".join(["%s"] * len(model_fields))
            values = [first, *prepared]
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608
                values,
            )
            return len(values)
        # Rows are prepared as they are sent: PostgreSQL stores the first ones while the
        # next ones are encrypted, on the other core.
        count = 1
        with connection.wrap_database_errors, cursor.cursor.copy(
                f"COPY {table} ({columns}) FROM STDIN") as copy:
            copy.write_row(first)
            for values in prepared:
                copy.write_row(values)
                count += 1
    return count


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
    they were drawn already) and the rows sent by one COPY (insert_rows); elsewhere this is
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
    if any(obj.pk is None for obj in objects):
        draw_keys(objects)
    insert_rows(model, [pk.name, *(f.name for f in fields)],
                ([obj.pk, *(f.pre_save(obj, True) for f in fields)] for obj in objects))
    for obj in objects:
        obj._state.adding, obj._state.db = False, DEFAULT_DB_ALIAS
    return objects
