"""A person registered twice with typing errors that no single blocking key survives: without a
father's name, a misspelt given name is still compared through the family name and the birth
day."""

from __future__ import annotations

import pandas as pd

from safepassage.linkage import engine
from safepassage.linkage.features import features_of_row


def _linked(rows: list[dict[str, str]], *, explain: bool = False) -> engine.LinkageResult:
    frame = pd.DataFrame.from_records(
        [{"unique_id": n, "household": f"H{n}", **features_of_row(row)}
         for n, row in enumerate(rows)]
    )
    return engine.link(frame, model=engine.default_model(), explain=explain)


def test_a_misspelt_given_name_without_a_fathers_name_is_proposed_as_a_duplicate() -> None:
    result = _linked([
        dict(given_name="Zabihullah", family_name="Ahmadzai", date_of_birth="14/03/1985",
             sex="male"),
        dict(given_name="Zabiullah", family_name="Ahmadzai", date_of_birth="1985-03-14",
             sex="male"),
    ])

    pair = result.pairs[(result.pairs["unique_id_l"] == 0) & (result.pairs["unique_id_r"] == 1)]
    assert len(pair) == 1
    assert pair["match_probability"].iloc[0] >= engine.REVIEW_PROBABILITY


def test_one_wrong_digit_in_the_birth_date_still_counts_for_the_person() -> None:
    rows = [
        dict(given_name="Zabihullah", family_name="Ahmadzai", father_name="Abdul Rahim",
             date_of_birth="14/03/1985", sex="male"),
        dict(given_name="Zabihullah", family_name="Ahmadzai", father_name="Abdul Rahim",
             date_of_birth="14/03/1995", sex="male"),
    ]

    reasons = _linked(rows, explain=True).pairs["reasons"].iloc[0]

    birth = next(r for r in reasons if r["field"] == "date_of_birth")
    assert birth["level"] == "one digit typed wrong"
    assert birth["weight"] > 0
