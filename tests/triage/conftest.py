"""Every triage test starts with the shipped default rules in force, as after `migrate`.

A transactional test elsewhere flushes the database, data migrations included; this puts the
default rules back when they are missing, through the same import a supervisor would use.
"""

from __future__ import annotations

from typing import Any

import pytest

from safepassage.accounts import permissions
from safepassage.triage import selectors, services


@pytest.fixture(autouse=True)
def default_rules_in_force(db: Any) -> None:
    if selectors.active_rule_set() is None:
        services.import_rule_set(actor=permissions.OPERATOR, publish=True,
                                 text=services.DEFAULT_RULES_FILE.read_text(encoding="utf-8"))
