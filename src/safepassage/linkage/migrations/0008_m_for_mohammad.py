"""Features and blocking keys of the persons registered before, computed again: a lone M in a
given name of two words or more is read as Mohammad ("M. Asif" meets "Mohammad Asif"), and so are
Mohammed and Mohamed; 1 Hamal, like 1 January, is read as a year only. Same recompute as linkage
0006 (`linkage.services.recompute_all_features` on a running system)."""

from __future__ import annotations

import importlib

from django.db import migrations

_0006 = importlib.import_module("safepassage.linkage.migrations.0006_name_keys_of_issue_21")


class Migration(migrations.Migration):
    dependencies = [("linkage", "0007_short_forms_and_german_y")]

    operations = [migrations.RunPython(_0006.recompute, migrations.RunPython.noop)]
