"""A worker process of a large spreadsheet import (intake.services): it sets Django up itself,
so this module imports no model until then.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing.util
import signal
from typing import Any

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def start(database_name: str, language: str | None) -> None:
    _die_with_parent()
    import django

    django.setup()
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.utils import translation

    connections[DEFAULT_DB_ALIAS].settings_dict["NAME"] = database_name  # a test database too
    if language:
        translation.activate(language)
    multiprocessing.util.Finalize(None, connections.close_all, exitpriority=10)


def _die_with_parent() -> None:
    """A worker killed in the middle of an import takes its import processes with it (Linux):
    their open chunks roll back, and the worker that takes the import up redoes them, instead of
    orphans committing behind its back and then waiting for work for ever."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def import_chunk(batch_pk: int, actor_pk: int, number: int, households: list[list[Any]]) -> int:
    """Import chunk `number` of the batch in its own transaction (services._import_chunk); the
    number of rows."""
    from safepassage.accounts.models import User
    from safepassage.intake.models import ImportBatch
    from safepassage.intake.services import _import_chunk

    batch = ImportBatch.objects.select_related("organisation").get(pk=batch_pk)
    _import_chunk(User.objects.get(pk=actor_pk), batch, number, households, None)
    return sum(len(rows) for rows in households)
