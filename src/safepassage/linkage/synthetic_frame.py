"""Feature tables of synthetic registrations with known truth, for the benchmark, the tests and
the model that ships with SafePassage (`python -m safepassage.linkage.synthetic_frame`)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterable

import pandas as pd

from safepassage.linkage.features import features_of_row
from safepassage.synthetic.population import generate_population
from safepassage.synthetic.registrations import generate_registrations

# Registrations were received in August 2021: dates are read as of then.
RECEIVED = dt.date(2021, 8, 31)


def frame_of_rows(rows: Iterable[dict[str, str]]) -> tuple[pd.DataFrame, pd.Series, list[str]]:
    """(features with unique_id and household, truth per record, external ids) of import rows."""
    records, truth, external = [], [], []
    for n, row in enumerate(rows):
        records.append(
            {"unique_id": n, "household": row["household_ref"],
             **features_of_row(row, today=RECEIVED)}
        )
        truth.append(row.get("truth_person", ""))
        external.append(row["external_id"])
    return pd.DataFrame.from_records(records), pd.Series(truth), external


def synthetic_frame(*, households: int, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    population = generate_population(households=households, seed=seed)
    frame, truth, _ids = frame_of_rows(generate_registrations(population, seed=seed))
    return frame, truth


def main() -> int:
    from safepassage.linkage import engine  # Splink: only when run as a script

    frame, _truth = synthetic_frame(households=5000, seed=42)
    result = engine.link(frame)
    engine.DEFAULT_MODEL_PATH.write_text(json.dumps(result.model, indent=1) + "\n")
    print(f"wrote {engine.DEFAULT_MODEL_PATH} from {len(frame)} records", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
