"""Data key rotation: every encrypted value re-written under the primary key, in batches.

Reads never stop: the keyring keeps the old keys until no value uses them any more.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator

from django.apps import apps
from django.db import connection, models, transaction

from safepassage.protection.cipher import key_id_of
from safepassage.protection.fields import EncryptedTextField

BATCH = 1000


def encrypted_columns() -> Iterator[tuple[type[models.Model], list[str]]]:
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            yield model, names


def reencrypt_all(*, progress: Callable[[str, int], None] | None = None) -> int:
    """Re-write every encrypted value under the primary key; returns the rows re-written."""
    total = 0
    for model, names in encrypted_columns():
        last_pk = 0
        while True:
            with transaction.atomic():
                rows = list(
                    model._default_manager.select_for_update()
                    .filter(pk__gt=last_pk)
                    .order_by("pk")[:BATCH]
                )
                if not rows:
                    break
                model._default_manager.bulk_update(rows, names)
            last_pk = rows[-1].pk
            total += len(rows)
            if progress:
                progress(model._meta.label, len(rows))
    return total


def key_usage() -> Counter[str]:
    """How many stored values each key id encrypts, read from the raw columns."""
    usage: Counter[str] = Counter()
    with connection.cursor() as cursor:
        for model, names in encrypted_columns():
            table = connection.ops.quote_name(model._meta.db_table)
            for name in names:
                column = connection.ops.quote_name(name)  # encrypted fields keep their name
                cursor.execute(
                    f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL AND {column} <> ''"  # noqa: S608
                )
                for (value,) in cursor.fetchall():
                    usage[key_id_of(value)] += 1
    return usage
