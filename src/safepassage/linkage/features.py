"""The comparison features of one registered person, computed once at intake and kept beside it.

Pure functions of normalised values (registry.Person fields, or a raw bulk-import row through
intake.normalise), so the database hook, the benchmark and the tests compute the same features.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from persiantools.jdatetime import JalaliDate

from safepassage.linkage.names import (
    given_name_part,
    is_arabic_script,
    latin_key,
    skeleton,
    split_native_name,
)
from safepassage.registry.normalise import (
    NormalisationError,
    normalise_document_number,
    normalise_email,
    normalise_phone,
    parse_date_of_birth,
)

EPOCH = dt.date(1970, 1, 1)

# The columns Splink compares, in order (the unique id and household are added by the caller).
FEATURE_COLUMNS: tuple[str, ...] = (
    "given_key", "given_skel", "family_key", "family_skel", "father_key", "father_skel",
    "sex", "dob_lo", "dob_hi", "dob_year", "dob_month", "dob_day", "phone", "email",
    "tazkira", "passport", "given_part",
)


def _name_parts(latin: str, native: str) -> tuple[str | None, str | None]:
    if latin and not is_arabic_script(latin):
        return latin_key(latin) or None, skeleton(latin) or None
    text = latin or native
    return None, (skeleton(text) or None) if text else None


def _end_of_year_begun(day: dt.date) -> dt.date | None:
    """The last day of the year `day` begins: of the Gregorian year for 1 January, of the Solar
    Hijri year for 1 Hamal; None for any other day."""
    if day.month == 1 and day.day == 1:
        return dt.date(day.year, 12, 31)
    solar = JalaliDate(day)
    if solar.month == 1 and solar.day == 1:
        return JalaliDate(solar.year + 1, 1, 1).to_gregorian() - dt.timedelta(days=1)
    return None


def compute_features(
    *,
    given_name: str = "",
    family_name: str = "",
    father_name: str = "",
    name_native: str = "",
    sex: str = "",
    birth_date: dt.date | None = None,
    birth_date_latest: dt.date | None = None,
    birth_date_precision: str = "",
    phones: Sequence[str] = (),
    email: str = "",
    tazkira_number: str = "",
    passport_number: str = "",
) -> dict[str, Any]:
    """Features of one person from normalised values; missing values become None (Splink's null).

    Dates keep their precision as a range of days [dob_lo, dob_hi]; day and month are only set
    for a date known to the day. New Year's Day is read as "year only": 1 January is the
    placeholder that gave one evacuation's manifests 11,110 people born on it, and 1 Hamal
    (Nowruz, the first day of the Solar Hijri year) is the same placeholder on a tazkira.
    """
    native_given, native_family = split_native_name(name_native)
    given_key, given_skel = _name_parts(given_name, native_given)
    family_key, family_skel = _name_parts(family_name, native_family)
    father_key, father_skel = _name_parts(father_name, "")
    dob_lo = dob_hi = dob_year = dob_month = dob_day = None
    if birth_date is not None:
        latest = birth_date_latest or birth_date
        precision = birth_date_precision or "day"
        if precision == "day":
            year_end = _end_of_year_begun(birth_date)
            if year_end is not None:
                precision, latest = "year", year_end
        dob_lo, dob_hi = (birth_date - EPOCH).days, (latest - EPOCH).days
        dob_year = birth_date.year
        if precision == "day":
            dob_month, dob_day = birth_date.month, birth_date.day
    return {
        "given_key": given_key,
        "given_skel": given_skel,
        "family_key": family_key,
        "family_skel": family_skel,
        "father_key": father_key,
        "father_skel": father_skel,
        "sex": sex if sex in {"male", "female"} else None,
        "dob_lo": dob_lo,
        "dob_hi": dob_hi,
        "dob_year": dob_year,
        "dob_month": dob_month,
        "dob_day": dob_day,
        "phone": phones[0] if phones else None,
        "email": email or None,
        "tazkira": tazkira_number or None,
        "passport": passport_number or None,
        # The skeleton of the name a compound given name is known by (Rahman of Abdul Rahman).
        "given_part": given_name_part(given_name or native_given) or None,
    }


def features_of_person(person: Any) -> dict[str, Any]:
    """Features of a saved registry.Person."""
    return compute_features(
        given_name=person.given_name, family_name=person.family_name,
        father_name=person.father_name, name_native=person.name_native, sex=person.sex,
        birth_date=person.birth_date, birth_date_latest=person.birth_date_latest,
        birth_date_precision=person.birth_date_precision, phones=person.phones or [],
        email=person.email, tazkira_number=person.tazkira_number,
        passport_number=person.passport_number,
    )


def _or_none(function: Any, text: str, **kwargs: Any) -> Any:
    if not text:
        return None
    try:
        return function(text, **kwargs)
    except NormalisationError:
        return None


def features_of_row(row: Mapping[str, str], *, today: dt.date | None = None) -> dict[str, Any]:
    """Features of a raw bulk-import row (the columns of synthetic.registrations), normalised
    the way intake does; a value that does not normalise is treated as missing."""
    birth = _or_none(parse_date_of_birth, row.get("date_of_birth", ""), today=today)
    phone = _or_none(normalise_phone, row.get("phone", ""))
    return compute_features(
        given_name=row.get("given_name", ""), family_name=row.get("family_name", ""),
        father_name=row.get("father_name", ""), name_native=row.get("name_native", ""),
        sex=row.get("sex", ""),
        birth_date=birth.earliest if birth else None,
        birth_date_latest=birth.latest if birth else None,
        birth_date_precision=birth.precision if birth else "",
        phones=[phone] if phone else [],
        email=_or_none(normalise_email, row.get("email", "")) or "",
        tazkira_number=_or_none(
            normalise_document_number, row.get("tazkira_number", ""), field="tazkira_number"
        ) or "",
        passport_number=_or_none(
            normalise_document_number, row.get("passport_number", ""), field="passport_number"
        ) or "",
    )


# An e-tazkira (the electronic identity card issued since 2018) has a 13-digit number, the Solar
# Hijri year of issue first (1398-0101-12345); a paper tazkira a register number of a few digits,
# often beside a volume and a page. Many people hold both, and a form asks for "the tazkira
# number": a paper and an electronic number are two documents, not two people's.
E_TAZKIRA_DIGITS = 13


def tazkira_kind(number: str) -> str:
    """"e-tazkira" for an electronic tazkira's number, "tazkira" for a paper one's."""
    return "e-tazkira" if len(number) == E_TAZKIRA_DIGITS and number.isdigit() else "tazkira"


# The blocking keys of engine.BLOCKING_RULES, as strings: the instant check looks these up
# (as blind indexes) to find the persons a new registration must be compared with.
BLOCKING_KEYS: tuple[tuple[str, ...], ...] = (
    ("given_skel", "family_skel", "father_skel"),
    ("given_skel", "father_skel", "dob_year"),
    ("given_skel", "family_skel", "dob_year"),
    ("family_skel", "father_skel", "dob_lo"),
    # Without a father's name (not given, or data that has none): a misspelt given name is
    # still found through the family name and a birth date known to the day.
    ("family_skel", "dob_year", "dob_month", "dob_day"),
    ("given_skel", "dob_lo"),
    ("given_skel", "phone"),
    ("phone", "dob_year"),
    ("tazkira",),
    ("passport",),
    ("email",),
)


# Given and family name in either order, with the birth date: a person registered once with
# the two names the other way round shares this key. The full run blocks on the swap itself
# (engine.BLOCKING_RULES); the instant check's keys are one value each, hence this one.
NAMES_EITHER_WAY = "names_either_way|dob_lo"


def blocking_key_values(features: Mapping[str, Any]) -> list[str]:
    """One string per blocking rule whose columns are all present in these features, and the
    names-either-way key."""
    values = []
    for columns in BLOCKING_KEYS:
        parts = [features.get(c) for c in columns]
        if all(p is not None and p != "" for p in parts):
            values.append("|".join(columns) + "=" + "|".join(str(p) for p in parts))
    given, family, day = (features.get(c) for c in ("given_skel", "family_skel", "dob_lo"))
    if given and family and day is not None and day != "":
        values.append(f"{NAMES_EITHER_WAY}={'|'.join(sorted((given, family)))}|{day}")
    return values
