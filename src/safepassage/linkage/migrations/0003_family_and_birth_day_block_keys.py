"""Block keys on family name and birth day (features.BLOCKING_KEYS gained them) for the persons
registered before, so that the instant check finds them through the new key too."""

from __future__ import annotations

from typing import Any

from django.db import migrations

NEW_KEY = ("family_skel", "dob_year", "dob_month", "dob_day")


def add_keys(apps: Any, schema_editor: Any) -> None:
    add_keys_starting_with(apps, "|".join(NEW_KEY) + "=")


def add_keys_starting_with(apps: Any, prefix: str) -> None:
    """Store, for every person's features, the blocking keys whose text begins with `prefix`
    (a key that features.blocking_key_values gained after they were registered)."""
    from safepassage.linkage.features import blocking_key_values
    from safepassage.linkage.services import _digest

    person_features = apps.get_model("linkage", "PersonFeatures")
    block_key = apps.get_model("linkage", "BlockKey")
    batch = []
    for row in person_features.objects.iterator(chunk_size=5000):
        batch += [block_key(person_id=row.person_id, digest=_digest(value))
                  for value in blocking_key_values(row.data) if value.startswith(prefix)]
        if len(batch) >= 5000:
            block_key.objects.bulk_create(batch)
            batch = []
    block_key.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("linkage", "0002_pending_check")]

    operations = [migrations.RunPython(add_keys, migrations.RunPython.noop)]
