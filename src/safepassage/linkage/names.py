"""Common keys for Afghan names however they were spelt: a Latin key (spelling folded) and a
consonant skeleton shared by Latin and Arabic script. The rules are data, in name_rules.py."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from safepassage.linkage.name_rules import (
    ABBREVIATIONS,
    ARABIC_TO_LATIN,
    COMPOUND_REWRITES,
    LATIN_FOLDS,
    SKELETON_DROPPED,
    SKELETON_FOLDS,
)

_COMPOUND = tuple((re.compile(pattern), repl) for pattern, repl in COMPOUND_REWRITES)
_FOLD = re.compile("|".join(re.escape(src) for src, _ in LATIN_FOLDS))
_FOLD_MAP = dict(LATIN_FOLDS)
_NOT_LETTER = re.compile(r"[^a-z\s\-]")
_SPACES = re.compile(r"[\s\-]+")
_DOUBLES = re.compile(r"(.)\1+")
_ARABIC = re.compile(r"[\u0600-\u06FF]")


def is_arabic_script(text: str) -> bool:
    return bool(_ARABIC.search(text or ""))


def _ascii_lower(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def latin_key(name: str) -> str:
    """The spelling-folded key of a Latin name: Mohammad, Muhammad and Mohd give one key;
    compound names are joined (Abdul Rahman = Abdurrahman = Abdul-Rahman)."""
    text = _NOT_LETTER.sub(" ", _ascii_lower(name or "")).strip()
    if not text:
        return ""
    words = [ABBREVIATIONS.get(w, w) for w in _SPACES.split(text)]
    text = " ".join(words)
    for pattern, repl in _COMPOUND:
        text = pattern.sub(repl, text)
    text = _SPACES.sub("", text)
    for _pass in range(3):  # "zalmay" -> "zalmai" -> "zalmi": fold until nothing changes
        folded = _DOUBLES.sub(r"\1", _FOLD.sub(lambda m: _FOLD_MAP[m.group()], text))
        if folded == text:
            break
        text = folded
    return text


def _skeleton_of_key(key: str) -> str:
    consonants = "".join(SKELETON_FOLDS.get(c, c) for c in key if c not in SKELETON_DROPPED)
    consonants = _DOUBLES.sub(r"\1", consonants)
    return consonants[:-1] if len(consonants) > 1 and consonants.endswith("h") else consonants


@lru_cache(maxsize=65536)
def arabic_key(name: str) -> str:
    """Arabic-script name to the letters of the Latin key (consonants and long vowels)."""
    text = unicodedata.normalize("NFC", name or "")
    letters = "".join(ARABIC_TO_LATIN.get(c, "") for c in text)
    return _DOUBLES.sub(r"\1", letters)


def skeleton(name: str) -> str:
    """The consonant skeleton of a name in either script: محمد and Mohammad are both "mhmd"."""
    if is_arabic_script(name):
        return _skeleton_of_key(arabic_key(name))
    return _skeleton_of_key(latin_key(name))


# The first elements of compound given names that a person is often known without: Abdul Rahman
# goes by Rahman, Ghulam Rasul by Rasul, Sayed Ahmad by Ahmad, Mohammad Nadir by Nadir. Only
# these: in Gul Ahmad, Nur Ahmad or Baz Mohammad the first element is the distinctive one, and
# two brothers Gul Ahmad and Nur Ahmad must not meet on "Ahmad".
_LEADING_ELEMENTS = frozenset(
    ("abdul", "abd", "abdel", "abdal", "abdol", "abdur", "abdus", "ghulam", "gholam", "golam",
     "sayed", "sayyed", "sayid", "sayyid", "saiyid", "syed", "seyed", "mir", "muhammad",
     "mohammad", "mohammed", "mohamed", "muhammed", "mohamad", "mohd", "muhd", "mhd", "md")
)
_WORD_SPLIT = re.compile(r"[\s\-\u200c]+")
# Mir is left out: Mirwais is one name, not Mir and Wais.
_JOINED_LEADING = re.compile(
    r"^(?:g[hu]?[ou]lam|s[ae][iy]+[ie]?d|m[ou]hamm?[ae]d)(?=[a-z]{3})"
)
_JOINED_ABDUL = re.compile(r"^abd(?:u|o|e|a)?(?:l|r|s|z|d|n|t)(?=[a-z]{3})")


@lru_cache(maxsize=65536)
def given_name_part(name: str) -> str:
    """The skeleton of the name a person with a compound given name goes by (the part after a
    leading Abdul, Ghulam, Sayed, Mir or Mohammad), in either script; "" for a one-part name."""
    if not name:
        return ""
    if is_arabic_script(name):
        words = [w for w in _WORD_SPLIT.split(unicodedata.normalize("NFC", name)) if w]
        leading = {"عبد", "عبدال", "غلام", "سید", "میر", "محمد"}
        if len(words) >= 2 and words[0] in leading:
            return skeleton(" ".join(words[1:]))
        if len(words) == 1 and words[0].startswith("عبدال") and len(words[0]) > 6:
            return skeleton(words[0][5:])
        return ""
    text = _NOT_LETTER.sub(" ", _ascii_lower(name)).strip()
    words = [w for w in _WORD_SPLIT.split(text) if w]
    if len(words) >= 2 and words[0] in _LEADING_ELEMENTS:
        rest = [w for w in words[1:] if w not in {"al", "el", "ul", "ol", "ur", "ud", "us"}]
        return skeleton(" ".join(rest)) if rest else ""
    if len(words) == 1 and _JOINED_ABDUL.match(words[0]):  # Abdulrahman, Abdurrahim
        return skeleton(_JOINED_ABDUL.sub("", words[0]))
    joined = _JOINED_LEADING.match(words[0]) if len(words) == 1 else None
    if joined:  # Ghulamrasul, Sayedahmad, Mohammadnadir written as one word
        short = skeleton(words[0][joined.end():])
        return short if len(short) >= 2 else ""
    return ""


def split_native_name(native: str) -> tuple[str, str]:
    """A full name in Arabic script as (given names, family name): the last word is the family
    name when there are two words or more (compound given names are joined by a ZWNJ or none)."""
    words = (native or "").split()
    if len(words) < 2:
        return (words[0] if words else "", "")
    return " ".join(words[:-1]), words[-1]
