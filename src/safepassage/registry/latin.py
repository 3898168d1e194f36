"""Every person's name in Latin script, for the manifest, the letter, the QR code and the gate.

A name typed in Latin script is kept as typed. A name written only in Dari or Pashto script is
given a suggested Latin spelling by UNICEF's `arabic-name-romanizer` (decision 0081), flagged
until a caseworker confirms or corrects it. `icao_name` is the one form of a name in the
machine-readable zone of travel documents (ICAO Doc 9303 part 3): A-Z and `<` only.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

# Arabic, Arabic Supplement, Arabic Extended-A and the presentation forms: Dari and Pashto
# letters (پ چ ژ گ ټ ډ ړ ږ ښ ګ ڼ ۍ ې) all fall in these blocks.
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")


def needs_latin(text: str) -> bool:
    """True when the name holds letters of the Arabic script (Dari, Pashto, Arabic)."""
    return bool(_ARABIC_SCRIPT.search(text))


@functools.cache
def _transliterator() -> Any:
    # A heavy library (an ONNX model, about two seconds to load): loaded on first use only.
    from arabic_name_romanizer import Transliterator

    return Transliterator()


def suggest_latin(names: Sequence[str]) -> list[str]:
    """A Latin spelling for each name ("" stays ""; a Latin name is returned as it is), all the
    names of a registration in one call."""
    wanted = [i for i, n in enumerate(names) if needs_latin(n)]
    found = list(names)
    if wanted:
        spelt = _transliterator().transliterate_many([names[i] for i in wanted], country="AF")
        for i, text in zip(wanted, spelt, strict=True):
            found[i] = _spelling(text)
    return found


def _spelling(result: Any) -> str:
    text = result if isinstance(result, str) else (result[0] if result else "")
    return " ".join(str(text).split())


# ICAO Doc 9303 part 3, section 6: the recommended transliteration of Latin letters with marks
# and of ligatures; letters with a plain diacritic lose it (NFKD).
_ICAO_LETTERS = {"Æ": "AE", "Œ": "OE", "ß": "SS", "Ø": "OE", "Þ": "TH", "Ð": "D", "Đ": "D",
                 "Ł": "L", "Ħ": "H", "Ŋ": "N", "Ŀ": "L", "Ĳ": "IJ", "Ä": "AE",
                 "Ö": "OE", "Ü": "UE", "Å": "AA"}


def icao_part(name: str) -> str:
    """One part of a name as the machine-readable zone writes it: "Abdul-Rahman O'Neil" ->
    "ABDUL<RAHMAN<ONEIL". Letters outside A-Z after transliteration are dropped."""
    text = name.upper()
    text = "".join(_ICAO_LETTERS.get(ch, ch) for ch in text)
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(ch))
    text = re.sub("['\u2019`\u02bc.]", "", text)  # apostrophes and dots are omitted, not filled
    text = re.sub(r"[^A-Z]+", "<", text)
    return text.strip("<")


def icao_name(family_name: str, given_names: str) -> str:
    """The full name in the ICAO form: "FAMILY<<GIVEN<NAMES" (the family name alone when there
    are no given names, and the given names after "<<" when there is no family name)."""
    family, given = icao_part(family_name), icao_part(given_names)
    return f"{family}<<{given}" if given else family
