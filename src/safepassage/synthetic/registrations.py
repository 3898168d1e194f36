"""Bulk-import rows for a synthetic population, with people registered several times.

About a third of the people are registered more than once, by different referrers, and each
registration is written the way real ones are: other Latin spellings, names only in Arabic
script, year-only or Solar Hijri birth dates, day and month swapped, phones in every format,
fields left out, typos. The `truth_person` column names the person behind each row.

    python -m safepassage.synthetic.registrations --households 5000 --out registrations.csv
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from persiantools.jdatetime import JalaliDate

from safepassage.synthetic.afghan_names import FAMILY_NAMES, FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES
from safepassage.synthetic.population import (
    ALL_REFERRERS,
    CATEGORIES,
    SyntheticHousehold,
    SyntheticPerson,
    generate_population,
)

COLUMNS: tuple[str, ...] = (
    "external_id",
    "given_name",
    "family_name",
    "father_name",
    "name_native",
    "date_of_birth",
    "sex",
    "phone",
    "email",
    "tazkira_number",
    "passport_number",
    "province",
    "category",
    "household_ref",
    "relationship_to_head",
    "referrer",
    "notes",
    "preferred_language",
)
TRUTH_COLUMN = "truth_person"

_PREFIX = {
    "veterans-network": "VET",
    "mp-office": "MPO",
    "hr-ngo-frontline": "FLD",
    "hr-ngo-amnesty": "HRA",
    "journalists-federation": "JFD",
    "self": "WEB",
}
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_NOTES = (
    "",
    "",
    "",
    "",
    "worked with the PRT 2009-2013",
    "threatened by letter, moved twice",
    "needs insulin",
    "documents lost in Kabul",
    "relative abroad registering on their behalf",
    "wheelchair user",
)
# How many extra registrations a re-registered household receives.
_EXTRA_COUNTS = (1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 4)
_MEMBER_KEPT = 0.8


def generate_registrations(
    population: list[SyntheticHousehold], *, duplicate_share: float = 1 / 3, seed: int = 0
) -> Iterator[dict[str, str]]:
    """Yield bulk-import rows (plus `truth_person`) for every household, some several times."""
    rng = random.Random(seed * 7919 + 17)
    counters = dict.fromkeys(_PREFIX, 0)
    # A household is re-registered with this probability; an extra registration keeps each
    # member with probability _MEMBER_KEPT, so the share of people seen twice is about the target.
    household_share = min(1.0, duplicate_share / 0.85)

    def registration(
        household: SyntheticHousehold, members: list[SyntheticPerson], referrer: str, noise: float
    ) -> Iterator[dict[str, str]]:
        prefix = _PREFIX[referrer]
        counters[referrer] += 1
        household_ref = f"{prefix}-H{counters[referrer]:07d}"
        category = household.category
        if noise > 1 and rng.random() < 0.1:
            category = rng.choice(CATEGORIES)[0]
        for person in members:
            counters[referrer] += 1
            row = _render(rng, person, noise=noise)
            row["external_id"] = f"{prefix}-{counters[referrer]:08d}"
            row["category"] = category
            row["household_ref"] = household_ref
            row["referrer"] = referrer
            row["notes"] = rng.choice(_NOTES) if person.relationship_to_head == "head" else ""
            yield {c: row.get(c, "") for c in COLUMNS} | {TRUTH_COLUMN: person.person_key}

    for household in population:
        yield from registration(household, household.members, household.referrer, noise=1.0)
        if rng.random() >= household_share:
            continue
        used = {household.referrer}
        for _ in range(rng.choice(_EXTRA_COUNTS)):
            others = [r for r in ALL_REFERRERS if r not in used] or list(ALL_REFERRERS)
            referrer = rng.choice(others)
            used.add(referrer)
            members = [
                m
                for i, m in enumerate(household.members)
                if (i == 0 and rng.random() < 0.95) or rng.random() < _MEMBER_KEPT
            ]
            if not members:
                members = [household.members[0]]
            yield from registration(household, members, referrer, noise=2.0)


def _spelling(
    rng: random.Random, table: tuple[tuple[str, tuple[str, ...]], ...], index: int, noise: float
) -> str:
    variants = table[index][1]
    if len(variants) == 1 or rng.random() < 1.0 - 0.35 * noise:
        name = variants[0]
    else:
        name = rng.choice(variants)
    if " " in name and rng.random() < 0.2 * noise:
        name = name.replace(" ", "" if rng.random() < 0.7 else "-")
    elif name.endswith("ullah") and rng.random() < 0.05 * noise:
        name = name[: -len("ullah")] + " Ullah"
    if rng.random() < 0.03 * noise:
        name = _typo(rng, name)
    if rng.random() < 0.08:
        name = name.upper()
    return name


def _typo(rng: random.Random, name: str) -> str:
    if len(name) < 4:
        return name
    i = rng.randrange(1, len(name) - 1)
    kind = rng.random()
    if kind < 0.3:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if kind < 0.6:
        return name[:i] + name[i + 1 :]
    if kind < 0.8:
        return name[:i] + name[i] + name[i:]
    return name[:i] + rng.choice("aeiouhnrst") + name[i + 1 :]


def _render_date(rng: random.Random, birth: dt.date, noise: float) -> str:
    r = rng.random()
    if r < 0.03:
        return ""
    if r < 0.06:
        return f"{birth.year}-01-01"
    if r < 0.06 + 0.025 * noise and birth.day <= 12 and birth.day != birth.month:
        return f"{birth.year}-{birth.day:02d}-{birth.month:02d}"
    if r < 0.24:
        return str(birth.year)
    if r < 0.40:
        jalali = JalaliDate.to_jalali(birth)
        return f"{jalali.year}/{jalali.month:02d}/{jalali.day:02d}"
    if r < 0.55:
        return f"{birth.day:02d}/{birth.month:02d}/{birth.year}"
    if r < 0.56:
        return f"{birth.year + rng.choice((-1, 1))}-{birth.month:02d}-{birth.day:02d}"
    return birth.isoformat()


def _render_phone(rng: random.Random, phone: str | None, noise: float) -> str:
    if phone is None or rng.random() < 0.06 * noise:
        return ""
    if noise > 1 and rng.random() < 0.06:
        # A relative abroad gives their own number.
        return f"+49 151 {rng.randrange(10**4):04d} {rng.randrange(10**4):04d}"
    national = phone[3:]
    r = rng.random()
    if r < 0.3:
        return phone
    if r < 0.6:
        return "0" + national
    if r < 0.75:
        return f"+93 {national[:2]} {national[2:5]} {national[5:]}"
    if r < 0.85:
        return "0093" + national
    if r < 0.92:
        return "93" + national
    return f"0{national[:2]}-{national[2:5]}-{national[5:]}"


def _render_tazkira(rng: random.Random, number: str | None, noise: float) -> str:
    if number is None or rng.random() < 0.2 * noise:
        return ""
    r = rng.random()
    if "-" in number and r < 0.15:
        number = number.replace("-", " ")
    elif "-" in number and r < 0.3:
        number = number.replace("-", "")
    if rng.random() < 0.05:
        number = number.translate(_PERSIAN_DIGITS)
    return number


def _render_passport(rng: random.Random, number: str | None, noise: float) -> str:
    if number is None or rng.random() < 0.2 * noise:
        return ""
    r = rng.random()
    if r < 0.1:
        return number.lower()
    if r < 0.2:
        return f"{number[:1]} {number[1:5]} {number[5:]}"
    return number


def _render(rng: random.Random, person: SyntheticPerson, *, noise: float) -> dict[str, str]:
    table = MALE_GIVEN_NAMES if person.sex == "male" else FEMALE_GIVEN_NAMES
    given = _spelling(rng, table, person.given_index, noise)
    family = _spelling(rng, FAMILY_NAMES, person.family_index, noise)
    father = _spelling(rng, MALE_GIVEN_NAMES, person.father_index, noise)
    native = person.name_native if rng.random() < 0.35 else ""
    if rng.random() < 0.04 * noise:
        # Written only in Arabic script by whoever filled in the form.
        given, family, native = "", "", person.name_native
        if rng.random() < 0.5:
            father = ""
    if rng.random() < 0.04 * noise:
        family = ""
    if rng.random() < 0.06 * noise:
        father = ""
    email = person.email or ""
    if email and rng.random() < 0.3 * noise:
        email = ""
    return {
        "given_name": given,
        "family_name": family,
        "father_name": father,
        "name_native": native,
        "date_of_birth": _render_date(rng, person.birth_date, noise),
        "sex": person.sex if rng.random() > 0.02 else "",
        "phone": _render_phone(rng, person.phone, noise),
        "email": email,
        "tazkira_number": _render_tazkira(rng, person.tazkira_number, noise),
        "passport_number": _render_passport(rng, person.passport_number, noise),
        "province": person.province if rng.random() > 0.05 else "",
        "relationship_to_head": person.relationship_to_head,
        "preferred_language": person.preferred_language,
    }


def render_registration(
    rng: random.Random, members: Iterable[SyntheticPerson], *, noise: float = 2.0
) -> list[dict[str, str]]:
    """The person columns of a household registered again by someone else: written
    differently, with the noise of a second-hand registration."""
    return [_render(rng, person, noise=noise) for person in members]


def write_csv(rows: Iterable[dict[str, str]], path: str | Path) -> int:
    """Write rows (with or without `truth_person`) to a UTF-8 CSV; return how many were written."""
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer: csv.DictWriter[str] | None = None
        for row in rows:
            if writer is None:
                writer = csv.DictWriter(handle, fieldnames=list(row))
                writer.writeheader()
            writer.writerow(row)
            count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, required=True)
    parser.add_argument("--out", required=True, help="CSV file to write")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--duplicate-share", type=float, default=1 / 3)
    parser.add_argument(
        "--without-truth", action="store_true", help="leave out the truth_person column"
    )
    args = parser.parse_args(argv)
    population = generate_population(households=args.households, seed=args.seed)
    rows = generate_registrations(population, duplicate_share=args.duplicate_share, seed=args.seed)
    if args.without_truth:
        rows = ({k: v for k, v in row.items() if k != TRUTH_COLUMN} for row in rows)
    count = write_csv(rows, args.out)
    print(f"wrote {count} registrations to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
