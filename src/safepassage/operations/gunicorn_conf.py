"""gunicorn settings for production (`--config python:safepassage.operations.gunicorn_conf`).

Bound to the loopback address behind Caddy; no access log (the request log of
safepassage.operations.middleware says the same by view name, without paths or addresses).
"""

import os
import shutil
from pathlib import Path
from typing import Any

bind = os.environ.get("SAFEPASSAGE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("SAFEPASSAGE_WEB_WORKERS", "3"))
threads = int(os.environ.get("SAFEPASSAGE_WEB_THREADS", "4"))
timeout = int(os.environ.get("SAFEPASSAGE_WEB_TIMEOUT", "120"))
graceful_timeout = 30
accesslog = None
errorlog = "-"
forwarded_allow_ips = "127.0.0.1,::1"
proxy_allow_ips = "127.0.0.1,::1"


def on_starting(server: Any) -> None:
    # Counters of workers of an earlier run would be summed with this run's.
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder).mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]  # untyped in prometheus_client
