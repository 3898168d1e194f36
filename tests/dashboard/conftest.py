from typing import Any

import pytest


@pytest.fixture(autouse=True)
def fresh_figures(settings: Any) -> None:
    """Every page view recomputes the figures, so each test sees the data it just made."""
    settings.DASHBOARD_MAX_AGE_SECONDS = 0
