"""Every person has a Latin-script name: typed, or suggested from the Dari or Pashto script and
flagged until a caseworker confirms it; the ICAO Doc 9303 form is A-Z and `<` only."""

from __future__ import annotations

from typing import Any

import pytest

from safepassage.accounts.models import Role
from safepassage.registry import latin
from safepassage.registry.models import Case
from safepassage.registry.services import confirm_latin_name
from tests.conftest import person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("family", "given", "expected"), [
    ("Stanikzai", "Zabihullah", "STANIKZAI<<ZABIHULLAH"),
    ("Abdul-Rahman", "Mohammad Nabi", "ABDUL<RAHMAN<<MOHAMMAD<NABI"),
    ("O'Neil", "Zoë", "ONEIL<<ZOE"),
    ("Müller", "Jürgen", "MUELLER<<JUERGEN"),
    ("Popalzai", "", "POPALZAI"),
    ("  Haidari ", " Gul  Ahmad ", "HAIDARI<<GUL<AHMAD"),
])
def test_the_icao_form_has_only_capitals_and_fillers(family: str, given: str,
                                                      expected: str) -> None:
    assert latin.icao_name(family, given) == expected


def test_a_name_typed_in_latin_script_is_kept_as_typed(make_case: Any) -> None:
    case = make_case(person(given_name="Zabihullah", family_name="Stanikzai"))
    case = Case.objects.get(pk=case.pk)
    head = case.household.head

    assert (head.latin_given_name, head.latin_family_name) == ("Zabihullah", "Stanikzai")
    assert head.latin_name_source == "typed"
    assert not head.latin_name_unconfirmed


def test_a_name_written_only_in_dari_gets_a_suggested_latin_name_flagged_until_confirmed(
    make_case: Any, make_user: Any,
) -> None:
    case = make_case(person(given_name="ذبیح الله", family_name="ستانکزی"),
                     person(given_name="فرشته", family_name="پوپلزی",
                            relationship_to_head="spouse"))
    case = Case.objects.get(pk=case.pk)
    head = case.household.head

    assert head.latin_given_name == "Zabihullah"
    assert head.latin_family_name == "Stanikzai"
    assert head.latin_name_unconfirmed
    spouse = case.household.members.exclude(pk=head.pk).get()
    assert spouse.latin_given_name and latin.icao_part(spouse.latin_given_name).isalpha()

    confirm_latin_name(actor=make_user(Role.CASEWORKER), person=head)
    head.refresh_from_db()
    assert head.latin_name_source == "confirmed"
    assert case.corrections.get().kind == "latin_confirmed"
