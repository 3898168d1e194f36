"""A worker process of a large spreadsheet import (intake.services): it sets Django up itself,
so this module imports no model until then.
"""

from __future__ import annotations

import multiprocessing.util
from typing import Any


def start(database_name: str, language: str | None) -> None:
    import django

    django.setup()
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.utils import translation

    connections[DEFAULT_DB_ALIAS].settings_dict["NAME"] = database_name  # a test database too
    if language:
        translation.activate(language)
    multiprocessing.util.Finalize(None, connections.close_all, exitpriority=10)


def import_chunk(batch_pk: int, actor_pk: int, households: list[list[Any]]) -> int:
    """Import one chunk of the batch in its own transaction (services._import_chunk); the
    number of rows."""
    from safepassage.accounts.models import User
    from safepassage.intake.models import ImportBatch
    from safepassage.intake.services import _import_chunk

    batch = ImportBatch.objects.select_related("organisation").get(pk=batch_pk)
    _import_chunk(User.objects.get(pk=actor_pk), batch, households, None)
    return sum(len(rows) for rows in households)
