"""The rules specific to Afghan names, as data: how Latin spellings and Arabic script of Dari and
Pashto names are brought to a common key. Generic parts (string distance, clustering) come from
libraries; these tables are ours. Each rule has a test in tests/linkage/test_name_keys.py.
"""

# This module maps Arabic-script letters: they are meant, not look-alikes.
# ruff: noqa: RUF001

from __future__ import annotations

# Whole words that abbreviate a longer name ("Mohd" on a passport is Mohammad).
ABBREVIATIONS: dict[str, str] = {
    "mohd": "muhammad",
    "muhd": "muhammad",
    "mhd": "muhammad",
    "md": "muhammad",
    "mohamad": "muhammad",
    # The -ed spellings (Egyptian and English habits) fold e to i and would miss by one letter.
    "mohammed": "muhammad",
    "muhammed": "muhammad",
    "mohamed": "muhammad",
    "muhamed": "muhammad",
    # "M. Asif", "M Nasim": in a given name of two words or more, a lone M is Mohammad.
    "m": "muhammad",
}

# Regex rewrites on a lower-case Latin name with its spaces and hyphens still in, in order.
# "Abdur Rahman", "Abdurrahman", "Abdul-Rahman", "Abd al-Rahman": the article of "Abd al-" is
# assimilated to the next letter in speech (sun letters) and spelt that way; one key for all.
COMPOUND_REWRITES: tuple[tuple[str, str], ...] = (
    # German and French habits, inside a word (before the words of a name are joined: "Ahmad
    # Schah" is not "Ahmadsch-"): "Schamsi" is Shamsi, "Madschid" and "Madjid" are Majid,
    # "Tschinar" and "Tchinar" are Chinar.
    (r"tsch|tch", "ch"),
    (r"dsch|dj", "j"),
    (r"sch", "sh"),
    (r"\babd[\s\-]*(?:al|el|ul|ol)?[\s\-]+", "abdul"),
    (r"\babd(?:u|o|e|a)?(?:l|r|s|z|d|n|t)[\s\-]*(?=[a-z])", "abdul"),
    # Joining particles between two names: Amin-ul-Haq, Zia ur Rahman, Nasir ud Din.
    (r"(?<=[a-z])[\s\-]+(?:ul|ur|ud|us|uz|al|el)[\s\-]+(?=[a-z])", "ul"),
    # -ullah written apart or with another vowel: Rahmat Ullah, Rahmatollah, Abdulla.
    (r"[\s\-]*(?:u|o|a|e)?llah?\b", "ullah"),
    # Pashto tribe names: -zai, -zay, -zei, -zaey are one suffix.
    (r"z(?:ai|ay|ei|ey|aey|aee)\b", "zai"),
    # Dari family names: -zada, -zadah, -zadeh, Nabi Zada.
    (r"[\s\-]*zad(?:a|ah|eh|e)\b", "zada"),
    # A final -eh or -ah is the Persian spelling of a final -a: Fatemeh, Farzaneh, Khadijah.
    (r"(?<!ll)[ae]h\b", "a"),
)

# Letter groups folded on the Latin key after compounds are joined (longest first).
LATIN_FOLDS: tuple[tuple[str, str], ...] = (
    ("ough", "u"),
    ("kh", "x"),
    ("gh", "g"),
    ("sh", "S"),
    ("ch", "C"),
    ("zh", "j"),
    ("ph", "f"),
    ("th", "s"),
    ("dh", "z"),
    ("ck", "k"),
    ("oo", "u"),
    ("ou", "u"),
    ("ee", "i"),
    ("ie", "i"),
    ("ey", "i"),
    ("ei", "i"),
    ("ay", "ai"),
    ("ai", "i"),
    ("aa", "a"),
    ("o", "u"),
    ("q", "k"),
    ("v", "w"),
    ("e", "i"),
    ("y", "i"),
)

LATIN_VOWELS = frozenset("aeiou")

# Arabic-script letters (Dari and Pashto alphabets) to the consonant classes of the Latin key.
# Vowel letters (alef, waw, yeh, final heh) carry no consonant: the skeleton drops them on both
# sides, which is what makes محمد and Mohammad meet at "mhmd".
ARABIC_TO_LATIN: dict[str, str] = {
    "ا": "", "آ": "", "أ": "", "إ": "", "ٱ": "", "ء": "", "ئ": "", "ؤ": "", "ع": "",
    "ب": "b", "پ": "p", "ت": "t", "ط": "t", "ټ": "t", "ث": "s", "س": "s", "ص": "s",
    "ج": "j", "چ": "C", "ح": "h", "ه": "h", "ة": "h", "خ": "x", "ښ": "S",
    "د": "d", "ډ": "d", "ض": "z", "ذ": "z", "ز": "z", "ظ": "z", "ځ": "z", "څ": "s",
    "ر": "r", "ړ": "r", "ژ": "j", "ږ": "j", "ش": "S", "غ": "g", "ف": "f", "ق": "k",
    "ک": "k", "ك": "k", "گ": "g", "ګ": "g", "ل": "l", "م": "m", "ن": "n", "ڼ": "n",
    "و": "w", "ی": "i", "ي": "i", "ى": "i", "ې": "i", "ۍ": "i", "ے": "i",
}

# In the skeleton, these classes are dropped: they are vowels in one script or the other
# (Latin i/u and Arabic و/ی), or silent (a final h). A j is dropped too: German transliteration
# writes the consonant y (ی) as j (Jalda for Yalda, Zajnab, Hidajat, Mirwajs), which no rule on
# the Latin letters can tell from the English j (ج), so only the skeleton reads it both ways
# (ج is dropped with it, so Arabic script still meets Latin). The Latin key keeps Jamal and
# Amal apart. Measured (hard 20k): recall 0.9095 -> 0.9192, precision 0.9982 -> 0.9981;
# the project's synthetic 10k unchanged (0.9992 / 0.9933 -> 0.9935).
SKELETON_DROPPED = frozenset("aeiouwj")

# In the skeleton, these consonant classes are one: "ch" is sh to a French writer (Chamsi), kh
# to a German one (Charotay), ch to an English one. The Latin key keeps them apart.
# (German writes z as s, Sahra for Zahra: folding z into s was measured and not taken: Sahar
# and Zohra of one family met, precision on the project's synthetic 10k fell 0.9991 -> 0.9952.)
SKELETON_FOLDS: dict[str, str] = {"C": "S", "x": "S"}
