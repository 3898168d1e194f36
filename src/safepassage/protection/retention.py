"""Which data keys a retained backup was written under, read from the clear catalogue entry
each backup leaves beside its file (safepassage.operations.backups), so that rotating keys never
deletes a key a backup may still need, and without opening any backup."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.conf import settings


def retained_backups(*, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Catalogue entries of backups still on disk and inside their retention period."""
    moment = now or dt.datetime.now(dt.UTC)
    found = []
    for entry in sorted(Path(settings.BACKUP_DIR).glob("*.tar.age.json")):
        doc = json.loads(entry.read_text())
        if (entry.with_name(doc["file"]).exists()
                and dt.datetime.fromisoformat(doc["retained_until"]) > moment):
            found.append(doc)
    return found
