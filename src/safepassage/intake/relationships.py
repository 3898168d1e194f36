"""The relationship words people write in a spreadsheet, the API or a form, in English, French,
Dari and Pashto, read as the registry's relationship kinds (decision 0090)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from safepassage.registry.models import Relationship as R

_HEAD, _SPOUSE, _CHILD, _SON, _DAUGHTER = R.HEAD, R.SPOUSE, R.CHILD, R.SON, R.DAUGHTER
_PARENT, _FATHER, _MOTHER, _SIBLING = R.PARENT, R.FATHER, R.MOTHER, R.SIBLING
_BROTHER, _SISTER, _GRANDPARENT, _GRANDCHILD = R.BROTHER, R.SISTER, R.GRANDPARENT, R.GRANDCHILD
_IN_LAW, _OTHER = R.IN_LAW, R.OTHER

# Each word as written → its kind. Stepchildren are the household's sons and daughters; uncles,
# aunts, cousins, nephews, nieces and wards are "other relative" (the raw submission keeps the
# word). French beau-fils, belle-fille, beau-père and belle-mère name both a step-relative and an
# in-law: read as "other relative" rather than guessed.
WORDS: dict[str, str] = {
    # English
    "head": _HEAD, "head of household": _HEAD, "head of family": _HEAD, "self": _HEAD,
    "registrant": _HEAD,
    "child": _CHILD, "children": _CHILD, "kid": _CHILD,
    "son": _SON, "stepson": _SON, "step son": _SON,
    "daughter": _DAUGHTER, "stepdaughter": _DAUGHTER, "step daughter": _DAUGHTER,
    "parent": _PARENT, "father": _FATHER, "mother": _MOTHER, "mom": _MOTHER, "mum": _MOTHER,
    "dad": _FATHER,
    "sibling": _SIBLING, "brother": _BROTHER, "sister": _SISTER,
    "grandparent": _GRANDPARENT, "grandfather": _GRANDPARENT, "grandmother": _GRANDPARENT,
    "grandchild": _GRANDCHILD, "grandson": _GRANDCHILD, "granddaughter": _GRANDCHILD,
    "husband": _SPOUSE, "wife": _SPOUSE, "spouse": _SPOUSE,
    "son in law": _IN_LAW, "daughter in law": _IN_LAW, "father in law": _IN_LAW,
    "mother in law": _IN_LAW, "brother in law": _IN_LAW, "sister in law": _IN_LAW,
    "in law": _IN_LAW,
    "nephew": _OTHER, "niece": _OTHER, "uncle": _OTHER, "aunt": _OTHER, "cousin": _OTHER,
    "ward": _OTHER, "other": _OTHER, "other relative": _OTHER, "relative": _OTHER,
    # French
    "chef de menage": _HEAD, "chef de famille": _HEAD, "moi meme": _HEAD,
    "enfant": _CHILD, "fils": _SON, "fille": _DAUGHTER,
    "pere": _FATHER, "mere": _MOTHER, "frere": _BROTHER, "soeur": _SISTER,
    "demi frere": _BROTHER, "demi soeur": _SISTER, "frere ou soeur": _SIBLING,
    "grand parent": _GRANDPARENT, "grand pere": _GRANDPARENT, "grand mere": _GRANDPARENT,
    "petit enfant": _GRANDCHILD, "petit fils": _GRANDCHILD, "petite fille": _GRANDCHILD,
    "mari": _SPOUSE, "epoux": _SPOUSE, "epouse": _SPOUSE, "femme": _SPOUSE,
    "conjoint": _SPOUSE, "conjointe": _SPOUSE,
    "gendre": _IN_LAW, "bru": _IN_LAW, "beau frere": _IN_LAW, "belle soeur": _IN_LAW,
    "beaux parents": _IN_LAW,
    "beau fils": _OTHER, "belle fille": _OTHER, "beau pere": _OTHER, "belle mere": _OTHER,
    "neveu": _OTHER, "oncle": _OTHER, "tante": _OTHER, "cousine": _OTHER,
    "pupille": _OTHER, "autre": _OTHER, "autre parent": _OTHER,
    # Dari
    "سرپرست خانواده": _HEAD, "خودم": _HEAD,
    "فرزند": _CHILD, "اولاد": _CHILD, "طفل": _CHILD,
    "پسر": _SON, "پسراندر": _SON, "دختر": _DAUGHTER, "دختراندر": _DAUGHTER,
    "والد": _PARENT, "پدر": _FATHER, "مادر": _MOTHER,
    "برادر": _BROTHER, "خواهر": _SISTER, "همشیره": _SISTER,
    "پدرکلان": _GRANDPARENT, "مادرکلان": _GRANDPARENT, "پدربزرگ": _GRANDPARENT,
    "مادربزرگ": _GRANDPARENT, "نواسه": _GRANDCHILD, "نوه": _GRANDCHILD,
    "خانم": _SPOUSE, "زن": _SPOUSE, "همسر": _SPOUSE, "شوهر": _SPOUSE,
    "داماد": _IN_LAW, "عروس": _IN_LAW, "خسر": _IN_LAW, "خشو": _IN_LAW, "خسربره": _IN_LAW,
    "یزنه": _IN_LAW, "ینگه": _IN_LAW,
    "کاکا": _OTHER, "ماما": _OTHER, "خاله": _OTHER, "عمه": _OTHER,
    "برادرزاده": _OTHER, "خواهرزاده": _OTHER, "پسر کاکا": _OTHER, "دختر کاکا": _OTHER,
    "پسر ماما": _OTHER, "دختر ماما": _OTHER, "پسر خاله": _OTHER, "دختر خاله": _OTHER,
    "پسر عمه": _OTHER, "دختر عمه": _OTHER, "دیگر": _OTHER, "سایر": _OTHER,
    # Pashto
    "د کورنۍ مشر": _HEAD, "کورنۍ مشر": _HEAD,
    "ماشوم": _CHILD, "بچی": _CHILD,
    "زوی": _SON, "ځوی": _SON, "لور": _DAUGHTER,
    "پلار": _FATHER, "مور": _MOTHER, "ورور": _BROTHER, "خور": _SISTER,
    "نیکه": _GRANDPARENT, "انا": _GRANDPARENT, "لمسی": _GRANDCHILD, "لمسۍ": _GRANDCHILD,
    "ښځه": _SPOUSE, "مېړه": _SPOUSE, "میړه": _SPOUSE,
    "زوم": _IN_LAW, "نږور": _IN_LAW, "سخر": _IN_LAW, "خواښې": _IN_LAW, "اوښی": _IN_LAW,
    "تره": _OTHER, "ترور": _OTHER, "وراره": _OTHER, "وریره": _OTHER, "خوریی": _OTHER,
    "خورزه": _OTHER, "تربور": _OTHER, "نور": _OTHER, "بل": _OTHER,
}

# Misspellings seen in partner spreadsheets that are more than one letter away from their word
# (or from two words at once): read as the word, with a warning that says so.
MISSPELLINGS: dict[str, str] = {
    "dauther": "daughter", "daugther": "daughter", "doughter": "daughter", "duaghter": "daughter",
    "dautter": "daughter", "dougther": "daughter", "douter": "daughter", "dather": "daughter",
    "brotehr": "brother", "bruther": "brother", "sistr": "sister", "sistor": "sister",
    "sester": "sister", "wief": "wife", "huband": "husband", "husbend": "husband",
    "housband": "husband", "chiled": "child", "chield": "child", "grandchildren": "grandchild",
    "neise": "niece", "neace": "niece", "nefew": "nephew", "cusin": "cousin", "cousen": "cousin",
    "anty": "aunt", "aunty": "aunt", "auntie": "aunt", "spous": "spouse", "spose": "spouse",
    "fater": "father",
}
_ARABIC_LETTERS = str.maketrans({
    "ي": "ی", "ى": "ی", "ې": "ی", "ۍ": "ی", "ئ": "ی", "ك": "ک", "\u0629": "\u0647", "ـ": None,
    "\u200c": None, "\u200d": None, "œ": "oe", "æ": "ae",
})
_SEPARATORS = re.compile(r"[\s\-_/.']+")
_EDGES = "\"'`«»\u201c\u201d\u2018\u2019()[]{}<>.,;:!?؟،؛*#-_/\\ \t\n\r\u200c\u200f\u200e"


def key(text: str) -> str:
    """A word as compared: no case, accents, Arabic vowel marks or letter variants; no spaces,
    hyphens or punctuation around or inside it."""
    word = unicodedata.normalize("NFKD", text.strip(_EDGES).casefold())
    word = "".join(c for c in word if not unicodedata.combining(c))
    return _SEPARATORS.sub("", word.translate(_ARABIC_LETTERS))


_KEYS: dict[str, str] = {key(word): kind for word, kind in WORDS.items()}
_MISSPELT: dict[str, str] = {key(wrong): word for wrong, word in MISSPELLINGS.items()}
_ALLOWED_VALUES = frozenset(R.values)
_NEAR_CANDIDATES = [(key(w), w, kind) for w, kind in WORDS.items() if len(key(w)) >= 4]


@dataclass(frozen=True)
class Reading:
    kind: str  # a Relationship value
    known: bool  # false: not recognised, read as "other relative"
    read_as: str = ""  # the known word a misspelling was read as, if any
    word: str = ""


def _distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (a swap of two letters counts once), stopped early."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1,
                             previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def read_relationship(text: str) -> Reading:
    """Read one relationship word. A misspelling is forgiven only in words of five letters or
    more, by one letter, and only when one kind is the nearest ("sun" is not "son")."""
    word = key(text)
    if word in _KEYS:
        return Reading(_KEYS[word], True, word=word)
    if word in _MISSPELT:
        return Reading(_KEYS[key(_MISSPELT[word])], True, read_as=_MISSPELT[word], word=word)
    if word in _ALLOWED_VALUES:
        return Reading(word, True, word=word)
    if len(word) >= 5:
        near = {w: kind for k, w, kind in _NEAR_CANDIDATES if _distance(word, k, 1) <= 1}
        kinds = set(near.values())
        if len(kinds) == 1:
            return Reading(kinds.pop(), True, read_as=min(near), word=word)
    return Reading(R.OTHER, False, word=word)
