# ruff: noqa: RUF001
"""A harder registration generator, written apart from the linkage model (issue 21).

It knows nothing of the model's features: it starts from what is known of Afghan registrations
and writes import rows the way several organisations would, with the truth kept beside them.

* Names are written as phonemes (a small notation below) and spelt by the habit of whoever
  registered the person: English, French, German or Arabic-style transliteration, or Arabic
  script only. Its name pools are its own (not `safepassage.synthetic.afghan_names`).
* Households: a head, a spouse, children, sometimes a grandparent. Members share the phone, the
  family name (when the family uses one) and, for the children, the father's name. Siblings
  with the same first element of a compound name (Mohammad Nadir, Mohammad Nasir), twins (one
  birth date), a son named after his father, a grandson after his grandfather.
* A household is registered by one to four organisations, each listing a subset of its members
  with the fields that organisation collects; some members are registered again alone (by an
  employer's file, say).
* Tazkira numbers missing, mistyped (one character), or conflicting (an old and a new tazkira);
  birth dates in Solar Hijri, year only, 1 January placeholder, day and month swapped, a year
  off; phones in several formats, missing, or a relative's abroad.

    PYTHONPATH=src:. .venv/bin/python -m bench.linkage.hard --people 20000 --out rows.csv
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

# Phoneme notation: lower-case letters are themselves; A long a, I long i/ee, U long u/oo,
# x kh, G gh, S sh, C ch, Z zh, q qaf, '+' joins the parts of a compound name.
MALE = [
    "muhammad+nAdir",
    "muhammad+nAsir",
    "muhammad+karIm",
    "muhammad+Arif",
    "muhammad+Sarif",
    "ahmad+SAh",
    "ahmad+zAhir",
    "Gulam+haydar",
    "Gulam+rasUl",
    "Gulam+farUq",
    "abdul+rahmAn",
    "abdul+rahIm",
    "abdul+wahAb",
    "abdul+qAdir",
    "abdul+basIr",
    "abdul+hamId",
    "abdul+latIf",
    "xAlid",
    "xalIl",
    "farId",
    "jAwId",
    "nAsir",
    "basIr",
    "Sams",
    "tAriq",
    "wahId",
    "hamId",
    "raSId",
    "yUsuf",
    "umar",
    "zalmay",
    "SahzAd",
    "SIrzAd",
    "mirways",
    "fAhim",
    "Arif",
    "sAdiq",
    "nabI",
    "jamIl",
    "karIm",
    "rahIm",
    "qAsim",
    "habIb",
    "latIf",
    "azIz",
    "majId",
    "Sarif",
    "hamIdullAh",
    "zabIhullAh",
    "ahsAnullAh",
    "najIbullAh",
    "rahmatullAh",
    "amAnullAh",
    "nasrullAh",
    "hidAyatullAh",
    "sayfullAh",
    "asadullAh",
    "ruhullAh",
    "nUr+ahmad",
    "nUr+muhammad",
    "gul+ahmad",
    "gul+AGA",
    "sayed+jamAl",
    "sayed+ahmad",
    "mIr+wAys",
    "bAz+muhammad",
    "dAwud",
    "idrIs",
    "ismAIl",
    "ibrAhIm",
    "ilyAs",
    "yahyA",
    "mUsA",
    "IsA",
    "sulaymAn",
    "lUqmAn",
    "hAris",
    "bilAl",
    "hasan",
    "husayn",
    "ali",
    "jawAd",
    "murtazA",
    "mustafA",
    "ahmad",
    "mahmUd",
    "hamza",
    "faraydUn",
    "bahrAm",
    "jamSId",
    "rustam",
    "sohrAb",
    "naweed",
    "omid",
    "farhAd",
    "SahAb",
    "qiyAm",
    "fayz",
    "sultAn",
    "bAryAlay",
    "mIrwAys",
    "nawAb",
    "payAm",
    "ajmal",
    "akmal",
    "asmat",
    "azmat",
    "Sakib",
    "Saqib",
    "wasIm",
    "nadIm",
    "kabIr",
    "kamAl",
    "jalAl",
    "zamAn",
]
FEMALE = [
    "fAtima",
    "zahrA",
    "maryam",
    "Sabnam",
    "farzAna",
    "nAdiya",
    "laylA",
    "parwIn",
    "gulAlay",
    "malAlay",
    "zarGUna",
    "marziya",
    "frozAn",
    "sAra",
    "halIma",
    "rahIma",
    "karIma",
    "SukriyA",
    "nargis",
    "gulsum",
    "zuhra",
    "mahbUba",
    "masUda",
    "Sakila",
    "Sahla",
    "nasrIn",
    "Sirin",
    "tahmIna",
    "yalda",
    "zaynab",
    "Ayisa",
    "xadija",
    "sumayya",
    "hosna",
    "rozIna",
    "Sugufa",
    "Sahnaz",
    "mInA",
    "parIsA",
    "gulnAr",
    "latIfa",
    "hamIda",
    "wahIda",
    "frISta",
    "sitAra",
    "palwaSa",
    "nUriya",
    "Saima",
]
FAMILY = [
    "ahmadzay",
    "stAnikzay",
    "popalzay",
    "barakzay",
    "mohmand",
    "wardak",
    "sAfI",
    "niyAzI",
    "haqqAnI",
    "rahImI",
    "kohistAnI",
    "karImI",
    "sultAnI",
    "hakImI",
    "ahmadI",
    "muhammadI",
    "nUrI",
    "azImI",
    "jalAlI",
    "yUsufzay",
    "tarakay",
    "andar",
    "xarotay",
    "sAdAt",
    "akbarI",
    "qAdirI",
    "rasUlI",
    "SinwArI",
    "mangal",
    "zadrAn",
    "kakar",
    "acakzay",
    "nUrzay",
    "alkozay",
    "alIzay",
    "xogyAnI",
    "SahIdI",
    "saIdI",
    "amIrI",
    "hASimI",
    "naqSbandI",
    "hussaynI",
    "jAfarI",
    "mujaddidI",
    "faizI",
    "habIbI",
    "waziri",
    "Gilzay",
    "taniwAl",
    "jabarxel",
    "sulaymAnxel",
    "ahmadxel",
    "dawlatzay",
    "safarI",
    "karwAn",
    "mAmozay",
    "Samsi",
    "rahmAnI",
    "azIzI",
    "latIfI",
    "samadI",
    "wahIdI",
]

# Spelling of each phoneme by transliteration habit: alternatives with weights.
Habit = dict[str, tuple[tuple[str, float], ...]]
_COMMON: Habit = {
    "A": (("a", 0.85), ("aa", 0.15)),
    "I": (("i", 0.7), ("ee", 0.3)),
    "U": (("u", 0.5), ("oo", 0.35), ("o", 0.15)),
    "x": (("kh", 1.0),),
    "G": (("gh", 1.0),),
    "S": (("sh", 1.0),),
    "C": (("ch", 1.0),),
    "Z": (("zh", 1.0),),
    "q": (("q", 0.7), ("k", 0.3)),
    "u": (("u", 0.6), ("o", 0.4)),
    "w": (("w", 1.0),),
    "y": (("y", 1.0),),
    "e": (("e", 1.0),),
}
HABITS: dict[str, Habit] = {
    "english": _COMMON,
    "french": {
        **_COMMON,
        "U": (("ou", 0.8), ("o", 0.2)),
        "u": (("ou", 0.5), ("o", 0.5)),
        "S": (("ch", 0.8), ("sh", 0.2)),
        "C": (("tch", 1.0),),
        "j": (("dj", 0.7), ("j", 0.3)),
        "I": (("i", 0.9), ("y", 0.1)),
        "w": (("w", 0.6), ("ou", 0.4)),
        "Z": (("j", 1.0),),
        "y": (("y", 0.6), ("i", 0.4)),
    },
    "german": {
        **_COMMON,
        "S": (("sch", 0.8), ("sh", 0.2)),
        "C": (("tsch", 1.0),),
        "j": (("dsch", 0.5), ("dj", 0.5)),
        "x": (("ch", 0.5), ("kh", 0.5)),
        "y": (("j", 0.6), ("y", 0.4)),
        "I": (("i", 0.6), ("ie", 0.4)),
        "w": (("w", 1.0),),
        "z": (("s", 0.5), ("z", 0.5)),
        "q": (("k", 1.0),),
    },
    "arabic": {
        **_COMMON,
        "A": (("aa", 0.5), ("a", 0.5)),
        "u": (("u", 0.8), ("o", 0.2)),
        "e": (("i", 1.0),),
        "I": (("i", 0.5), ("ee", 0.5)),
        "q": (("q", 1.0),),
    },
}
# Arabic script of each phoneme; short vowels are not written.
ARABIC = {
    "a": "",
    "e": "",
    "i": "",
    "u": "",
    "o": "",
    "A": "ا",
    "I": "ی",
    "U": "و",
    "b": "ب",
    "p": "پ",
    "t": "ت",
    "j": "ج",
    "C": "چ",
    "h": "ه",
    "x": "خ",
    "d": "د",
    "r": "ر",
    "z": "ز",
    "Z": "ژ",
    "s": "س",
    "S": "ش",
    "f": "ف",
    "q": "ق",
    "k": "ک",
    "g": "گ",
    "G": "غ",
    "l": "ل",
    "m": "م",
    "n": "ن",
    "w": "و",
    "y": "ی",
}
ORGANISATIONS = (
    # (name, habit, collects father's name, phone, tazkira, date style)
    ("veterans", "english", 0.9, 0.9, 0.8, "day"),
    ("ngo-fr", "french", 0.5, 0.7, 0.5, "day"),
    ("ngo-de", "german", 0.4, 0.6, 0.5, "year"),
    ("mosque-committee", "arabic", 0.95, 0.5, 0.7, "hijri"),
    ("field-team", "arabic-script", 0.9, 0.8, 0.6, "hijri"),
    ("mp-office", "english", 0.3, 0.95, 0.4, "jan1"),
    ("employer", "english", 0.6, 0.9, 0.9, "day"),
)
RECEIVED = dt.date(2021, 8, 31)


@dataclass
class Person:
    pid: str
    given: str
    father: str
    family: str
    sex: str
    born: dt.date
    tazkira: str | None
    tazkira_old: str | None = None  # a second, older tazkira (conflicting numbers)
    passport: str | None = None


@dataclass
class Household:
    hid: int
    phone: str
    members: list[Person] = field(default_factory=list)
    abroad_phone: str | None = None


def _pick(rng: random.Random, options: tuple[tuple[str, float], ...]) -> str:
    r, total = rng.random(), 0.0
    for value, weight in options:
        total += weight
        if r < total:
            return value
    return options[-1][0]


def spell(name: str, habit: str, rng: random.Random) -> str:
    """A name in Latin letters by one transliteration habit (compound parts joined as the
    writer sees fit: space, none, or the first part alone)."""
    table = HABITS[habit]
    parts = []
    for part in name.split("+"):
        text = "".join(_pick(rng, table[c]) if c in table else c for c in part)
        if habit == "arabic" and part.startswith("abdul"):
            text = rng.choice(("abd al-", "abdel ", "abdul ", "abdul")) + text[5:]
        if habit == "arabic" and text == "muhammad":
            text = rng.choice(("mohammed", "muhammad", "mohamed"))
        parts.append(text.capitalize())
    r = rng.random()
    if len(parts) > 1 and r < 0.25:
        return "".join(parts[:1]) + parts[1].lower()
    if len(parts) > 1 and r < 0.32:  # the second part alone: what the person goes by
        return parts[1]
    return " ".join(parts)


# Words whose Arabic spelling a letter-by-letter rendering would miss (ح, ع).
_ARABIC_WORDS = {
    "muhammad": "محمد",
    "ahmad": "احمد",
    "hamId": "حمید",
    "hasan": "حسن",
    "husayn": "حسین",
    "habIb": "حبیب",
    "umar": "عمر",
    "ali": "علی",
    "abdul": "عبدال",
}


def arabic(name: str) -> str:
    """A name in Arabic script: short vowels unwritten, a doubled letter written once, an
    initial vowel on an alef."""
    words = []
    for part in name.split("+"):
        for word, script in _ARABIC_WORDS.items():
            if part.startswith(word):
                words.append(script + arabic(part[len(word) :]) if part != word else script)
                break
        else:
            text = ("ا" if part[:1] in "aeiuoAIU" and part[:1] not in "AIU" else "") + "".join(
                ARABIC.get(c, "") for c in part
            )
            words.append(re.sub(r"(.)\1", r"\1", text))
    return "\u200c".join(words)


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.random()
    if kind < 0.4:
        return text[:i] + text[i + 1 :]
    if kind < 0.7:
        return text[:i] + text[i] + text[i:]
    return text[:i] + rng.choice("aeioundrmst") + text[i + 1 :]


def _tazkira(rng: random.Random) -> str:
    return str(rng.randrange(10**12, 10**13))


def _phone(rng: random.Random) -> str:
    return f"7{rng.choice('0123456789')}{rng.randrange(10**6, 10**7)}"


def _birth(rng: random.Random, age_lo: int, age_hi: int) -> dt.date:
    return RECEIVED - dt.timedelta(days=rng.randrange(age_lo * 365, age_hi * 365))


def population(people: int, seed: int) -> Iterator[Household]:
    """Households until `people` persons exist."""
    rng = random.Random(seed)
    made, hid = 0, 0
    while made < people:
        hid += 1
        family = rng.choice(FAMILY) if rng.random() < 0.8 else ""
        grandfather = rng.choice(MALE)
        head_given = rng.choice(MALE)
        head_born = _birth(rng, 28, 65)
        h = Household(
            hid=hid,
            phone=_phone(rng),
            abroad_phone=(f"+49{rng.randrange(10**9, 10**10)}" if rng.random() < 0.1 else None),
        )
        n = 0

        def person(
            given: str,
            father: str,
            sex: str,
            born: dt.date,
            adult: bool,
            hid: int = hid,
            family: str = family,
        ) -> Person:
            nonlocal n
            n += 1
            tazkira = _tazkira(rng) if rng.random() < (0.8 if adult else 0.35) else None
            return Person(
                pid=f"P{hid}-{n}",
                given=given,
                father=father,
                family=family,
                sex=sex,
                born=born,
                tazkira=tazkira,
                tazkira_old=_tazkira(rng) if tazkira and rng.random() < 0.03 else None,
                passport=(
                    f"P{rng.randrange(10**7, 10**8)}" if adult and rng.random() < 0.15 else None
                ),
            )

        if rng.random() < 0.15 and (head_born.year > 1965):  # the grandfather lives with them
            h.members.append(
                person(grandfather, rng.choice(MALE), "male", _birth(rng, 60, 90), True)
            )
        head = person(head_given, grandfather, "male", head_born, True)
        h.members.append(head)
        if rng.random() < 0.85:
            h.members.append(
                person(
                    rng.choice(FEMALE),
                    rng.choice(MALE),
                    "female",
                    head_born + dt.timedelta(days=rng.randrange(0, 3650)),
                    True,
                )
            )
        children = rng.choice((0, 1, 2, 3, 3, 4, 4, 5, 6, 7))
        last_given: str | None = None
        for _c in range(children):
            born = head_born + dt.timedelta(days=365 * 19 + rng.randrange(0, 365 * 25))
            if born > RECEIVED:
                break
            sex = rng.choice(("male", "female"))
            pool = MALE if sex == "male" else FEMALE
            r = rng.random()
            if sex == "male" and r < 0.07:
                given = head_given  # named after his father
            elif (
                sex == "male"
                and r < 0.12
                and not any(m.given == grandfather for m in h.members[1:])
            ):
                given = grandfather  # after his grandfather
            elif sex == "male" and r < 0.3 and last_given and "+" in last_given:
                given = last_given.split("+")[0] + "+" + rng.choice(pool).split("+")[-1]
            else:
                given = rng.choice(pool)
            child = person(
                given, head_given, sex, born, born < RECEIVED - dt.timedelta(days=18 * 365)
            )
            h.members.append(child)
            last_given = given if sex == "male" else last_given
            if rng.random() < 0.04:  # twins
                tw_sex = rng.choice(("male", "female"))
                tw_pool = MALE if tw_sex == "male" else FEMALE
                h.members.append(
                    person(rng.choice(tw_pool), head_given, tw_sex, born, child.tazkira is not None)
                )
        made += len(h.members)
        yield h


def _date_text(born: dt.date, style: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.05:
        return ""
    if r < 0.10:
        born = born + dt.timedelta(days=rng.choice((-365, 365)))
    if style == "year" or (style == "day" and rng.random() < 0.15):
        return str(born.year)
    if style == "jan1":
        return f"01/01/{born.year}" if rng.random() < 0.7 else born.strftime("%d/%m/%Y")
    if style == "hijri":
        from persiantools.jdatetime import JalaliDate

        j = JalaliDate.to_jalali(born)
        return str(j.year) if rng.random() < 0.3 else f"{j.year}/{j.month:02d}/{j.day:02d}"
    day, month = born.day, born.month
    if day <= 12 and rng.random() < 0.08:
        day, month = month, day
    return f"{day:02d}/{month:02d}/{born.year}"


def _phone_text(phone: str, rng: random.Random) -> str:
    return rng.choice(
        (
            f"0{phone}",
            f"+93{phone}",
            f"0093 {phone[:2]} {phone[2:5]} {phone[5:]}",
            f"+93 {phone[:2]} {phone[2:]}",
        )
    )


def _row(
    person: Person,
    h: Household,
    org: tuple[str, str, float, float, float, str],
    ref: str,
    rng: random.Random,
) -> dict[str, str]:
    name, habit, father_p, phone_p, tazkira_p, style = org
    arabic_only = habit == "arabic-script" or rng.random() < 0.04
    latin_habit = habit if habit in HABITS else "english"
    given = spell(person.given, latin_habit, rng)
    family = spell(person.family, latin_habit, rng) if person.family else ""
    father = spell(person.father, latin_habit, rng) if rng.random() < father_p else ""
    if rng.random() < 0.06:
        given = _typo(given, rng)
    if family and rng.random() < 0.2:
        family = ""
    native = ""
    if arabic_only:
        native = arabic(person.given) + (" " + arabic(person.family) if person.family else "")
        given = family = ""
        father = ""  # forms in Arabic script here carry the name only
    tazkira = ""
    if person.tazkira and rng.random() < tazkira_p:
        tazkira = (
            person.tazkira_old if person.tazkira_old and rng.random() < 0.5 else person.tazkira
        )
        if rng.random() < 0.03:
            i = rng.randrange(len(tazkira))
            tazkira = (
                tazkira[:i] + str((int(tazkira[i]) + rng.randrange(1, 10)) % 10) + tazkira[i + 1 :]
            )
    phone = ""
    if rng.random() < phone_p:
        phone = (
            h.abroad_phone if h.abroad_phone and rng.random() < 0.5 else _phone_text(h.phone, rng)
        )
    return {
        "external_id": f"{ref}-{person.pid}",
        "given_name": given,
        "family_name": family,
        "father_name": father,
        "name_native": native,
        "date_of_birth": _date_text(person.born, style, rng),
        "sex": person.sex if rng.random() < 0.9 else "",
        "phone": phone,
        "email": "",
        "tazkira_number": tazkira,
        "passport_number": person.passport if person.passport and rng.random() < 0.5 else "",
        "household_ref": ref,
        "truth_person": person.pid,
        "organisation": name,
    }


def registrations(people: int, seed: int = 21) -> Iterator[dict[str, str]]:
    """Import rows for about `people` persons, with the truth (`truth_person`)."""
    rng = random.Random(seed + 1)
    reg = 0
    for h in population(people, seed):
        times = 1 + (rng.random() < 0.45) + (rng.random() < 0.15) + (rng.random() < 0.05)
        orgs = rng.sample(ORGANISATIONS, times)
        for org in orgs:
            reg += 1
            kept = [m for m in h.members if rng.random() < 0.85] or h.members[:1]
            for m in kept:
                yield _row(m, h, org, f"R{reg}", rng)
        for m in h.members:  # an adult registered again alone (an employer's list)
            if m.tazkira and rng.random() < 0.04:
                reg += 1
                yield _row(m, h, rng.choice(ORGANISATIONS), f"R{reg}", rng)


COLUMNS = (
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
    "household_ref",
    "truth_person",
    "organisation",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    with args.out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        n = 0
        for row in registrations(args.people, args.seed):
            writer.writerow(row)
            n += 1
    print(f"wrote {n} rows for about {args.people} people", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
