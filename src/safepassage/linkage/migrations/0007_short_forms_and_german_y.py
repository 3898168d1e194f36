"""Features and blocking keys of the persons registered before, computed again: the skeleton
reads a j as a German y (Jalda and Yalda, Zajnab and Zaynab meet) and each person now carries
the short form of a compound given name (`given_part`: Rahman of Abdul Rahman). Same recompute
as linkage 0006 (`linkage.services.recompute_all_features` on a running system)."""

from __future__ import annotations

import importlib

from django.db import migrations

_0006 = importlib.import_module("safepassage.linkage.migrations.0006_name_keys_of_issue_21")


class Migration(migrations.Migration):
    dependencies = [("linkage", "0006_name_keys_of_issue_21")]

    operations = [migrations.RunPython(_0006.recompute, migrations.RunPython.noop)]
