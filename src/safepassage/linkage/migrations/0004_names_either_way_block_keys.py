"""Block keys on given and family name in either order with the birth date
(features.NAMES_EITHER_WAY) for the persons registered before, so that the instant check finds
a person registered again with the two names swapped."""

from __future__ import annotations

import importlib
from typing import Any

from django.db import migrations

_0003 = importlib.import_module(
    "safepassage.linkage.migrations.0003_family_and_birth_day_block_keys"
)


def add_keys(apps: Any, schema_editor: Any) -> None:
    from safepassage.linkage.features import NAMES_EITHER_WAY

    _0003.add_keys_starting_with(apps, NAMES_EITHER_WAY + "=")


class Migration(migrations.Migration):
    dependencies = [("linkage", "0003_family_and_birth_day_block_keys")]

    operations = [migrations.RunPython(add_keys, migrations.RunPython.noop)]
