"""The relationship words people write, in English, French, Dari and Pashto, with misspellings:
each is read as a kind, and a word not recognised makes the person "other relative" with a
warning. It never holds the household (issue 22 item 2, decision 0090)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from safepassage.accounts.models import Organisation
from safepassage.intake.models import ImportBatch
from safepassage.intake.relationships import read_relationship
from safepassage.intake.selectors import quarantine_report_rows
from safepassage.registry.models import Person
from safepassage.registry.models import Relationship as R
from tests.intake.conftest import csv_bytes, good_row, register_accepted

ENGLISH = {
    "child": R.CHILD, "son": R.SON, "daughter": R.DAUGHTER, "stepson": R.SON,
    "stepdaughter": R.DAUGHTER, "parent": R.PARENT, "father": R.FATHER, "mother": R.MOTHER,
    "sibling": R.SIBLING, "brother": R.BROTHER, "sister": R.SISTER,
    "grandparent": R.GRANDPARENT, "grandfather": R.GRANDPARENT, "grandmother": R.GRANDPARENT,
    "grandchild": R.GRANDCHILD, "husband": R.SPOUSE, "wife": R.SPOUSE, "spouse": R.SPOUSE,
    "son-in-law": R.IN_LAW, "daughter-in-law": R.IN_LAW, "father-in-law": R.IN_LAW,
    "mother-in-law": R.IN_LAW, "brother-in-law": R.IN_LAW, "sister-in-law": R.IN_LAW,
    "nephew": R.OTHER, "niece": R.OTHER, "uncle": R.OTHER, "aunt": R.OTHER, "cousin": R.OTHER,
    "ward": R.OTHER, "other": R.OTHER, "head": R.HEAD,
}
FRENCH = {
    "enfant": R.CHILD, "fils": R.SON, "fille": R.DAUGHTER, "parent": R.PARENT,
    "père": R.FATHER, "mère": R.MOTHER, "frère ou sœur": R.SIBLING, "frère": R.BROTHER,
    "sœur": R.SISTER, "soeur": R.SISTER, "grand-parent": R.GRANDPARENT,
    "grand-père": R.GRANDPARENT, "grand-mère": R.GRANDPARENT, "petit-enfant": R.GRANDCHILD,
    "petit-fils": R.GRANDCHILD, "petite-fille": R.GRANDCHILD, "mari": R.SPOUSE,
    "épouse": R.SPOUSE, "époux": R.SPOUSE, "femme": R.SPOUSE, "conjoint": R.SPOUSE,
    "gendre": R.IN_LAW, "bru": R.IN_LAW, "beau-frère": R.IN_LAW, "belle-sœur": R.IN_LAW,
    # Stepson and son-in-law alike: not guessed.
    "beau-fils": R.OTHER, "belle-fille": R.OTHER, "beau-père": R.OTHER, "belle-mère": R.OTHER,
    "neveu": R.OTHER, "nièce": R.OTHER, "oncle": R.OTHER, "tante": R.OTHER, "cousin": R.OTHER,
    "cousine": R.OTHER, "pupille": R.OTHER, "autre": R.OTHER, "chef de ménage": R.HEAD,
}
DARI = {
    "فرزند": R.CHILD, "اولاد": R.CHILD, "پسر": R.SON, "دختر": R.DAUGHTER,
    "پسراندر": R.SON, "دختراندر": R.DAUGHTER, "پدر": R.FATHER, "مادر": R.MOTHER,
    "برادر": R.BROTHER, "خواهر": R.SISTER, "همشیره": R.SISTER, "پدرکلان": R.GRANDPARENT,
    "مادرکلان": R.GRANDPARENT, "نواسه": R.GRANDCHILD, "خانم": R.SPOUSE, "همسر": R.SPOUSE,
    "شوهر": R.SPOUSE, "داماد": R.IN_LAW, "عروس": R.IN_LAW, "خسر": R.IN_LAW, "خشو": R.IN_LAW,
    "کاکا": R.OTHER, "ماما": R.OTHER, "خاله": R.OTHER, "عمه": R.OTHER,
    "برادرزاده": R.OTHER, "خواهرزاده": R.OTHER, "پسر کاکا": R.OTHER, "دیگر": R.OTHER,
    "سرپرست خانواده": R.HEAD,
}
PASHTO = {
    "ماشوم": R.CHILD, "زوی": R.SON, "لور": R.DAUGHTER, "پلار": R.FATHER, "مور": R.MOTHER,
    "ورور": R.BROTHER, "خور": R.SISTER, "نیکه": R.GRANDPARENT, "انا": R.GRANDPARENT,
    "لمسی": R.GRANDCHILD, "لمسۍ": R.GRANDCHILD, "ښځه": R.SPOUSE, "مېړه": R.SPOUSE,
    "زوم": R.IN_LAW, "نږور": R.IN_LAW, "سخر": R.IN_LAW, "خواښې": R.IN_LAW,
    "تره": R.OTHER, "ترور": R.OTHER, "وراره": R.OTHER, "وریره": R.OTHER, "تربور": R.OTHER,
    "نور": R.OTHER, "د کورنۍ مشر": R.HEAD,
}


def _cases(table: dict[str, str]) -> list[tuple[str, str]]:
    return list(table.items())


@pytest.mark.parametrize(("word", "kind"), [
    *_cases(ENGLISH), *_cases(FRENCH), *_cases(DARI), *_cases(PASHTO)])
def test_each_word_in_each_language_is_read_as_its_kind(word: str, kind: str) -> None:
    reading = read_relationship(word)
    assert (reading.kind, reading.known, reading.read_as) == (kind, True, "")


@pytest.mark.parametrize(("written", "kind"), [
    ("CHILD", R.CHILD), ("  Daughter. ", R.DAUGHTER), ("(son)", R.SON),
    ("Son In Law", R.IN_LAW), ("son_in_law", R.IN_LAW), ("GRAND-FATHER", R.GRANDPARENT),
    ("«پسر»", R.SON), ("پسر،", R.SON),
    # Arabic-script variants: Arabic yeh and kaf, a zero-width non-joiner, Pashto ye forms.
    ("ميړه", R.SPOUSE), ("كاكا", R.OTHER),
    ("\u067e\u062f\u0631\u200c\u06a9\u0644\u0627\u0646", R.GRANDPARENT),
])
def test_case_spaces_punctuation_and_letter_variants_do_not_matter(written: str,
                                                                   kind: str) -> None:
    reading = read_relationship(written)
    assert (reading.kind, reading.known) == (kind, True)


@pytest.mark.parametrize(("written", "kind", "read_as"), [
    ("dauther", R.DAUGHTER, "daughter"), ("doughter", R.DAUGHTER, "daughter"),
    ("daugther", R.DAUGHTER, "daughter"), ("brothr", R.BROTHER, "brother"),
    ("neice", R.OTHER, "niece"), ("grandmther", R.GRANDPARENT, "grandmother"),
    ("husbnd", R.SPOUSE, "husband"), ("Sistre", R.SISTER, "sister"),
])
def test_common_misspellings_are_read_and_said_so(written: str, kind: str,
                                                  read_as: str) -> None:
    reading = read_relationship(written)
    assert (reading.kind, reading.known, reading.read_as) == (kind, True, read_as)


@pytest.mark.parametrize("written", [
    "sun",  # three letters: not "son"
    "sen", "wif", "mothr x", "xyzzy", "friend", "neighbour",
])
def test_short_words_and_words_far_from_any_are_not_guessed(written: str) -> None:
    reading = read_relationship(written)
    assert (reading.kind, reading.known) == (R.OTHER, False)


def test_a_word_one_letter_from_two_kinds_is_not_guessed() -> None:
    # "mather" is one letter from "mother" and from "father".
    assert read_relationship("mather").known is False


def _run_import(path: Path, organisation: Organisation) -> str:
    out = StringIO()
    call_command("import_file", str(path), "--org", organisation.name, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_household_whose_children_are_written_child_is_imported_whole(
        tmp_path: Path, partner_org: Organisation) -> None:
    path = tmp_path / "referrals.csv"
    path.write_bytes(csv_bytes([
        good_row(1, household_ref="H1", relationship_to_head="head"),
        good_row(2, household_ref="H1", relationship_to_head="wife", sex="female"),
        good_row(3, household_ref="H1", relationship_to_head="child"),
        good_row(4, household_ref="H1", relationship_to_head="Child "),
        good_row(5, household_ref="H1", relationship_to_head="دختر", sex="female"),
    ]))

    assert _run_import(path, partner_org) == "imported 5, quarantined 0, unchanged 0\n"
    kinds = sorted(Person.objects.values_list("relationship_to_head", flat=True))
    assert kinds == sorted([R.HEAD, R.SPOUSE, R.CHILD, R.CHILD, R.DAUGHTER])
    assert Person.objects.values("household").distinct().count() == 1


@pytest.mark.django_db
def test_an_unknown_word_imports_the_person_as_other_relative_with_a_warning(
        tmp_path: Path, partner_org: Organisation) -> None:
    path = tmp_path / "referrals.csv"
    path.write_bytes(csv_bytes([
        good_row(1, household_ref="H1"),
        good_row(2, household_ref="H1", relationship_to_head="neighbour"),
        good_row(3, household_ref="H1", relationship_to_head="doughter", sex="female"),
    ]))

    assert _run_import(path, partner_org) == "imported 3, quarantined 0, unchanged 0\n"
    assert sorted(Person.objects.values_list("relationship_to_head", flat=True)) == sorted(
        [R.HEAD, R.OTHER, R.DAUGHTER])
    batch = ImportBatch.objects.get()
    assert batch.summary()["warnings"] == 2
    report = quarantine_report_rows(batch)
    warnings = {line[0]: line for line in report[1:]}
    assert set(warnings) == {"3", "4"}
    assert warnings["3"][1] == "relationship_to_head"
    assert "“neighbour”" in warnings["3"][2] and "other relative" in warnings["3"][2]
    assert "“doughter” was read as “daughter”" in warnings["4"][2]
    # The values are left out: the rows are registered, the report must not import them again.
    assert not any(warnings["3"][4:])


@pytest.mark.django_db
def test_the_api_answers_an_unknown_word_with_a_warning_and_registers(api_token: str) -> None:
    client = Client(headers={"Authorization": f"Bearer {api_token}"})
    body = {"category": "interpreter", "members": [
        {"given_name": "Mohammad", "family_name": "Karimi", "date_of_birth": "1365",
         "phone": "+93 79 123 4567", "sex": "male"},
        {"given_name": "Wahida", "relationship_to_head": "child", "date_of_birth": "1395"},
        {"given_name": "Nasir", "relationship_to_head": "lodger", "date_of_birth": "1390"},
    ]}

    response = client.post("/api/v1/registrations/", body, content_type="application/json")
    assert response.status_code == 202, response.content
    register_accepted()

    answer = client.get(response.json()["status_url"]).json()["results"][0]
    assert answer["outcome"] == "registered"
    [warning] = answer["warnings"]
    assert (warning["field"], warning["code"]) == ("members[2].relationship_to_head",
                                                   "relationship_unknown")
    assert sorted(Person.objects.values_list("relationship_to_head", flat=True)) == sorted(
        [R.HEAD, R.CHILD, R.OTHER])
