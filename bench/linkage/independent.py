"""Registrations written apart from the project's generators and its linkage model: Afghan
families as NGOs, embassies, UN agencies and employers listed them in 2021, each with its own
transliteration habit, date format and fields, with the noise applied recorded on every row.

    PYTHONPATH=src:. .venv/bin/python -m bench.linkage.independent --people 20000 --out x.csv

Every row is one person as one form listed them; `truth_person` says who they really are and
`noise` what was done to the row ("spelling:french;dob:year-only;phone:household"). Tags
starting "who:" describe the person (a twin, a namesake of their father), not the row.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from persiantools.jdatetime import JalaliDate

from bench.linkage import independent_names as pools

KEYS = ("external_id", "given_name", "family_name", "father_name", "name_native",
        "date_of_birth", "sex", "phone", "email", "tazkira_number", "passport_number",
        "household_ref", "truth_person", "organisation", "noise")

REGISTERED_ON = dt.date(2021, 8, 20)  # ages are stated as of the evacuation

T = TypeVar("T")


def pick(rng: random.Random, weighted: Sequence[tuple[T, float]]) -> T:
    """One item of (item, weight) pairs."""
    total = sum(w for _, w in weighted)
    x = rng.random() * total
    for item, w in weighted:
        x -= w
        if x < 0:
            return item
    return weighted[-1][0]


def chance(rng: random.Random, p: float) -> bool:
    return rng.random() < p


# ------------------------------------------------------------------------------------------
# Names: a name is its parts in a pivot spelling plus its Arabic-script form.
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Name:
    shape: str  # simple | mohammad | abdul | ullah | uddin | prefixed | female | family
    parts: tuple[str, ...]  # pivot spellings: ("Abdul", "Rahman"), ("Zabih", "ullah")
    native: str


def _pool(entries: list[tuple[str, str, float]]) -> list[tuple[tuple[str, str], float]]:
    return [((latin, native), w) for latin, native, w in entries]


ALLAH, AL_DIN = pools.ALLAH, pools.AL_DIN
_SIMPLE = _pool(pools.SIMPLE_MALE)
_ABDUL = _pool(pools.ABDUL_PARTS)
_ULLAH = _pool(pools.ULLAH_PARTS)
_UDDIN = _pool(pools.UDDIN_PARTS)
_MOHAMMAD = _pool(pools.MOHAMMAD_SECONDS)
_PREFIXED = _pool(pools.PREFIXED_MALE)
_FEMALE = _pool(pools.FEMALE)
_PASHTUN = _pool(pools.PASHTUN_FAMILY)
_OTHER = _pool(pools.OTHER_FAMILY)
_SHAPES = list(pools.MALE_SHAPES.items())


def male_name(rng: random.Random, shape: str | None = None) -> Name:
    shape = shape or pick(rng, _SHAPES)
    if shape == "mohammad":
        (latin, native) = pick(rng, _MOHAMMAD)
        return Name("mohammad", ("Mohammad", latin), f"محمد {native}")
    if shape == "abdul":
        (latin, native) = pick(rng, _ABDUL)
        return Name("abdul", ("Abdul", latin), "عبد" + ("ال" + native.removeprefix("ال")))
    if shape == "ullah":
        (latin, native) = pick(rng, _ULLAH)
        return Name("ullah", (latin, "ullah"), f"{native}\u200c{ALLAH}")
    if shape == "uddin":
        (latin, native) = pick(rng, _UDDIN)
        return Name("uddin", (latin, "uddin"), f"{native}\u200c{AL_DIN}")
    if shape == "prefixed":
        (latin, native) = pick(rng, _PREFIXED)
        return Name("prefixed", tuple(latin.split()), native)
    (latin, native) = pick(rng, _SIMPLE)
    return Name("simple", (latin,), native)


def female_name(rng: random.Random) -> Name:
    (latin, native) = pick(rng, _FEMALE)
    return Name("female", tuple(latin.split()), native)


def family_name(rng: random.Random, *, pashtun: bool) -> Name:
    (latin, native) = pick(rng, _PASHTUN if pashtun and chance(rng, 0.8) else _OTHER)
    return Name("family", (latin,), native)


# Spellings of the commonest words by habit, with weights: the general rules below would
# not produce Mohd, Husayn or Hossein.
_WORD_SPELLINGS: dict[str, dict[str, list[tuple[str, float]]]] = {
    "mohammad": {
        "english": [("Mohammad", 60), ("Muhammad", 15), ("Mohammed", 15), ("Mohamad", 10)],
        "french": [("Mohammed", 40), ("Mohamed", 40), ("Mohammad", 20)],
        "german": [("Mohammad", 50), ("Mohammed", 30), ("Muhammad", 20)],
        "arabic": [("Muhammad", 90), ("Mohammed", 10)],
        "iranian": [("Mohammad", 90), ("Mohamad", 10)],
        "urdu": [("Muhammad", 60), ("Mohd", 20), ("Mohammad", 20)],
        "informal": [("Mohammad", 30), ("Mohamad", 20), ("Muhammad", 15), ("Mohd", 10),
                     ("Mohammed", 10), ("Md", 5), ("Mohmmad", 5), ("Muhammed", 5)],
    },
    "ahmad": {
        "english": [("Ahmad", 85), ("Ahmed", 15)], "french": [("Ahmed", 70), ("Ahmad", 30)],
        "german": [("Ahmad", 70), ("Ahmed", 30)], "arabic": [("Ahmad", 80), ("Ahmed", 20)],
        "iranian": [("Ahmad", 100)], "urdu": [("Ahmed", 60), ("Ahmad", 40)],
        "informal": [("Ahmad", 60), ("Ahmed", 35), ("Ahmd", 5)],
    },
    "hussain": {
        "english": [("Hussain", 60), ("Hussein", 25), ("Husain", 15)],
        "french": [("Houssein", 50), ("Hussein", 40), ("Hossein", 10)],
        "german": [("Hussein", 60), ("Hussain", 40)], "arabic": [("Husayn", 70), ("Husain", 30)],
        "iranian": [("Hossein", 90), ("Hosein", 10)], "urdu": [("Hussain", 100)],
        "informal": [("Hussain", 40), ("Husain", 20), ("Hussein", 20), ("Hosain", 10),
                     ("Hossain", 10)],
    },
    "hussaini": {
        "english": [("Hussaini", 70), ("Husaini", 30)], "french": [("Husseini", 100)],
        "german": [("Husseini", 100)], "arabic": [("Husayni", 100)],
        "iranian": [("Hosseini", 100)], "urdu": [("Hussaini", 100)],
        "informal": [("Hussaini", 60), ("Husaini", 20), ("Hosseini", 20)],
    },
    "ghulam": {
        "english": [("Ghulam", 90), ("Gholam", 10)], "french": [("Ghoulam", 70), ("Gholam", 30)],
        "german": [("Ghulam", 100)], "arabic": [("Ghulam", 100)], "iranian": [("Gholam", 100)],
        "urdu": [("Ghulam", 100)], "informal": [("Ghulam", 70), ("Gulam", 20), ("Gholam", 10)],
    },
    "yousuf": {
        "english": [("Yousuf", 50), ("Yusuf", 30), ("Yousef", 20)],
        "french": [("Youssouf", 60), ("Youssef", 40)], "german": [("Jussuf", 50), ("Yusuf", 50)],
        "arabic": [("Yusuf", 100)], "iranian": [("Yousef", 90), ("Yusef", 10)],
        "urdu": [("Yousaf", 60), ("Yusuf", 40)],
        "informal": [("Yousuf", 40), ("Yosuf", 20), ("Yousaf", 20), ("Yusof", 20)],
    },
    "osman": {
        "english": [("Osman", 70), ("Usman", 30)], "french": [("Osmane", 50), ("Osman", 50)],
        "german": [("Osman", 100)], "arabic": [("Uthman", 100)], "iranian": [("Osman", 100)],
        "urdu": [("Usman", 100)], "informal": [("Usman", 50), ("Osman", 50)],
    },
    "sayed": {
        "english": [("Sayed", 60), ("Sayyed", 20), ("Syed", 20)],
        "french": [("Sayed", 60), ("Seyed", 40)], "german": [("Sajed", 30), ("Sayed", 70)],
        "arabic": [("Sayyid", 100)], "iranian": [("Seyed", 100)], "urdu": [("Syed", 100)],
        "informal": [("Sayed", 50), ("Syed", 30), ("Said", 20)],
    },
    "dawood": {
        "english": [("Dawood", 60), ("Dawud", 20), ("Daud", 20)],
        "french": [("Daoud", 100)], "german": [("Dawud", 60), ("Daud", 40)],
        "arabic": [("Dawud", 100)], "iranian": [("Davood", 100)], "urdu": [("Dawood", 100)],
        "informal": [("Dawood", 40), ("Daud", 40), ("Dawod", 20)],
    },
}

# Habit-wide rewrites of the pivot, lower case, each with the chance it is applied.
_RULES: dict[str, list[tuple[str, str, float]]] = {
    "english": [(r"oo", "u", 0.15), (r"(?<=[^aeiou])i(?=[^aeiou]$)", "ee", 0.10),
                (r"(?<=[^o])u(?=[^aeiou])", "oo", 0.05), (r"zaher", "zahir", 0.3),
                (r"aw", "au", 0.05), (r"ai", "ay", 0.1)],
    "french": [(r"sh", "ch", 0.8), (r"oo|(?<!o)u", "ou", 0.8), (r"^j|(?<=[aeiou])j", "dj", 0.6),
               (r"^w(?=[aeiou])", "ou", 0.5), (r"ee", "i", 0.9), (r"q", "k", 0.3),
               (r"y(?=[aeiou])", "y", 1.0), (r"(?<=[aeiou])w(?=[aeiou])", "ou", 0.3)],
    # ch before sh: the sch that sh becomes must not turn into stsch.
    "german": [(r"ch", "tsch", 0.8), (r"sh", "sch", 0.8), (r"^j|(?<=[aeiou])j", "dsch", 0.5),
               (r"y", "j", 0.7), (r"kh", "ch", 0.4), (r"^z", "s", 0.25), (r"oo", "u", 0.8),
               (r"ee", "i", 0.9), (r"q", "k", 0.3)],
    "arabic": [(r"oo", "u", 1.0), (r"o", "u", 0.9), (r"ee", "i", 1.0), (r"e", "i", 0.8),
               (r"ai", "ay", 0.8), (r"ou", "u", 1.0), (r"zaher", "zahir", 1.0)],
    "iranian": [(r"w", "v", 0.85), (r"^i", "e", 0.8), (r"oo", "ou", 0.7), (r"(?<=.)ai", "ei", 0.9),
                (r"(?<=[^aeiou])u(?=[^aeiou])", "o", 0.6), (r"^q", "gh", 0.4),
                (r"mahdi", "mehdi", 0.9)],
    "urdu": [(r"(?<=[^aeiou])i(?=[^aeiou]$)", "ee", 0.5), (r"(?<=[^o])u(?=[^aeiou])", "oo", 0.3),
             (r"mahmood", "mehmood", 0.6), (r"rahman", "rehman", 0.6), (r"ahmad$", "ahmed", 0.5)],
    "informal": [(r"(?<=[^aeiou])i(?=[^aeiou]$)", "ee", 0.25),
                 (r"(?<=[^o])u(?=[^aeiou])", "oo", 0.15), (r"oo", "u", 0.2), (r"q", "k", 0.15),
                 (r"kh", "x", 0.02), (r"w", "v", 0.08), (r"ai", "ay", 0.15),
                 (r"([^aeiou])\1", r"\1", 0.25), (r"h$", "", 0.1), (r"ee", "i", 0.3)],
}
# Iranian spelling writes a final -a of women's names as -eh (Fatemeh, Razieh, Zakieh).
_IRANIAN_FEMININE = [(r"ia$", "ieh", 0.8), (r"ima$", "emeh", 0.8), (r"(?<=[^aeiou])a$", "eh", 0.5)]

HABITS = ("english", "french", "german", "arabic", "iranian", "urdu", "informal")


def spell_word(word: str, habit: str, rng: random.Random, *, feminine: bool = False) -> str:
    """One word of a name as a clerk with this habit would write it."""
    key = word.lower()
    if key in _WORD_SPELLINGS:
        return pick(rng, _WORD_SPELLINGS[key][habit])
    out = key
    rules = _RULES[habit] + (_IRANIAN_FEMININE if habit == "iranian" and feminine else [])
    for pattern, replacement, p in rules:
        if p and chance(rng, p):
            out = re.sub(pattern, replacement, out)
    return out[:1].upper() + out[1:]


_SUN_LETTERS = ("r", "s", "z", "sh", "n", "t", "d")


def render_given(name: Name, habit: str, rng: random.Random) -> tuple[str, list[str]]:
    """The whole given name in Latin letters, and the tags of anything beyond the habit."""
    tags: list[str] = []
    fem = name.shape == "female"
    if name.shape == "mohammad":
        second = spell_word(name.parts[1], habit, rng)
        if chance(rng, 0.12):
            return second, ["name:short-form"]
        if chance(rng, 0.04):
            return f"M. {second}", ["name:initial"]
        first = spell_word("Mohammad", habit, rng)
        return (f"{first}{second}" if chance(rng, 0.03) else f"{first} {second}"), tags
    if name.shape == "abdul":
        rest = spell_word(name.parts[1], habit, rng)
        if chance(rng, 0.04):
            return rest, ["name:short-form"]
        low = rest.lower()
        sun = low.startswith(_SUN_LETTERS)
        forms: dict[str, list[tuple[str, float]]] = {
            "english": [(f"Abdul {rest}", 55), (f"Abdul{low}", 25), (f"Abdul-{rest}", 8),
                        (f"Abdu{low[0]} {rest}" if sun else f"Abdul {rest}", 12)],
            "french": [(f"Abdel {rest}", 45), (f"Abdoul {rest}", 30), (f"Abdul {rest}", 25)],
            "german": [(f"Abdul {rest}", 70), (f"Abdul-{rest}", 30)],
            "arabic": [(f"Abd al-{rest}", 50), (f"Abd a{low[0]}-{rest}" if sun
                                                else f"Abd al-{rest}", 20),
                       (f"Abdel{low}", 10), (f"Abd-ul-{rest}", 20)],
            "iranian": [(f"Abdol{low}", 50), (f"Abdol {rest}", 40), (f"Abdul {rest}", 10)],
            "urdu": [(f"Abdul {rest}", 60), (f"Abdu{low[0]} {rest}" if sun
                                             else f"Abdul {rest}", 40)],
            "informal": [(f"Abdul {rest}", 40), (f"Abdul{low}", 30), (f"Abd {rest}", 10),
                         (f"Abdol {rest}", 10), (f"A. {rest}", 10)],
        }
        return pick(rng, forms[habit]), tags
    if name.shape in ("ullah", "uddin"):
        head = spell_word(name.parts[0], habit, rng)
        low_head = head.lower()
        if name.shape == "ullah":
            suffixes = {
                "english": [("ullah", 75), (" Ullah", 15), ("-ullah", 10)],
                "french": [("oullah", 40), ("ullah", 60)], "german": [("ullah", 80), ("ulla", 20)],
                "arabic": [("ullah", 50), (" Allah", 30), ("allah", 20)],
                "iranian": [("ollah", 90), ("ullah", 10)], "urdu": [("ullah", 90), (" Ullah", 10)],
                "informal": [("ullah", 45), ("ulla", 15), (" Ullah", 15), ("ulah", 10),
                             ("ollah", 10), ("ullha", 5)],
            }
        else:
            suffixes = {
                "english": [("uddin", 70), ("-ud-Din", 15), (" Uddin", 15)],
                "french": [("eddine", 60), ("uddin", 40)], "german": [("uddin", 100)],
                "arabic": [(" al-Din", 60), ("-ud-Din", 40)], "iranian": [("oddin", 100)],
                "urdu": [("uddin", 70), ("-ud-Din", 30)],
                "informal": [("uddin", 50), ("udin", 20), ("uddeen", 20), (" Uddin", 10)],
            }
        suffix = pick(rng, suffixes[habit])
        # The h of Zabih falls silent before the vowel: Zabiullah beside Zabihullah.
        if low_head.endswith("ih") and not suffix.startswith((" ", "-")) and chance(rng, 0.3):
            head = head[:-1]
            tags.append("name:silent-h")
        return head + suffix, tags
    words = [spell_word(w, habit, rng, feminine=fem) for w in name.parts]
    if len(words) > 1 and habit == "informal" and chance(rng, 0.15):
        return words[0] + words[1].lower(), ["name:joined"]
    if len(words) > 1 and name.parts[0] == "Bibi" and chance(rng, 0.2):
        return " ".join(words[1:]), ["name:short-form"]  # Bibi is also an honorific
    return " ".join(words), tags


def pivot_spelling(name: Name) -> str:
    """The common English spelling: Mohammad Nabi, Abdul Rahman, Zabihullah, Nizamuddin."""
    if name.shape in ("ullah", "uddin"):
        return "".join(name.parts)
    return " ".join(name.parts)


_NEIGHBOURS = {
    "a": "sqz", "b": "vn", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj", "i": "uo",
    "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "q": "wa", "r": "et",
    "s": "ad", "t": "ry", "u": "yi", "w": "qe", "y": "tu", "z": "as",
}


def mistype(text: str, rng: random.Random) -> str:
    """One keyboard slip: a neighbour key, a dropped, doubled or swapped letter."""
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.randrange(4)
    c = text[i]
    if kind == 0 and c.lower() in _NEIGHBOURS:
        return text[:i] + rng.choice(_NEIGHBOURS[c.lower()]) + text[i + 1:]
    if kind == 1:
        return text[:i] + text[i + 1:]
    if kind == 2:
        return text[:i] + c + text[i:]
    return text[:i] + text[i + 1] + text[i] + text[i + 2:]


_ARABIC_KEYBOARD = str.maketrans({"ی": "ي", "ک": "ك"})


def native_spelling(text: str, rng: random.Random) -> tuple[str, list[str]]:
    """Arabic script as typed: some keyboards give Arabic yeh and kaf, compounds are written
    joined, with a zero-width non-joiner or with a space."""
    tags = []
    if chance(rng, 0.25):
        text = text.translate(_ARABIC_KEYBOARD)
        tags.append("native:arabic-keyboard")
    if "\u200c" in text:
        text = text.replace("\u200c", pick(rng, [("", 0.4), (" ", 0.4), ("\u200c", 0.2)]))
    if text.startswith("عبدال") and chance(rng, 0.4):
        text = "عبد ال" + text[5:]
    return text, tags


# ------------------------------------------------------------------------------------------
# People and families
# ------------------------------------------------------------------------------------------


@dataclass
class Person:
    pid: str
    sex: str
    born: dt.date
    given: Name
    father: Name  # the father's given name, as on a tazkira
    surname: Name | None  # an adopted family name, None for many rural families
    tribe: Name | None
    knows: str  # exact | year | age: how much of the birth date the person can give
    believed_sh_year: int
    heaped_age: int | None
    tazkira_paper: str = ""
    tazkira_electronic: str = ""
    passport: str = ""
    old_passport: str = ""
    phones: list[str] = field(default_factory=list)
    email: str = ""
    role: str = "head"  # head | wife | child | son | daughter_in_law | grandchild | parent | ...
    who: list[str] = field(default_factory=list)
    spouse: Person | None = None
    maiden: Name | None = None


@dataclass
class Family:
    members: list[Person]
    head: Person
    pashtun: bool
    abroad_phone: str
    shared_email: str


def _afghan_mobile(rng: random.Random) -> str:
    return f"7{rng.choice('0123456789')}{rng.randrange(10**7):07d}"


_ABROAD = [("49", 20), ("1", 20), ("44", 12), ("92", 20), ("98", 14), ("90", 5), ("33", 3),
           ("31", 3), ("46", 3)]


def _foreign_mobile(rng: random.Random) -> str:
    cc = pick(rng, _ABROAD)
    if cc == "49":
        return f"+49 15{rng.choice('12579')}{rng.randrange(10**7):07d}"
    if cc == "1":
        area = rng.choice(["703", "571", "916", "510", "832", "206"])
        return f"+1 {area}{rng.randrange(2, 10)}{rng.randrange(10**6):06d}"
    if cc == "44":
        return f"+44 7{rng.choice('4589')}{rng.randrange(10**8):08d}"
    if cc == "92":
        return f"+92 3{rng.choice('01234')}{rng.randrange(10):d}{rng.randrange(10**7):07d}"
    if cc == "98":
        return f"+98 9{rng.choice('0123')}{rng.randrange(10):d}{rng.randrange(10**7):07d}"
    if cc == "90":
        return f"+90 5{rng.choice('3456')}{rng.randrange(10):d}{rng.randrange(10**7):07d}"
    if cc == "33":
        return f"+33 {rng.choice('67')}{rng.randrange(10**8):08d}"
    if cc == "31":
        return f"+31 6{rng.randrange(10**8):08d}"
    return f"+46 7{rng.choice('0236')}{rng.randrange(10**7):07d}"


def _sh_year(day: dt.date) -> int:
    return int(JalaliDate(day).year)


def _age(born: dt.date) -> int:
    return REGISTERED_ON.year - born.year - ((REGISTERED_ON.month, REGISTERED_ON.day)
                                             < (born.month, born.day))


class Population:
    """Families drawn one at a time; person ids run across the whole population."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.next_id = 0
        self.paper_serial = rng.randrange(10**5, 10**6)

    def _id(self) -> str:
        self.next_id += 1
        return f"T{self.next_id:07d}"

    def person(self, *, sex: str, born: dt.date, given: Name, father: Name,
               surname: Name | None, tribe: Name | None, role: str) -> Person:
        rng = self.rng
        age = _age(born)
        # Who can give a full birth date: the young, those with passports or schooling; the
        # rest give a year (from the tazkira, Solar Hijri) or an age.
        if age < 12:
            knows = pick(rng, [("exact", 60), ("year", 30), ("age", 10)])
        elif sex == "F":
            knows = pick(rng, [("exact", 25), ("year", 45), ("age", 30)])
        else:
            knows = pick(rng, [("exact", 40), ("year", 42), ("age", 18)])
        sh = _sh_year(born)
        # A paper tazkira gives the age at issue, so the year people carry is often off by one.
        believed = sh + (pick(rng, [(0, 70), (1, 15), (-1, 15)]) if knows != "exact" else 0)
        heaped = None
        if knows == "age" and age >= 20:
            heaped = 5 * round(age / 5) if chance(rng, 0.5) else age + rng.choice([-1, 0, 1])
        p = Person(self._id(), sex, born, given, father, surname, tribe, knows, believed,
                   heaped, role=role)
        adult = age >= 18
        if sex == "M":
            has_paper = chance(rng, 0.85 if adult else 0.25)
            has_e = chance(rng, 0.35 if adult else 0.10)
        else:
            has_paper = chance(rng, 0.50 if adult else 0.15)
            has_e = chance(rng, 0.20 if adult else 0.08)
        if has_paper:
            self.paper_serial += rng.randrange(1, 400)
            p.tazkira_paper = str(self.paper_serial % 10**rng.choice([6, 7, 7, 8]))
        if has_e or (not has_paper and chance(rng, 0.1)):
            p.tazkira_electronic = f"{rng.choice([1398, 1399, 1400])}" \
                                   f"{rng.randrange(10**4):04d}{rng.randrange(10**5):05d}"
        if chance(rng, (0.30 if sex == "M" else 0.18) if adult else 0.10):
            p.passport = f"P{rng.randrange(10**8):08d}"
            if chance(rng, 0.08):
                p.old_passport = f"P{rng.randrange(10**8):08d}"
        if adult and chance(rng, 0.9 if sex == "M" else 0.3):
            p.phones.append(_afghan_mobile(rng))
            if chance(rng, 0.18):
                p.phones.append(_afghan_mobile(rng))  # a new SIM after the first was known
        if adult and chance(rng, 0.12 if sex == "M" else 0.06):
            p.email = f"{given.parts[-1].lower()}.{rng.randrange(100, 10000)}@" \
                      f"{pick(rng, [('gmail.com', 70), ('yahoo.com', 20), ('hotmail.com', 10)])}"
        return p

    def family(self) -> Family:
        rng = self.rng
        pashtun = chance(rng, 0.45)
        tribe = family_name(rng, pashtun=True) if pashtun else None
        # An adopted family name: urban and educated families; rural families often have none.
        surname = (tribe if pashtun and chance(rng, 0.5) else family_name(rng, pashtun=False)) \
            if chance(rng, 0.55) else None
        grandfather = male_name(rng)
        head_age = int(rng.triangular(22, 68, 34))
        head_born = self._birthday(head_age)
        head = self.person(sex="M", born=head_born, given=male_name(rng), father=grandfather,
                           surname=surname, tribe=tribe, role="head")
        members = [head]
        if chance(rng, 0.22) and head_age < 52:
            gf = self.person(sex="M", born=self._birthday(head_age + rng.randrange(20, 35)),
                             given=grandfather, father=male_name(rng), surname=surname,
                             tribe=tribe, role="parent")
            members.append(gf)
        if chance(rng, 0.30) and head_age < 58:
            members.append(self.person(sex="F", born=self._birthday(head_age + rng.randrange(17,
                                                                                             30)),
                                       given=female_name(rng), father=male_name(rng),
                                       surname=surname, tribe=tribe, role="parent"))
        if chance(rng, 0.10):  # an unmarried brother or sister of the head: same father's name
            sex = rng.choice("MF")
            members.append(self.person(sex=sex, born=self._birthday(rng.randrange(15, 30)),
                                       given=male_name(rng) if sex == "M" else female_name(rng),
                                       father=grandfather, surname=surname, tribe=tribe,
                                       role="sibling"))
        wives = []
        if head_age >= 21 and chance(rng, 0.93):
            wives.append(self._wife(head, head_age - rng.randrange(0, 11), pashtun))
            if head_age >= 35 and chance(rng, 0.03):
                wives.append(self._wife(head, head_age - rng.randrange(8, 20), pashtun))
        members += wives
        for wife in wives:
            members += self._children(head, wife, _age(wife.born), grandfather, surname, tribe)
        abroad = _foreign_mobile(rng) if chance(rng, 0.35) else ""
        email = f"family.{rng.randrange(10**5)}@gmail.com" if chance(rng, 0.05) else ""
        return Family(members, head, pashtun, abroad, email)

    def _birthday(self, age: int) -> dt.date:
        start = REGISTERED_ON - dt.timedelta(days=365 * age + self.rng.randrange(365))
        return start

    def _wife(self, husband: Person, age: int, pashtun: bool) -> Person:
        rng = self.rng
        own_surname = family_name(rng, pashtun=pashtun) if chance(rng, 0.5) else None
        wife = self.person(sex="F", born=self._birthday(max(age, 16)), given=female_name(rng),
                           father=male_name(rng), surname=husband.surname, tribe=husband.tribe,
                           role="wife")
        wife.maiden = own_surname
        wife.spouse = husband
        return wife

    def _children(self, father: Person, mother: Person, mother_age: int, grandfather: Name,
                  surname: Name | None, tribe: Name | None, *, depth: int = 0) -> list[Person]:
        rng = self.rng
        room = max(0, mother_age - 17)
        count = min(10, _poisson(rng, min(6.0, room / 3.2)))
        ages = sorted({max(0, room - 1 - rng.randrange(0, room + 1)) for _ in range(count)},
                      reverse=True) if room else []
        kids: list[Person] = []
        sons: list[Person] = []
        for age in ages:
            twins = chance(rng, 0.015)
            born = self._birthday(age)
            for n in range(2 if twins else 1):
                sex = rng.choice("MF")
                given, who = self._child_name(sex, father, grandfather, sons, kids, twins, n)
                child = self.person(sex=sex, born=born, given=given, father=father.given,
                                    surname=surname, tribe=tribe,
                                    role="child" if depth == 0 else "grandchild")
                child.who += who
                if twins:
                    child.who.append("who:twin")
                if sex == "F" and age >= 19 and depth == 0 and chance(rng, 0.6):
                    continue  # a married daughter lives with her husband's family
                kids.append(child)
                if sex == "M":
                    sons.append(child)
                if sex == "M" and age >= 22 and depth == 0 and chance(rng, 0.55):
                    wife = self._wife(child, age - rng.randrange(0, 6), tribe is not None)
                    wife.role = "daughter_in_law"
                    kids.append(wife)
                    kids += self._children(child, wife, _age(wife.born), father.given, surname,
                                           tribe, depth=1)
        return kids

    def _child_name(self, sex: str, father: Person, grandfather: Name, sons: list[Person],
                    kids: list[Person], twins: bool, n: int) -> tuple[Name, list[str]]:
        rng = self.rng
        if sex == "F":
            same = [k for k in kids if k.sex == "F"]
            if same and chance(rng, 0.015):
                return rng.choice(same).given, ["who:sibling-same-name"]
            return female_name(rng), []
        if not sons and chance(rng, 0.08):
            return grandfather, ["who:namesake-grandfather"]
        if not sons and chance(rng, 0.02):
            return father.given, ["who:namesake-father"]
        if twins and n == 1 and sons and sons[-1].given.parts == ("Hasan",):
            return Name("simple", ("Hussain",), "حسین"), ["who:twin-hasan-hussain"]
        if twins and n == 0 and chance(rng, 0.3):
            return Name("simple", ("Hasan",), "حسن"), []
        if sons and chance(rng, 0.015):
            return rng.choice(sons).given, ["who:sibling-same-name"]
        if sons and chance(rng, 0.10):
            # Brothers sharing the first part: Mohammad Nabi and Mohammad Wali, Gul Ahmad and
            # Gul Rahman, Zabihullah and Habibullah.
            elder = rng.choice(sons).given
            name = male_name(rng, elder.shape if elder.shape != "prefixed" else None)
            return name, ["who:sibling-similar-name"]
        return male_name(rng), []


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: means here are small.
    limit, k, p = pow(2.718281828459045, -mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


# ------------------------------------------------------------------------------------------
# Organisations and their forms
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Organisation:
    name: str
    code: str
    weight: float
    habits: list[tuple[str, float]]
    dates: list[tuple[str, float]]  # iso | dmy | dmy-dot | mdy | sh | sh-text | sh-persian | year
    father: float  # chance the father's name is asked
    tazkira: float
    passport: float
    sex: float
    native: float  # chance the Arabic-script name is filled in as well
    native_only: float  # chance a whole form was typed in Arabic script only
    phones: list[tuple[str, float]]  # own | household | abroad | first-only | none
    coverage: list[tuple[str, float]]  # whole | nuclear | principal | principal-family


_ENGLISH = [("english", 80), ("informal", 15), ("urdu", 5)]
ORGANISATIONS = [
    Organisation("UN agency (Kabul)", "UNA", 14, [("english", 70), ("informal", 10),
                                                  ("iranian", 10), ("arabic", 10)],
                 [("dmy", 60), ("iso", 20), ("year", 10), ("sh", 10)], 0.9, 0.8, 0.3, 0.97,
                 0.5, 0.02, [("own", 40), ("household", 50), ("none", 10)],
                 [("whole", 60), ("nuclear", 30), ("principal-family", 10)]),
    Organisation("Migration agency", "MIG", 10, _ENGLISH, [("dmy", 70), ("iso", 30)], 0.8, 0.7,
                 0.5, 0.95, 0.2, 0.0, [("household", 70), ("own", 20), ("none", 10)],
                 [("whole", 50), ("nuclear", 40), ("principal-family", 10)]),
    Organisation("German embassy", "DEU", 8, [("german", 65), ("english", 35)],
                 [("dmy-dot", 80), ("iso", 20)], 0.7, 0.7, 0.8, 0.98, 0.1, 0.0,
                 [("own", 50), ("first-only", 40), ("abroad", 10)],
                 [("nuclear", 50), ("principal-family", 40), ("principal", 10)]),
    Organisation("French embassy", "FRA", 5, [("french", 80), ("english", 20)],
                 [("dmy", 90), ("year", 10)], 0.6, 0.6, 0.7, 0.98, 0.0, 0.0,
                 [("own", 40), ("first-only", 50), ("abroad", 10)],
                 [("nuclear", 60), ("principal-family", 30), ("principal", 10)]),
    Organisation("UK relocation scheme", "GBR", 9, _ENGLISH, [("dmy", 90), ("iso", 10)], 0.5,
                 0.6, 0.7, 0.99, 0.0, 0.0, [("own", 40), ("first-only", 40), ("abroad", 20)],
                 [("principal", 40), ("principal-family", 40), ("nuclear", 20)]),
    Organisation("US contractor HR", "USC", 8, [("english", 60), ("informal", 40)],
                 [("mdy", 70), ("iso", 20), ("year", 10)], 0.4, 0.5, 0.6, 0.9, 0.0, 0.0,
                 [("own", 70), ("none", 30)], [("principal", 80), ("principal-family", 20)]),
    Organisation("Afghan NGO (Kabul)", "ANG", 12, [("english", 50), ("informal", 50)],
                 [("sh", 40), ("sh-text", 15), ("sh-persian", 10), ("year", 20), ("dmy", 15)],
                 1.0, 0.9, 0.1, 0.9, 0.8, 0.35, [("household", 70), ("own", 20), ("none", 10)],
                 [("whole", 70), ("nuclear", 30)]),
    Organisation("Women's rights network", "WRN", 5, [("english", 60), ("informal", 40)],
                 [("dmy", 60), ("year", 40)], 0.7, 0.4, 0.2, 0.8, 0.3, 0.05,
                 [("own", 60), ("abroad", 30), ("none", 10)],
                 [("principal", 50), ("principal-family", 50)]),
    Organisation("Journalists' union", "JRN", 4, [("english", 50), ("french", 30),
                                                  ("informal", 20)],
                 [("dmy", 70), ("iso", 30)], 0.6, 0.6, 0.5, 0.9, 0.2, 0.0,
                 [("own", 80), ("none", 20)], [("principal", 60), ("principal-family", 40)]),
    Organisation("Veterans' network", "VET", 10, [("informal", 80), ("english", 20)],
                 [("year", 40), ("dmy", 40), ("mdy", 20)], 0.3, 0.3, 0.3, 0.6, 0.0, 0.0,
                 [("abroad", 30), ("first-only", 50), ("household", 20)],
                 [("whole", 40), ("nuclear", 30), ("principal-family", 30)]),
    Organisation("Diaspora association (Iran)", "IRN", 5, [("iranian", 85), ("english", 15)],
                 [("sh", 60), ("sh-text", 20), ("year", 20)], 0.9, 0.6, 0.2, 0.9, 0.7, 0.1,
                 [("abroad", 50), ("household", 50)], [("whole", 60), ("nuclear", 40)]),
    Organisation("Partner office (Peshawar)", "PAK", 5, [("urdu", 80), ("english", 20)],
                 [("dmy", 80), ("year", 20)], 0.9, 0.5, 0.3, 0.9, 0.3, 0.0,
                 [("abroad", 40), ("household", 60)], [("whole", 50), ("nuclear", 50)]),
    Organisation("Public form", "WEB", 10, [("informal", 60), ("english", 30),
                                            ("arabic", 10)],
                 [("dmy", 40), ("iso", 20), ("year", 20), ("sh", 20)], 0.6, 0.5, 0.3, 0.9,
                 0.2, 0.08, [("own", 30), ("abroad", 40), ("household", 30)],
                 [("nuclear", 40), ("principal-family", 40), ("principal", 20)]),
]
_ORGS = [(o, o.weight) for o in ORGANISATIONS]

# How many forms list a family: most once, some by several organisations.
FORMS_PER_FAMILY = [(1, 46), (2, 29), (3, 14), (4, 7), (5, 3), (6, 1)]


def _principal(family: Family, rng: random.Random) -> Person:
    """The person at risk the form is about: mostly the head, sometimes a grown son (the
    interpreter) or a woman of the family (the activist)."""
    sons = [p for p in family.members if p.role == "child" and p.sex == "M" and _age(p.born) >= 20]
    women = [p for p in family.members if p.sex == "F" and _age(p.born) >= 20]
    choice = pick(rng, [("head", 70), ("son", 20 if sons else 0), ("woman", 10 if women else 0)])
    if choice == "son":
        return rng.choice(sons)
    if choice == "woman":
        return rng.choice(women)
    return family.head


def _covered(family: Family, coverage: str, principal: Person, rng: random.Random) -> list[Person]:
    members = family.members
    if coverage == "principal":
        return [principal]
    if coverage == "nuclear":
        # The head, his wives, and their own unmarried children; not grandparents or the
        # grown son's own family.
        chosen = [p for p in members if p.role in ("head", "wife", "child")
                  and not (p.role == "child" and p.spouse is None
                           and any(w.spouse is p for w in members))]
    elif coverage == "principal-family":
        husband = principal.spouse if principal.sex == "F" and principal.spouse else principal
        chosen = [p for p in members if p is husband or p.spouse is husband
                  or (p.father == husband.given and p.surname == husband.surname
                      and _age(p.born) < _age(husband.born) - 12)]
        if principal not in chosen:
            chosen.insert(0, principal)
    else:
        chosen = list(members)
    # A form forgets someone now and then: an elder, a married son, a baby born late.
    chosen = [p for p in chosen if p is principal or not chance(rng, 0.06)]
    if principal in chosen:
        chosen.remove(principal)
    return [principal, *chosen]


# ------------------------------------------------------------------------------------------
# Fields as a form holds them
# ------------------------------------------------------------------------------------------

_UNREADABLE = ["unknown", "N/A", "approx. {g}", "{age} yrs", "??/??/{g}", "00/00/{g}", "{g}?",
               "-"]


def write_date(p: Person, org: Organisation, rng: random.Random) -> tuple[str, list[str]]:
    if chance(rng, 0.05):
        return "", ["dob:missing"]
    age = _age(p.born)
    if chance(rng, 0.02):
        text = rng.choice(_UNREADABLE).format(g=p.born.year, age=age)
        return text, ["dob:unreadable"]
    fmt = pick(rng, org.dates)
    tags: list[str] = []
    knows = p.knows
    if knows == "age" and p.heaped_age is None:
        knows = "year"
    if knows == "exact":
        day = p.born
        if chance(rng, 0.02):
            day = day.replace(year=day.year + rng.choice([-1, 1]), day=min(day.day, 28))
            tags.append("dob:year+-1")
        if chance(rng, 0.04):  # the office's spreadsheet filled a placeholder anyway
            return _year_text(day.year, _sh_year(day), fmt, rng, [*tags, "dob:jan1"])
        if fmt == "year":
            return _year_text(day.year, _sh_year(day), "year", rng, tags)
        if fmt in ("sh", "sh-text", "sh-persian"):
            j = JalaliDate(day)
            y, m, d = int(j.year), int(j.month), int(j.day)
            if fmt == "sh-text":
                month = ["Hamal", "Sawr", "Jawza", "Saratan", "Asad", "Sunbula", "Mizan",
                         "Aqrab", "Qaws", "Jadi", "Dalw", "Hut"][m - 1]
                return f"{d} {month} {y}", [*tags, "dob:solar-hijri"]
            text = f"{y}/{m:02d}/{d:02d}"
            if fmt == "sh-persian":
                text = text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
            return text, [*tags, "dob:solar-hijri"]
        d, m = day.day, day.month
        if fmt == "mdy":
            if d != m:
                tags.append("dob:month-first")
            return f"{m:02d}/{d:02d}/{day.year}", tags
        if d <= 12 and d != m and chance(rng, 0.03):
            d, m = m, d
            tags.append("dob:day-month-swapped")
        if fmt == "iso":
            return f"{day.year}-{m:02d}-{d:02d}", tags
        sep = "." if fmt == "dmy-dot" else "/"
        return f"{d:02d}{sep}{m:02d}{sep}{day.year}", tags
    if knows == "age":
        assert p.heaped_age is not None
        stated = p.heaped_age + (rng.choice([-1, 1]) if chance(rng, 0.2) else 0)
        year = REGISTERED_ON.year - stated
        return _year_text(year, year - 621, fmt, rng, ["dob:from-age"])
    # The year of the tazkira, Solar Hijri; turned into Gregorian by adding 621 or 622.
    sh = p.believed_sh_year
    g = sh + pick(rng, [(621, 65), (622, 35)])
    if sh != _sh_year(p.born):
        tags.append("dob:tazkira-year-off")
    return _year_text(g, sh, fmt, rng, tags)


def _year_text(g: int, sh: int, fmt: str, rng: random.Random,
               tags: list[str]) -> tuple[str, list[str]]:
    if fmt in ("sh", "sh-text", "sh-persian"):
        if chance(rng, 0.3):
            return f"{sh}/01/01", [*tags, "dob:hamal1"]
        return str(sh), [*tags, "dob:solar-hijri-year"]
    if fmt == "year" or chance(rng, 0.35):
        return str(g), [*tags, "dob:year-only"]
    if fmt == "iso":
        return f"{g}-01-01", [*tags, "dob:jan1"]
    if fmt == "dmy-dot":
        return f"01.01.{g}", [*tags, "dob:jan1"]
    return f"01/01/{g}", [*tags, "dob:jan1"]


def write_phone(number: str, rng: random.Random) -> tuple[str, list[str]]:
    """A number as someone typed it. Afghan numbers are kept as 9 national digits."""
    tags: list[str] = []
    if number.startswith("+"):
        cc, rest = number[1:].split(" ", 1)
        if chance(rng, 0.15) and cc not in ("1",):
            return "0" + rest, ["phone:abroad-without-code"]
        return pick(rng, [(f"+{cc}{rest}", 50), (f"+{cc} {rest}", 30), (f"00{cc}{rest}", 20)]), \
            tags
    if chance(rng, 0.02):
        digits = list(number)
        i = rng.randrange(1, len(digits))
        digits[i] = str((int(digits[i]) + rng.randrange(1, 10)) % 10)
        number = "".join(digits)
        tags.append("phone:typo")
    n = number
    text = pick(rng, [(f"0{n}", 30), (f"0{n[:3]} {n[3:6]} {n[6:]}", 20), (f"+93{n}", 20),
                      (f"+93 {n[:2]} {n[2:5]} {n[5:]}", 8), (f"0093{n}", 8), (f"93{n}", 6),
                      (n, 5), (f"0{n[:2]}-{n[2:5]}-{n[5:]}", 3)])
    if text == n:
        tags.append("phone:no-trunk-zero")
    return text, tags


def write_tazkira(p: Person, family: Family, org: Organisation,
                  rng: random.Random) -> tuple[str, list[str]]:
    if not chance(rng, org.tazkira):
        return "", ["tazkira:not-asked"]
    own = [t for t in (p.tazkira_paper, p.tazkira_electronic) if t]
    if not own:
        # Children travel on their father's tazkira; lists often copy his number.
        if _age(p.born) < 18 and family.head.tazkira_paper and chance(rng, 0.25):
            return family.head.tazkira_paper, ["tazkira:father's"]
        return "", ["tazkira:none"]
    tags = []
    number = own[0] if len(own) == 1 else rng.choice(own)
    if len(own) == 2:
        tags.append("tazkira:paper-or-e")
    if chance(rng, 0.03):
        number = mistype_digits(number, rng)
        tags.append("tazkira:typo")
    if len(number) == 13:
        text = pick(rng, [(f"{number[:4]}-{number[4:8]}-{number[8:]}", 50), (number, 40),
                          (f"{number[:4]} {number[4:8]} {number[8:]}", 10)])
    elif chance(rng, 0.04):
        text = f"Jild {rng.randrange(1, 80)} Safha {rng.randrange(1, 300)} No {number}"
        tags.append("tazkira:volume-page")
    elif chance(rng, 0.05):
        text = number.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    else:
        text = number
    return text, tags


def mistype_digits(number: str, rng: random.Random) -> str:
    digits = list(number)
    i = rng.randrange(len(digits) - 1)
    if chance(rng, 0.5):
        digits[i], digits[i + 1] = digits[i + 1], digits[i]
    else:
        digits[i] = str((int(digits[i]) + rng.randrange(1, 10)) % 10)
    return "".join(digits)


def write_passport(p: Person, org: Organisation, rng: random.Random) -> tuple[str, list[str]]:
    if not p.passport or not chance(rng, org.passport):
        return "", []
    tags = []
    number = p.passport
    if p.old_passport and chance(rng, 0.5):
        number = p.old_passport
        tags.append("passport:old")
    if chance(rng, 0.02):
        number = number[0] + mistype_digits(number[1:], rng)
        tags.append("passport:typo")
    text = pick(rng, [(number, 80), (number[1:], 8), (number.lower(), 4),
                      (f"{number[:5]} {number[5:]}", 8)])
    if text == number[1:]:
        tags.append("passport:no-letter")
    return text, tags


def form_rows(family: Family, org: Organisation, form_no: int,
              rng: random.Random) -> Iterator[dict[str, str]]:
    principal = _principal(family, rng)
    coverage = pick(rng, org.coverage)
    people = _covered(family, coverage, principal, rng)
    if chance(rng, 0.003) and len(people) > 1:
        people.append(rng.choice(people[1:]))  # a row pasted twice in the spreadsheet
    habit = pick(rng, org.habits)
    native_only = chance(rng, org.native_only)
    with_native = native_only or chance(rng, org.native)
    phone_policy = pick(rng, org.phones)
    asks_father = chance(rng, org.father)
    asks_sex = chance(rng, org.sex)
    household_ref = f"{org.code}-{form_no:07d}"
    contact = principal.phones[0] if principal.phones else (
        family.head.phones[0] if family.head.phones else "")
    for n, p in enumerate(people):
        tags: list[str] = list(p.who)
        row = {"external_id": f"{household_ref}-{n + 1:02d}", "household_ref": household_ref,
               "truth_person": p.pid, "organisation": org.name, "email": ""}
        given, more = render_given(p.given, habit, rng)
        if given != pivot_spelling(p.given) and not native_only:
            # Only a spelling that moved away from the common English one is noise.
            tags.append(f"spelling:{habit}")
        tags += more
        father, fam, fam_native = _father_and_family(p, habit, rng, tags, asks_father)
        if chance(rng, 0.03):
            given = mistype(given, rng)
            tags.append("typo:given")
        if fam and chance(rng, 0.02):
            fam = mistype(fam, rng)
            tags.append("typo:family")
        native_full = " ".join(x for x in (p.given.native, fam_native) if x)
        native, ntags = native_spelling(native_full, rng)
        if native_only:
            tags.append("script:arabic-only")
            tags += ntags
            row["name_native"] = native
            if chance(rng, 0.5):
                row["given_name"], _ = native_spelling(p.given.native, rng)
                row["family_name"] = fam_native
                row["father_name"] = p.father.native if father else ""
            else:
                row["given_name"] = row["family_name"] = row["father_name"] = ""
                tags.append("script:latin-empty")
        else:
            row["given_name"], row["family_name"], row["father_name"] = given, fam, father
            row["name_native"] = native if with_native else ""
            if with_native:
                tags += ntags
        row["date_of_birth"], more = write_date(p, org, rng)
        tags += more
        sex = p.sex if asks_sex else ""
        if sex and chance(rng, 0.005):
            sex = "F" if sex == "M" else "M"
            tags.append("sex:wrong")
        if not sex:
            tags.append("sex:missing")
        row["sex"] = sex
        row["phone"], more = _phone_of(p, family, contact, phone_policy, n, rng)
        tags += more
        row["tazkira_number"], more = write_tazkira(p, family, org, rng)
        tags += more
        row["passport_number"], more = write_passport(p, org, rng)
        tags += more
        if p.email and chance(rng, 0.4):
            row["email"] = p.email
        elif family.shared_email and chance(rng, 0.5):
            row["email"] = family.shared_email
            tags.append("email:family")
        row["noise"] = ";".join(tags)
        yield {k: row.get(k, "") for k in KEYS}


def _father_and_family(p: Person, habit: str, rng: random.Random, tags: list[str],
                       asks_father: bool) -> tuple[str, str, str]:
    """The father's name and the family name as Latin text, and the family name in Arabic
    script."""
    father_name = p.father
    if p.sex == "F" and p.spouse is not None and chance(rng, 0.25):
        father_name = p.spouse.given  # "wife of": the husband's name in the father's column
        tags.append("father:husband")
    father = ""
    if asks_father:
        father, _ = render_given(father_name, habit, rng)
    else:
        tags.append("father:not-asked")
    surname = p.surname
    if p.maiden is not None and chance(rng, 0.2):
        surname = p.maiden
        tags.append("family:maiden")
    if surname is not None:
        if chance(rng, 0.05):
            tags.append("family:left-out")
            return father, "", ""
        return father, spell_word(surname.parts[0], habit, rng), surname.native
    # No family name: the clerk leaves it blank, writes the tribe, or the father's name.
    choice = pick(rng, [("blank", 50), ("tribe", 25 if p.tribe else 0), ("father", 25)])
    if choice == "tribe" and p.tribe:
        tags.append("family:tribe")
        return father, spell_word(p.tribe.parts[0], habit, rng), p.tribe.native
    if choice == "father":
        tags.append("family:father's-name")
        return father, render_given(p.father, habit, rng)[0], p.father.native
    tags.append("family:none")
    return father, "", ""


def _phone_of(p: Person, family: Family, contact: str, policy: str, n: int,
              rng: random.Random) -> tuple[str, list[str]]:
    if policy == "none" or (policy == "first-only" and n > 0):
        return "", ["phone:missing"]
    if policy == "abroad" and family.abroad_phone:
        text, tags = write_phone(family.abroad_phone, rng)
        return text, ["phone:relative-abroad", *tags]
    if policy == "own" and p.phones:
        number = p.phones[-1] if len(p.phones) > 1 and chance(rng, 0.5) else p.phones[0]
        text, tags = write_phone(number, rng)
        return text, (["phone:changed"] if number != p.phones[0] else []) + tags
    if not contact:
        return "", ["phone:missing"]
    text, tags = write_phone(contact, rng)
    return text, [] if p.phones and p.phones[0] == contact else ["phone:household", *tags]


# ------------------------------------------------------------------------------------------


def registrations(people: int, seed: int) -> Iterator[dict[str, str]]:
    """Import rows for `people` registered people (each on one form or more)."""
    rng = random.Random(seed)
    population = Population(rng)
    form_no = 0
    seen: set[str] = set()
    while len(seen) < people:
        family = population.family()
        for _ in range(pick(rng, FORMS_PER_FAMILY)):
            form_no += 1
            org = pick(rng, _ORGS)
            for row in form_rows(family, org, form_no, rng):
                if row["truth_person"] not in seen:
                    if len(seen) >= people:
                        continue
                    seen.add(row["truth_person"])
                yield row


def write_csv(rows: Iterator[dict[str, str]], out: str) -> int:
    count = 0
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=KEYS)
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=46)
    parser.add_argument("--out", default="-")
    args = parser.parse_args(argv)
    if args.out == "-":
        writer = csv.DictWriter(sys.stdout, fieldnames=KEYS)
        writer.writeheader()
        for row in registrations(args.people, args.seed):
            writer.writerow(row)
        return 0
    count = write_csv(registrations(args.people, args.seed), args.out)
    print(f"{count} rows for {args.people} people in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
