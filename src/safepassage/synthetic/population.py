"""A deterministic synthetic population of Afghan households at risk, with real shapes.

Households of one to fifteen people (many singles, mean near six), children who carry their
father's given name as their father's name, sons named after their fathers, twins, a household
phone shared by its members, families sharing a handful of common family names.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Literal

from safepassage.synthetic.afghan_names import (
    FAMILY_NAMES,
    FEMALE_GIVEN_NAMES,
    MALE_GIVEN_NAMES,
    PROVINCES,
)

Sex = Literal["female", "male"]
Language = Literal["fa-AF", "ps", "en", "fr"]

REFERENCE_DAY = dt.date(2021, 8, 15)

CATEGORIES: tuple[tuple[str, int], ...] = (
    ("interpreter", 22),
    ("former_employee", 20),
    ("human_rights_defender", 12),
    ("journalist", 10),
    ("woman_leader", 9),
    ("persecuted_minority", 10),
    ("family_of_citizen", 6),
    ("citizen", 4),
    ("permanent_resident", 3),
    ("other", 4),
)

# Which partner organisations refer which categories (the first is the most likely).
REFERRERS: dict[str, tuple[str, ...]] = {
    "interpreter": ("veterans-network", "mp-office", "self"),
    "former_employee": ("veterans-network", "mp-office", "self"),
    "human_rights_defender": ("hr-ngo-frontline", "hr-ngo-amnesty", "mp-office", "self"),
    "journalist": ("journalists-federation", "hr-ngo-frontline", "self"),
    "woman_leader": ("hr-ngo-amnesty", "hr-ngo-frontline", "mp-office", "self"),
    "persecuted_minority": ("hr-ngo-amnesty", "mp-office", "self"),
    "family_of_citizen": ("self", "mp-office"),
    "citizen": ("self", "mp-office"),
    "permanent_resident": ("self", "mp-office"),
    "other": ("self", "mp-office", "hr-ngo-frontline"),
}
ALL_REFERRERS: tuple[str, ...] = tuple(sorted({r for rs in REFERRERS.values() for r in rs}))

_MOBILE_PREFIXES = ("70", "71", "72", "73", "74", "75", "76", "77", "78", "79")
_MOBILE_WEIGHTS = (14, 4, 8, 5, 1, 2, 2, 12, 14, 18)
_EMAIL_DOMAINS = ("gmail.com", "yahoo.com", "hotmail.com", "outlook.com")

# Household size: a quarter single (often an interpreter who registers alone), the rest spread
# so that the mean is near six and the largest families reach fifteen.
_SIZES = tuple(range(1, 16))
_SIZE_WEIGHTS = (25, 3, 4, 6, 8, 9, 9, 8, 7, 6, 5, 4, 3, 2, 1)


@dataclass(slots=True)
class SyntheticPerson:
    person_key: str
    given_name: str
    family_name: str
    father_name: str
    name_native: str
    sex: Sex
    birth_date: dt.date
    phone: str | None
    email: str | None
    tazkira_number: str | None
    passport_number: str | None
    province: str
    relationship_to_head: str
    preferred_language: Language
    # Index into the name tables, so a registration can spell the name another way.
    given_index: int = -1
    father_index: int = -1
    family_index: int = -1


@dataclass(slots=True)
class SyntheticHousehold:
    household_key: str
    category: str
    referrer: str
    members: list[SyntheticPerson]
    medical_urgency: bool
    province: str
    phone: str | None
    notes: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def head(self) -> SyntheticPerson:
        return self.members[0]


class _Draw:
    """Cumulative-weight draws from the name tables, shared by every household of a run."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        zipf = [1.0 / (i + 1) ** 0.9 for i in range(len(FAMILY_NAMES))]
        self.family_cum = list(accumulate(zipf))
        self.male_cum = list(accumulate(1.0 / (i + 1) ** 0.6 for i in range(len(MALE_GIVEN_NAMES))))
        self.female_cum = list(
            accumulate(1.0 / (i + 1) ** 0.5 for i in range(len(FEMALE_GIVEN_NAMES)))
        )
        self.province_cum = list(accumulate(w for _, w in PROVINCES))
        self.category_cum = list(accumulate(w for _, w in CATEGORIES))
        self.size_cum = list(accumulate(_SIZE_WEIGHTS))
        self.prefix_cum = list(accumulate(_MOBILE_WEIGHTS))

    def index(self, cum: Sequence[float]) -> int:
        return self.rng.choices(range(len(cum)), cum_weights=cum)[0]

    def male(self) -> int:
        return self.index(self.male_cum)

    def female(self) -> int:
        return self.index(self.female_cum)

    def family(self) -> int:
        return self.index(self.family_cum)

    def phone(self) -> str:
        prefix = _MOBILE_PREFIXES[self.index(self.prefix_cum)]
        return f"+93{prefix}{self.rng.randrange(10**7):07d}"

    def tazkira(self, birth: dt.date) -> str:
        if self.rng.random() < 0.55:
            # Electronic tazkira: year of issue (Solar Hijri), office code, serial.
            year = self.rng.randint(1397, 1400)
            office = f"{self.rng.randint(1, 34):02d}{self.rng.randint(1, 99):02d}"
            return f"{year}-{office}-{self.rng.randrange(10**5):05d}"
        # Older paper tazkira: a register number.
        return str(self.rng.randint(10**5, 10**8))

    def passport(self) -> str:
        return f"P{self.rng.randrange(10**8):08d}"


def _latin(table: tuple[tuple[str, tuple[str, ...]], ...], index: int) -> str:
    return table[index][1][0]


def _native(table: tuple[tuple[str, tuple[str, ...]], ...], index: int) -> str:
    return table[index][0]


def _birth(rng: random.Random, age_low: int, age_high: int) -> dt.date:
    age_days = rng.randint(age_low * 365, age_high * 365 + 364)
    return REFERENCE_DAY - dt.timedelta(days=age_days)


def _language(rng: random.Random, category: str) -> Language:
    r = rng.random()
    if category in {"citizen", "permanent_resident"}:
        return "en" if r < 0.5 else ("fr" if r < 0.6 else "fa-AF")
    return "fa-AF" if r < 0.6 else ("ps" if r < 0.9 else "en")


def generate_population(*, households: int, seed: int = 0) -> list[SyntheticHousehold]:
    """Generate `households` households, the same ones for the same seed."""
    rng = random.Random(seed)
    draw = _Draw(rng)
    result: list[SyntheticHousehold] = []
    for h in range(households):
        result.append(_household(draw, f"H{seed:02d}{h:07d}"))
    return result


def _household(draw: _Draw, key: str) -> SyntheticHousehold:
    rng = draw.rng
    category = CATEGORIES[draw.index(draw.category_cum)][0]
    referrers = REFERRERS[category]
    referrer = referrers[0] if rng.random() < 0.6 else rng.choice(referrers)
    province = PROVINCES[draw.index(draw.province_cum)][0]
    size = _SIZES[draw.index(draw.size_cum)]
    family = draw.family()
    household_phone = draw.phone() if rng.random() < 0.93 else None
    language = _language(rng, category)
    members: list[SyntheticPerson] = []

    def add(
        *,
        sex: Sex,
        given: int,
        father: int,
        family_index: int,
        birth: dt.date,
        relation: str,
        own_phone: bool = False,
    ) -> SyntheticPerson:
        table = MALE_GIVEN_NAMES if sex == "male" else FEMALE_GIVEN_NAMES
        adult = (REFERENCE_DAY - birth).days >= 18 * 365
        phone = draw.phone() if own_phone else household_phone
        if not own_phone and adult and rng.random() < 0.25:
            phone = draw.phone()
        given_latin = _latin(table, given)
        family_latin = _latin(FAMILY_NAMES, family_index)
        email = None
        if adult and rng.random() < 0.3:
            email = (
                f"{given_latin.replace(' ', '').lower()}.{family_latin.lower()}"
                f"{rng.randint(1, 999)}@{rng.choice(_EMAIL_DOMAINS)}"
            )
        person = SyntheticPerson(
            person_key=f"{key}-{len(members) + 1:02d}",
            given_name=given_latin,
            family_name=family_latin,
            father_name=_latin(MALE_GIVEN_NAMES, father),
            name_native=f"{_native(table, given)} {_native(FAMILY_NAMES, family_index)}",
            sex=sex,
            birth_date=birth,
            phone=phone,
            email=email,
            tazkira_number=draw.tazkira(birth) if rng.random() < (0.85 if adult else 0.4) else None,
            passport_number=draw.passport() if rng.random() < (0.35 if adult else 0.15) else None,
            province=province,
            relationship_to_head=relation,
            preferred_language=language,
            given_index=given,
            father_index=father,
            family_index=family_index,
        )
        members.append(person)
        return person

    head_sex: Sex = "female" if category == "woman_leader" or rng.random() < 0.08 else "male"
    head_given = draw.male() if head_sex == "male" else draw.female()
    grandfather = draw.male()
    head_birth = _birth(rng, 19, 55) if size == 1 else _birth(rng, 28, 60)
    head = add(
        sex=head_sex,
        given=head_given,
        father=grandfather,
        family_index=family,
        birth=head_birth,
        relation="head",
        own_phone=household_phone is None and rng.random() < 0.5,
    )
    if household_phone is not None and rng.random() < 0.9:
        head.phone = household_phone
    remaining = size - 1
    head_age = (REFERENCE_DAY - head_birth).days // 365

    if remaining and rng.random() < 0.92:
        spouse_sex: Sex = "female" if head_sex == "male" else "male"
        spouse_given = draw.female() if spouse_sex == "female" else draw.male()
        spouse_family = family if rng.random() < 0.6 else draw.family()
        spouse_age = max(18, head_age + rng.randint(-12, 3))
        add(
            sex=spouse_sex,
            given=spouse_given,
            father=draw.male(),
            family_index=spouse_family,
            birth=_birth(rng, spouse_age, spouse_age),
            relation="spouse",
        )
        remaining -= 1

    # Parents of the head: the head's father carries the grandfather's name.
    if remaining >= 3 and rng.random() < 0.25 and head_age < 50:
        father_age = head_age + rng.randint(20, 35)
        add(
            sex="male",
            given=grandfather,
            father=draw.male(),
            family_index=family,
            birth=_birth(rng, father_age, father_age),
            relation="father",
        )
        remaining -= 1
        if remaining >= 3 and rng.random() < 0.7:
            add(
                sex="female",
                given=draw.female(),
                father=draw.male(),
                family_index=draw.family(),
                birth=_birth(rng, father_age - 5, father_age - 2),
                relation="mother",
            )
            remaining -= 1

    # Siblings of the head share the head's father's name.
    siblings = 0
    while remaining >= 4 and rng.random() < 0.2 and siblings < 2:
        sex: Sex = "male" if rng.random() < 0.5 else "female"
        sib_age = max(14, head_age + rng.randint(-10, 8))
        add(
            sex=sex,
            given=draw.male() if sex == "male" else draw.female(),
            father=grandfather,
            family_index=family,
            birth=_birth(rng, sib_age, sib_age),
            relation="brother" if sex == "male" else "sister",
        )
        remaining -= 1
        siblings += 1

    # Children: their father's name is the head's given name (or the spouse's if the head is a
    # woman and her husband is listed); sometimes a son carries his father's own name.
    father_of_children = head_given if head_sex == "male" else draw.male()
    if head_sex == "female":
        spouse = next((m for m in members if m.relationship_to_head == "spouse"), None)
        if spouse is not None:
            father_of_children = spouse.given_index
    oldest = max(1, min(head_age - 18, 30))
    named_after_father = rng.random() < 0.12
    grandchildren = remaining >= 4 and head_age >= 50 and rng.random() < 0.4
    children_given: set[tuple[str, int]] = set()
    while remaining > (1 if grandchildren else 0):
        sex = "male" if rng.random() < 0.52 else "female"
        if sex == "male" and named_after_father and head_sex == "male":
            given = head_given
            named_after_father = False
        else:
            given = draw.male() if sex == "male" else draw.female()
            while (sex, given) in children_given:
                given = draw.male() if sex == "male" else draw.female()
        children_given.add((sex, given))
        age = rng.randint(0, oldest)
        birth = _birth(rng, age, age)
        twins = remaining >= 2 and rng.random() < 0.05
        add(
            sex=sex,
            given=given,
            father=father_of_children,
            family_index=family,
            birth=birth,
            relation="son" if sex == "male" else "daughter",
        )
        remaining -= 1
        if twins and remaining > (1 if grandchildren else 0):
            twin_sex: Sex = sex if rng.random() < 0.6 else ("female" if sex == "male" else "male")
            twin_given = draw.male() if twin_sex == "male" else draw.female()
            while (twin_sex, twin_given) in children_given:
                twin_given = draw.male() if twin_sex == "male" else draw.female()
            children_given.add((twin_sex, twin_given))
            add(
                sex=twin_sex,
                given=twin_given,
                father=father_of_children,
                family_index=family,
                birth=birth,
                relation="son" if twin_sex == "male" else "daughter",
            )
            remaining -= 1
    while remaining > 0:
        sex = "male" if rng.random() < 0.5 else "female"
        add(
            sex=sex,
            given=draw.male() if sex == "male" else draw.female(),
            father=draw.male(),
            family_index=family,
            birth=_birth(rng, 0, 8),
            relation="grandchild" if grandchildren else "other",
        )
        remaining -= 1

    return SyntheticHousehold(
        household_key=key,
        category=category,
        referrer=referrer,
        members=members,
        medical_urgency=rng.random() < 0.06,
        province=province,
        phone=household_phone,
    )
