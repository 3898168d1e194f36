"""A partner's own spreadsheet headers and values read as our columns (decision 0100): mappings
suggested from header names in English, French, Dari and Pashto and from sample values, applied
to the rows, and read from or written as the YAML of `safepassage import --mapping`."""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from safepassage.intake.records import _LANGUAGE_WORDS, _SEX_WORDS, COLUMNS
from safepassage.intake.relationships import key, read_relationship
from safepassage.registry import normalise
from safepassage.registry.models import Category, Language, Relationship, Sex

IGNORE = "ignore"
# Columns whose values are words from a list: a value mapping can say what a partner's word is.
VALUE_COLUMNS: dict[str, tuple[str, ...]] = {
    "sex": tuple(Sex.values),
    "relationship_to_head": tuple(Relationship.values),
    "category": tuple(Category.values),
    "preferred_language": tuple(Language.values),
}

# Header names partners write, per column, in English, French, Dari and Pashto (compared as
# relationships.key compares words: no case, accents, spaces, hyphens or letter variants).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "external_id": (
        "external id", "id", "ref", "reference", "case id", "case number", "record id",
        "beneficiary id", "partner id", "case no", "file no", "file number",
        "identifiant", "numero de dossier", "reference partenaire",
        "no dossier", "شناسه", "شماره پرونده", "کد", "آی دی", "پیژندنه", "د دوسیې شمېره",
        "د دوسیی شمیره", "شمېره"),
    "given_name": (
        "given name", "first name", "firstname", "forename", "name", "prenom", "prénom",
        "اسم", "نام", "نوم", "لومړی نوم"),
    "family_name": (
        "family name", "last name", "lastname", "surname", "nom", "nom de famille", "patronyme",
        "تخلص", "نام خانوادگی", "کورنی نوم", "د کورنۍ نوم"),
    "father_name": (
        "father name", "father's name", "fathers name", "nom du pere", "nom du père",
        "نام پدر", "اسم پدر", "ولد", "د پلار نوم", "پلار نوم"),
    "name_native": (
        "name native", "native name", "name in dari", "name in pashto", "arabic script name",
        "nom en dari", "nom en pachto", "nom en ecriture arabe", "نام به دری", "نام به پشتو",
        "نوم په پښتو", "نوم په دري"),
    "date_of_birth": (
        "date of birth", "dob", "birth date", "birthdate", "born", "date de naissance",
        "né le", "ne le", "naissance", "تاریخ تولد", "تولد", "سال تولد", "د زیږیدو نیټه",
        "د زېږېدو نېټه", "زیږیدنه", "تاریخ د زیږیدو"),
    "sex": (
        "sex", "gender", "sexe", "genre", "جنسیت", "جنس", "جنسیت/جنس", "جنسیت یا جنس",
        "جنډر", "جنسیت (نارینه/ښځینه)"),
    "phone": (
        "phone", "phone number", "mobile", "mobile number", "telephone", "tel", "cell",
        "whatsapp", "téléphone", "numero de telephone", "portable", "شماره تماس", "تلفن",
        "شماره تلفن", "موبایل", "د تلیفون شمیره", "د تلیفون شمېره", "تلیفون", "ټیلیفون"),
    "email": ("email", "e-mail", "email address", "courriel", "adresse e-mail", "ایمیل",
              "برېښنالیک", "بریښنالیک"),
    "tazkira_number": (
        "tazkira", "tazkira number", "tazkira no", "tazkera", "taskira", "national id",
        "nid", "e-tazkira", "numero de tazkira", "carte d'identite", "تذکره", "شماره تذکره",
        "نمبر تذکره", "د تذکرې شمیره", "د تذکرې شمېره", "تذکرې شمیره"),
    "passport_number": (
        "passport", "passport number", "passport no", "numero de passeport", "passeport",
        "پاسپورت", "شماره پاسپورت", "د پاسپورټ شمیره", "پاسپورټ", "د پاسپورټ شمېره"),
    "province": ("province", "region", "location", "ولایت", "ولایت فعلی", "ځای", "ولايت"),
    "category": (
        "category", "eligibility", "programme", "program", "case type", "catégorie",
        "categorie", "eligibilite", "کتگوری", "کټګوري", "دسته", "نوع", "ډول"),
    "household_ref": (
        "household", "household ref", "household id", "family id", "family", "family number",
        "household number", "hh id", "ménage", "menage", "famille", "numero de famille",
        "id menage", "خانواده", "شماره خانواده", "کد خانواده", "کورنۍ", "د کورنۍ شمیره",
        "د کورنۍ شمېره"),
    "relationship_to_head": (
        "relationship", "relationship to head", "relation", "relation to head", "relation",
        "lien", "lien de parente", "lien avec le chef de menage", "parente", "relation familiale",
        "نسبت", "رابطه", "نسبت با سرپرست", "رابطه با سرپرست خانواده", "اړیکه", "خپلوي",
        "د مشر سره اړیکه"),
    "referrer": ("referrer", "referred by", "referent", "référent", "orienté par",
                 "oriente par", "معرفی کننده", "معرف", "راجع کوونکی", "معرفي کوونکی"),
    "notes": ("notes", "note", "comments", "comment", "remarks", "observations", "remarques",
              "commentaires", "ملاحظات", "یادداشت", "تبصره", "یادښت", "نظر"),
    "preferred_language": (
        "preferred language", "language", "langue", "langue preferee", "langue parlée",
        "زبان", "زبان ترجیحی", "ژبه", "غوره ژبه"),
}
# Fuzzy matches below this similarity are not suggested.
FUZZY_CUTOFF = 0.82
# Share of a column's sample values that must read as a kind of value to suggest the column.
SAMPLE_SHARE = 0.8


def header_key(text: str) -> str:
    return key(str(text or ""))


_SYNONYM_KEYS: dict[str, str] = {}
for _column, _words in SYNONYMS.items():
    for _word in (_column, *_words):
        _SYNONYM_KEYS.setdefault(header_key(_word), _column)


@dataclass(frozen=True)
class ColumnMapping:
    """Their header (as written, stripped) → our column, or IGNORE; and per column of ours,
    their value (compared without case or spaces around it) → our value."""

    columns: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # The headers as compared (header_key), so that a saved mapping reads the next file whose
    # headers differ only in case, spacing or letter variants.
    _by_key: dict[str, str] = field(default_factory=dict, init=False, repr=False,
                                    compare=False)

    def __post_init__(self) -> None:
        self._by_key.update({header_key(h): c for h, c in self.columns.items()})

    def as_dict(self) -> dict[str, Any]:
        return {"columns": {str(h): str(c) for h, c in self.columns.items()},
                "values": {str(c): {str(t): str(o) for t, o in v.items()}
                           for c, v in self.values.items() if v}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ColumnMapping:
        data = data or {}
        return cls(columns=dict(data.get("columns") or {}),
                   values={c: dict(v) for c, v in (data.get("values") or {}).items()})

    def column_for(self, header: str) -> str:
        """Our column for a header: the mapping's, else our own name as written, else none."""
        written = str(header or "").strip()
        target = self.columns.get(written) or self._by_key.get(header_key(written))
        if target:
            return "" if target == IGNORE else target
        name = "_".join(written.casefold().replace("-", " ").split())
        return name if name in COLUMNS else ""

    def value(self, column: str, text: str) -> str:
        table = self.values.get(column)
        if not table:
            return text
        wanted = text.strip().casefold()
        for theirs, ours in table.items():
            if str(theirs).strip().casefold() == wanted:
                return str(ours)
        return text


class MappingError(ValueError):
    """A mapping that names a column or a value we do not have; the message says which."""


def check_mapping(mapping: ColumnMapping) -> None:
    for header, column in mapping.columns.items():
        if column != IGNORE and column not in COLUMNS:
            raise MappingError(
                f"columns: {header!r} is mapped to {column!r}, which is not one of our columns "
                f"({', '.join(COLUMNS)}) nor {IGNORE!r}.")
    for column, table in mapping.values.items():
        if column not in VALUE_COLUMNS:
            raise MappingError(
                f"values: {column!r} takes no value mapping; these do: "
                f"{', '.join(VALUE_COLUMNS)}.")
        for theirs, ours in table.items():
            if str(ours) not in VALUE_COLUMNS[column]:
                raise MappingError(
                    f"values: {column}: {theirs!r} is mapped to {ours!r}; use one of: "
                    f"{', '.join(VALUE_COLUMNS[column])}.")
    targets = [c for c in mapping.columns.values() if c != IGNORE]
    doubled = sorted({c for c in targets if targets.count(c) > 1})
    if doubled:
        raise MappingError(f"columns: more than one header is mapped to {', '.join(doubled)}.")


def mapping_from_yaml(text: str) -> ColumnMapping:
    """The mapping of a YAML file (docs/intake.md, "Column mapping"); MappingError if it is
    not one."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise MappingError(f"not YAML: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("columns", {}), dict) or \
            not isinstance(data.get("values", {}) or {}, dict):
        raise MappingError("a mapping is a YAML map with `columns:` (header: column) and "
                           "optionally `values:` (column: {their value: our value}).")
    columns = {str(h).strip(): IGNORE if c in (None, "", IGNORE) else str(c).strip()
               for h, c in (data.get("columns") or {}).items()}
    values = {}
    for column, table in (data.get("values") or {}).items():
        if not isinstance(table, dict):
            raise MappingError(f"values: {column!r} must map their values to ours.")
        values[str(column)] = {str(t): str(o) for t, o in table.items()}
    mapping = ColumnMapping(columns=columns, values=values)
    check_mapping(mapping)
    return mapping


def mapping_to_yaml(mapping: ColumnMapping) -> str:
    return yaml.safe_dump(mapping.as_dict(), allow_unicode=True, sort_keys=False)


def headers_digest(headers: Sequence[str]) -> str:
    """What a file's header row is known by when its saved mapping is looked for: the headers
    as compared (no case, spaces or letter variants), in any order."""
    keys = sorted(header_key(h) for h in headers if str(h or "").strip())
    return hashlib.sha256("\x1f".join(keys).encode()).hexdigest()


# --------------------------------------------------------------------------------------------
# Suggestions
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    header: str
    column: str  # "" when nothing is suggested
    reason: str  # "ours", "name", "similar name", "values" or ""
    score: float


def _by_name(header: str) -> tuple[str, str, float]:
    written = "_".join(header.casefold().replace("-", " ").split())
    if written in COLUMNS:
        return written, "ours", 1.0
    wanted = header_key(header)
    if not wanted:
        return "", "", 0.0
    if wanted in _SYNONYM_KEYS:
        return _SYNONYM_KEYS[wanted], "name", 0.95
    near = difflib.get_close_matches(wanted, _SYNONYM_KEYS, n=1, cutoff=FUZZY_CUTOFF)
    if near:
        score = difflib.SequenceMatcher(None, wanted, near[0]).ratio()
        return _SYNONYM_KEYS[near[0]], "similar name", 0.9 * score
    return "", "", 0.0


def _reads(kind: str, text: str) -> bool:
    try:
        if kind == "date_of_birth":
            normalise.parse_date_of_birth(text)
        elif kind == "phone":
            normalise.normalise_phone(text)
        elif kind == "sex":
            return text.strip().casefold() in _SEX_WORDS and bool(text.strip())
        elif kind == "relationship_to_head":
            return read_relationship(text).known and not read_relationship(text).read_as
        elif kind == "email":
            normalise.normalise_email(text)
        elif kind == "preferred_language":
            return text.strip().casefold() in _LANGUAGE_WORDS
        else:
            return False
    except normalise.NormalisationError:
        return False
    return True


# Tried in this order: a phone number is not taken for a year of birth.
_SAMPLE_KINDS = ("email", "phone", "sex", "relationship_to_head", "preferred_language",
                 "date_of_birth")


def _by_values(samples: Sequence[str]) -> tuple[str, float]:
    filled = [s for s in samples if s.strip()]
    if not filled:
        return "", 0.0
    for kind in _SAMPLE_KINDS:
        share = sum(_reads(kind, s) for s in filled) / len(filled)
        if share >= SAMPLE_SHARE:
            return kind, 0.6 * share
    return "", 0.0


def suggest_mapping(headers: Sequence[str], rows: Iterable[Sequence[str]],
                    *, samples: int = 50) -> list[Suggestion]:
    """A column of ours for each header, from its name (in any of the four languages, as
    written or nearly) or else from its first values (dates, phones, sex and relationship
    words...); each column of ours goes to the header that fits it best."""
    columns: list[list[str]] = [[] for _h in headers]
    for number, row in enumerate(rows):
        if number >= samples:
            break
        for i, cell in enumerate(row[:len(headers)]):
            columns[i].append(str(cell or ""))
    candidates: list[tuple[float, int, str, str]] = []
    for i, header in enumerate(headers):
        column, reason, score = _by_name(str(header or ""))
        if column:
            candidates.append((score, i, column, reason))
        kind, value_score = _by_values(columns[i])
        if kind:
            candidates.append((value_score, i, kind, "values"))
    chosen: dict[int, tuple[str, str, float]] = {}
    taken: set[str] = set()
    for score, i, column, reason in sorted(candidates, key=lambda c: (-c[0], c[1])):
        if i in chosen or column in taken:
            continue
        chosen[i] = (column, reason, score)
        taken.add(column)
    return [Suggestion(str(h or "").strip(), *chosen.get(i, ("", "", 0.0)))
            for i, h in enumerate(headers)]


def suggested_mapping(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> ColumnMapping:
    """The suggestions as a mapping, with the values of list columns we would not read
    suggested as value mappings where we can tell (left out where we cannot)."""
    suggestions = suggest_mapping(headers, rows)
    columns = {s.header: s.column or IGNORE for s in suggestions if s.header}
    mapping = ColumnMapping(columns=columns)
    values: dict[str, dict[str, str]] = {}
    for column, unread in unread_values(mapping, headers, rows).items():
        for text in unread:
            ours = suggest_value(column, text)
            if ours:
                values.setdefault(column, {})[text] = str(ours)
    return ColumnMapping(columns=columns, values=values)


# Words for a person's sex beyond the ones records.py reads (children's words, adjectives,
# Arabic-script forms of the registers), for suggesting value mappings only.
_MORE_SEX_WORDS = {
    "boy": Sex.MALE, "girl": Sex.FEMALE, "masculin": Sex.MALE, "feminin": Sex.FEMALE,
    "garcon": Sex.MALE, "fille": Sex.FEMALE, "mr": Sex.MALE, "mrs": Sex.FEMALE,
    "ذکور": Sex.MALE, "اناث": Sex.FEMALE, "مذکر": Sex.MALE, "مونث": Sex.FEMALE,
    "پسر": Sex.MALE, "دختر": Sex.FEMALE, "نر": Sex.MALE, "ښځینه": Sex.FEMALE,
    "هلک": Sex.MALE, "نجلۍ": Sex.FEMALE, "نجلی": Sex.FEMALE,
}
_SEX_KEYS = {key(w): v for w, v in {**_SEX_WORDS, **_MORE_SEX_WORDS}.items() if w}
# Category words in French, Dari and Pashto, for suggesting value mappings.
_CATEGORY_WORDS = {
    "citoyen": Category.CITIZEN, "resident permanent": Category.PERMANENT_RESIDENT,
    "interprete": Category.INTERPRETER, "traducteur": Category.INTERPRETER,
    "ancien employe": Category.FORMER_EMPLOYEE, "journaliste": Category.JOURNALIST,
    "defenseur des droits humains": Category.HUMAN_RIGHTS_DEFENDER,
    "autre": Category.OTHER, "ترجمان": Category.INTERPRETER, "مترجم": Category.INTERPRETER,
    "ژباړونکی": Category.INTERPRETER, "خبرنگار": Category.JOURNALIST,
    "ژورنالیست": Category.JOURNALIST, "کارمند سابق": Category.FORMER_EMPLOYEE,
    "پخوانی کارکوونکی": Category.FORMER_EMPLOYEE, "مدافع حقوق بشر": Category.HUMAN_RIGHTS_DEFENDER,
    "دیگر": Category.OTHER, "نور": Category.OTHER,
}
_CATEGORY_KEYS = {key(w): v for w, v in _CATEGORY_WORDS.items()} | {
    key(str(label)): value for value, label in Category.choices} | {
    key(value): value for value in Category.values}


def suggest_value(column: str, text: str) -> str:
    """Our value for a partner's word in a list column, when one reads it; "" otherwise."""
    word = key(text)
    if column == "sex":
        return _SEX_KEYS.get(word, "")
    if column == "category":
        if word in _CATEGORY_KEYS:
            return _CATEGORY_KEYS[word]
        near = difflib.get_close_matches(word, _CATEGORY_KEYS, n=1, cutoff=FUZZY_CUTOFF)
        return _CATEGORY_KEYS[near[0]] if near else ""
    if column == "relationship_to_head":
        reading = read_relationship(text)
        return reading.kind if reading.known else ""
    if column == "preferred_language":
        return _LANGUAGE_WORDS.get(text.strip().casefold(), "")
    return ""


def unread_values(mapping: ColumnMapping, headers: Sequence[str],
                  rows: Sequence[Sequence[str]]) -> dict[str, list[str]]:
    """Per list column of ours, the distinct values of the rows that it would not read as they
    are (after the value mapping): what a value mapping should say."""
    found: dict[str, list[str]] = {}
    for i, header in enumerate(headers):
        column = mapping.column_for(str(header or ""))
        if column not in VALUE_COLUMNS:
            continue
        for row in rows:
            text = mapping.value(column, str(row[i] if i < len(row) else "") or "")
            if text.strip() and not _value_is_read(column, text) and \
                    text.strip() not in found.setdefault(column, []):
                found[column].append(text.strip())
    return {c: v for c, v in found.items() if v}


def _value_is_read(column: str, text: str) -> bool:
    word = text.strip().casefold()
    if column == "sex":
        return word in _SEX_WORDS or word in Sex.values
    if column == "preferred_language":
        return word in _LANGUAGE_WORDS or word in Language.values
    if column == "relationship_to_head":
        return read_relationship(text).known
    from safepassage.intake.records import parse_category

    return parse_category(text)[1] is None
