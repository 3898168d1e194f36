"""The duplicate checker of a web process: one thread, woken after each commit of a small
registration, works the pending checks until none is left, at a lower CPU priority than the
threads answering requests. Nothing is lost if the process dies: the pending rows stay, for the
next wake, `safepassage check-duplicates` or the next full linkage run.

At exit the process waits for the check in hand (a fraction of a second): a daemon thread left
inside DuckDB's C++ when Python finalises aborts the whole process ("exception not rethrown")."""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import threading

from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)

_wakeup = threading.Event()
_stopping = threading.Event()
_lock = threading.Lock()
_thread: threading.Thread | None = None


def wake() -> None:
    """Start the checker if this process has none running, and tell it there is work."""
    global _thread
    with _lock:
        if _stopping.is_set():
            return
        if _thread is None or not _thread.is_alive():
            if _thread is None:
                atexit.register(stop)
            _thread = threading.Thread(target=_work, name="duplicate-checks", daemon=True)
            _thread.start()
    _wakeup.set()


def stop(timeout: float = 30) -> None:
    """Let the check in hand finish, then end the thread."""
    _stopping.set()
    _wakeup.set()
    thread = _thread
    if thread is not None and thread is not threading.current_thread():
        thread.join(timeout)


def _lower_priority() -> None:
    # Linux schedules threads on their own: nice this one, not the whole process.
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


def _work() -> None:
    from safepassage.linkage import services

    _lower_priority()
    while not _stopping.is_set():
        _wakeup.wait()
        _wakeup.clear()
        try:
            close_old_connections()
            while not _stopping.is_set() and services.run_pending_checks(
                    limit=services.CHECKS_PER_PASS):
                pass
        except Exception as exc:  # keep the thread; the checks stay pending for the next wake
            logger.error("duplicate checks stopped on %s; they stay pending",
                         type(exc).__name__)
        finally:
            connection.close()
