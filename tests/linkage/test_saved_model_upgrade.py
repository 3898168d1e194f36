"""A model saved by version 1 (a swap of given and family names counted in both name
comparisons) is read with the swap counted once, without retraining; newer models as saved."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from safepassage.linkage import engine, services
from safepassage.linkage.models import LinkageModel

pytestmark = pytest.mark.django_db

VERSION_1 = json.loads((Path(__file__).parent / "model_version_1.json").read_text())


SWAP = "given and family names swapped"


def _weight(model: dict[str, Any], field: str, label: str = SWAP) -> float | None:
    for comparison in model["comparisons"]:
        if comparison["output_column_name"] == field:
            level = next(lv for lv in comparison["comparison_levels"]
                         if lv.get("label_for_charts") == label)
            m, u = level.get("m_probability"), level.get("u_probability")
            return math.log2(m / u) if m and u else None
    raise AssertionError(field)


def test_a_version_1_model_is_read_with_the_swap_counted_once() -> None:
    assert _weight(VERSION_1, "family_name") is None  # Splink's starting m: +8.5 bits
    LinkageModel.objects.create(version="afghan-names-1", splink_model=VERSION_1)

    model = services.current_model()

    assert _weight(model, "family_name") == 0
    given = _weight(model, "given_name")
    exact_names = (_weight(model, "given_name", "Exact match on given_key") or 0) + (
        _weight(model, "family_name", "Exact match on family_key") or 0)
    assert given is not None and 0 < given < exact_names
    assert _weight(VERSION_1, "given_name") != given  # the saved row is not changed


def test_a_model_of_this_version_is_used_as_saved() -> None:
    LinkageModel.objects.create(version=engine.MODEL_VERSION, splink_model=VERSION_1)
    assert services.current_model() == VERSION_1
