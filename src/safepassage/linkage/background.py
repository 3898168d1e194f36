"""The duplicate checker of a web process: one thread, woken after each commit of a small
registration, works the pending checks until none is left, at a lower CPU priority than the
threads answering requests. Nothing is lost if the process dies: the pending rows stay, for the
next wake, `safepassage check-duplicates` or the next full linkage run."""

from __future__ import annotations

import contextlib
import logging
import os
import threading

from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)

# Checks per transaction round before the thread looks at its connection again.
ROUND = 20

_wakeup = threading.Event()
_lock = threading.Lock()
_thread: threading.Thread | None = None


def wake() -> None:
    """Start the checker if this process has none running, and tell it there is work."""
    global _thread
    with _lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_work, name="duplicate-checks", daemon=True)
            _thread.start()
    _wakeup.set()


def _lower_priority() -> None:
    # Linux schedules threads on their own: nice this one, not the whole process.
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


def _work() -> None:
    from safepassage.linkage import services

    _lower_priority()
    while True:
        _wakeup.wait()
        _wakeup.clear()
        try:
            close_old_connections()
            while services.run_pending_checks(limit=ROUND) == ROUND:
                close_old_connections()
        except Exception as exc:  # keep the thread; the checks stay pending for the next wake
            logger.error("duplicate checks stopped on %s; they stay pending",
                         type(exc).__name__)
        finally:
            connection.close()
