"""A partner's spreadsheet with its own headers and words, in English, French, Dari or Pashto,
imported through a column mapping: suggested from the file, written as YAML for
`safepassage import --mapping`, saved per organisation and used again (decision 0100)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from safepassage.accounts.models import Organisation
from safepassage.audit.models import AuditEntry
from safepassage.intake import services
from safepassage.intake.column_mapping import ColumnMapping, mapping_from_yaml
from safepassage.intake.models import ImportBatch, SavedColumnMapping
from safepassage.intake.records import COLUMNS
from safepassage.registry.models import Person

pytestmark = pytest.mark.django_db

# Each file: a household of three in the language of its headers and of its words, with a
# category word we do not read as written (a value mapping says what it is).
FILES = {
    "en": (
        "Case No,First Name,Surname,DOB,Gender,Mobile,Family ID,Relation,Programme\n"
        "EN-1,Ahmad,Karimi,1985-03-15,M,0791234567,H1,head of household,Terp\n"
        "EN-2,Laila,Karimi,1990,F,,H1,wife,Terp\n"
        "EN-3,Omid,Karimi,2012,boy,,H1,son,Terp\n",
        "Terp"),
    "fr": (
        "N° dossier;Prénom;Nom;Date de naissance;Sexe;Téléphone;Ménage;Lien de parenté;Catégorie\n"
        "FR-1;Ahmad;Karimi;15/03/1985;Homme;0791234567;F1;chef de ménage;Ex-interprète\n"
        "FR-2;Laila;Karimi;1990;Femme;;F1;épouse;Ex-interprète\n"
        "FR-3;Omid;Karimi;2012;garçon;;F1;fils;Ex-interprète\n",
        "Ex-interprète"),
    "fa-af": (
        "شماره پرونده,نام,تخلص,تاریخ تولد,جنسیت,شماره تماس,کد خانواده,نسبت,کتگوری\n"
        "DA-1,احمد,کریمی,۱۳۶۴/۰۲/۱۲,مرد,۰۷۹۱۲۳۴۵۶۷,خ۱,سرپرست خانواده,ترجمان سابق\n"
        "DA-2,لیلا,کریمی,۱۳۶۹,زن,,خ۱,همسر,ترجمان سابق\n"
        "DA-3,امید,کریمی,۱۳۹۱,پسر,,خ۱,پسر,ترجمان سابق\n",
        "ترجمان سابق"),
    "ps": (
        "د دوسیې شمېره,نوم,د کورنۍ نوم,د زیږیدو نیټه,جنسیت,د تلیفون شمیره,کورنۍ,اړیکه,ډول\n"
        "PS-1,احمد,کریمی,۱۳۶۴/۰۲/۱۲,نارینه,۰۷۹۱۲۳۴۵۶۷,ک۱,د کورنۍ مشر,پخوانی ژباړن\n"
        "PS-2,لیلا,کریمی,۱۳۶۹,ښځه,,ک۱,ښځه,پخوانی ژباړن\n"
        "PS-3,امید,کریمی,۱۳۹۱,هلک,,ک۱,زوی,پخوانی ژباړن\n",
        "پخوانی ژباړن"),
}
EXPECTED_COLUMNS = ["external_id", "given_name", "family_name", "date_of_birth", "sex", "phone",
                    "household_ref", "relationship_to_head", "category"]


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_file", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("language", FILES)
def test_a_spreadsheet_in_each_language_imports_through_its_mapping(
    tmp_path: Path, partner_org: Organisation, language: str,
) -> None:
    text, category_word = FILES[language]
    path = tmp_path / f"referrals-{language}.csv"
    path.write_text(text, encoding="utf-8")

    suggested = yaml.safe_load(run(str(path), "--org", partner_org.name, "--suggest-mapping"))
    assert list(suggested["columns"].values()) == EXPECTED_COLUMNS
    # The words of the list columns are suggested where we can tell; the partner's own
    # category word is theirs to say.
    suggested.setdefault("values", {}).setdefault("category", {})[category_word] = "interpreter"
    mapping_file = tmp_path / "mapping.yaml"
    mapping_file.write_text(yaml.safe_dump(suggested, allow_unicode=True), encoding="utf-8")

    assert run(str(path), "--org", partner_org.name, "--mapping", str(mapping_file)) == (
        "imported 3, quarantined 0, unchanged 0\n")
    assert run(str(path), "--org", partner_org.name, "--mapping", str(mapping_file)) == (
        "imported 0, quarantined 0, unchanged 3\n")

    people = {p.relationship_to_head: p for p in Person.objects.select_related("household")}
    assert set(people) == {"head", "spouse", "son"}
    assert (people["head"].sex, people["spouse"].sex, people["son"].sex) == (
        "male", "female", "male")
    assert people["head"].phones == ["+93791234567"]
    assert people["head"].household_id == people["son"].household_id
    assert people["head"].birth_date is not None and people["head"].birth_date.year == 1985
    assert people["head"].household.case.category == "interpreter"


def test_a_mapping_names_what_it_cannot_use(tmp_path: Path, partner_org: Organisation) -> None:
    path = tmp_path / "referrals.csv"
    path.write_text(FILES["en"][0], encoding="utf-8")
    mapping_file = tmp_path / "mapping.yaml"
    mapping_file.write_text("columns:\n  First Name: prenom\n", encoding="utf-8")

    with pytest.raises(CommandError, match="'First Name' is mapped to 'prenom', which is not"):
        run(str(path), "--org", partner_org.name, "--mapping", str(mapping_file))
    mapping_file.write_text("columns:\n  First Name: given_name\nvalues:\n  sex:\n    boy: son\n",
                            encoding="utf-8")
    with pytest.raises(CommandError, match="sex: 'boy' is mapped to 'son'; use one of"):
        run(str(path), "--org", partner_org.name, "--mapping", str(mapping_file))


def test_without_a_mapping_the_command_says_how_to_make_one(
    tmp_path: Path, partner_org: Organisation,
) -> None:
    path = tmp_path / "referrals.csv"
    path.write_text(FILES["fr"][0], encoding="utf-8")
    with pytest.raises(CommandError, match="--suggest-mapping"):
        run(str(path), "--org", partner_org.name)


def test_a_saved_mapping_is_used_again_for_the_same_headers(
    partner_org: Organisation,
) -> None:
    actor = services.service_account(partner_org)
    text = FILES["en"][0]
    headers = text.splitlines()[0].split(",")
    mapping = mapping_from_yaml(yaml.safe_dump({
        "columns": dict(zip(headers, EXPECTED_COLUMNS, strict=True)),
        "values": {"category": {"Terp": "interpreter"}, "sex": {"boy": "male"}}}))
    services.save_column_mapping(actor=actor, organisation=partner_org, headers=headers,
                                 mapping=mapping)
    assert AuditEntry.objects.filter(action="intake.column_mapping_saved").count() == 1

    # The next file: the same headers in another order, other case and spacing.
    lines = [line.split(",") for line in text.splitlines()]
    reordered = [[row[1], row[0], *row[2:]] for row in lines]
    reordered[0][0] = "  first   NAME "
    data = "\n".join(",".join(row) for row in reordered).encode()
    batch = services.start_import(actor=actor, organisation=partner_org, data=data,
                                  filename="next.csv", wait=True, ask_for_mapping=True)

    assert (batch.imported, batch.quarantined, batch.unknown_columns) == (3, 0, [])
    assert SavedColumnMapping.objects.get().mapping["values"]["category"] == {
        "Terp": "interpreter"}


def test_the_import_page_path_waits_for_a_mapping_when_headers_are_not_ours(
    partner_org: Organisation,
) -> None:
    actor = services.service_account(partner_org)
    batch = services.start_import(actor=actor, organisation=partner_org,
                                  data=FILES["fr"][0].encode(), filename="fr.csv",
                                  ask_for_mapping=True)
    assert batch.state == ImportBatch.State.MAPPING
    suggested = ColumnMapping.from_dict(batch.mapping)
    assert suggested.columns["Prénom"] == "given_name"
    assert suggested.values["sex"] == {"garçon": "male"}

    ours = ",".join(COLUMNS).encode() + b"\n"
    plain = services.start_import(actor=actor, organisation=partner_org, data=ours,
                                  filename="ours.csv", ask_for_mapping=True)
    assert plain.state == ImportBatch.State.QUEUED


def test_json_summary_is_unchanged_by_a_mapping(tmp_path: Path,
                                                partner_org: Organisation) -> None:
    path = tmp_path / "referrals.csv"
    path.write_text("Prénom;Portable\nWahid;0791234567\n", encoding="utf-8")
    mapping_file = tmp_path / "m.yaml"
    mapping_file.write_text("columns:\n  Prénom: given_name\n  Portable: phone\n",
                            encoding="utf-8")
    summary = json.loads(run(str(path), "--org", partner_org.name, "--json", "--mapping",
                             str(mapping_file)))
    assert (summary["imported"], summary["unknown_columns"]) == (1, [])


def test_a_quarantine_report_imported_again_from_the_page_needs_no_mapping(
    partner_org: Organisation,
) -> None:
    actor = services.service_account(partner_org)
    header = ["row_number", "field", "problem", "how_to_fix", *COLUMNS]
    row = ["3", "given_name", "The given name is empty.", "Write it.", *([""] * len(COLUMNS))]
    data = f"{','.join(header)}\n{','.join(row)}\n".encode()
    batch = services.start_import(actor=actor, organisation=partner_org, data=data,
                                  filename="report.csv", ask_for_mapping=True)
    assert batch.state == ImportBatch.State.QUEUED
