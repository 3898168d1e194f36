"""Log lines as JSON (time, level, logger, message, request id, acting user's id) or as text.

Only identifiers go into a log line: the request's id and the acting user's numeric id, never a
user name (staff names can identify people too), a person's name, phone, e-mail or document
number. Our code logs references and ids; this module adds the request's context to each line.
"""

from __future__ import annotations

import contextvars
import logging
from typing import Any

from pythonjsonlogger.json import JsonFormatter

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
user_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("user_id", default=None)


class RequestContext(logging.Filter):
    """Adds the current request's id and acting user's id to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        record.user_id = user_id.get()
        return True


class JsonLines(JsonFormatter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "fmt", "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s"
        )
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level",
                                            "name": "logger"})
        kwargs.setdefault("timestamp", False)
        super().__init__(*args, **kwargs)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        import datetime as dt

        moment = dt.datetime.fromtimestamp(record.created, dt.UTC)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
