"""The import page with a partner's own headers: the suggested mapping to correct, the first
rows as they will be imported with their problems, then the import, and the mapping saved for
the organisation's next file with the same headers (decision 0100)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from safepassage.accounts.models import Organisation, Role
from safepassage.audit.models import AuditEntry
from safepassage.intake.models import ImportBatch, SavedColumnMapping
from safepassage.registry.models import Person
from tests.conftest import run_ready_tasks

pytestmark = pytest.mark.django_db

FILE = ("Nom de famille;Prénom;Naissance;Genre;Portable;Remarque interne\n"
        "Karimi;Ahmad;15/03/1985;H;0791234567;vu au bureau\n"
        "Rahimi;Laila;32/13/1990;Fille;;\n").encode()


def upload(client: Any, organisation: Organisation, data: bytes) -> Any:
    return client.post("/intake/imports/", {
        "organisation": organisation.pk,
        "file": SimpleUploadedFile("partenaire.csv", data, content_type="text/csv"),
    }, follow=True)


def _form(page: str) -> dict[str, str]:
    """The mapping form's fields as the browser would send them, selections included."""
    data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    for name, options in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        data[name] = chosen.group(1) if chosen else re.findall(
            r'<option value="([^"]*)"', options)[0]
    data.pop("csrfmiddlewaretoken", None)
    return data


def test_a_file_with_its_own_headers_is_mapped_previewed_and_imported(
    client_for: Callable[..., Any], partner_org: Organisation,
) -> None:
    client, _user = client_for(Role.CASEWORKER)
    page = upload(client, partner_org, FILE).content.decode()
    batch = ImportBatch.objects.get()
    assert batch.state == ImportBatch.State.MAPPING

    # The suggestions: each header with the column it goes to; the note stays out.
    form = _form(page)
    chosen = {form[f"header-{n}"]: form[f"column-{n}"] for n in range(6)}
    assert chosen == {"Nom de famille": "family_name", "Prénom": "given_name",
                      "Naissance": "date_of_birth", "Genre": "sex", "Portable": "phone",
                      "Remarque interne": "ignore"}
    # A word the importer would not read is offered for a value mapping, with a suggestion.
    word_fields = {form[k]: k.removeprefix("value-word-") for k in form
                   if k.startswith("value-word-")}
    assert form[f"value-ours-{word_fields['Fille']}"] == "female"
    # The preview: the rows as they will be read, with the problem row 3 would be held for.
    preview = page[page.index('id="preview"'):]
    assert "Ahmad" in preview and "+93791234567" not in preview  # values as written
    assert "date_of_birth" in preview and re.search(r"<td>3</td>.*date", preview, re.S)
    assert AuditEntry.objects.filter(action="intake.mapping_previewed").exists()

    # The staff member keeps the note as notes, previews again, then imports.
    notes_column = next(k for k in form if k.startswith("header-")
                        and form[k] == "Remarque interne").replace("header-", "column-")
    form[notes_column] = "notes"
    page = client.post(f"/intake/imports/{batch.pk}/mapping/",
                       {**form, "action": "preview"}).content.decode()
    assert "vu au bureau" in page[page.index('id="preview"'):]
    response = client.post(f"/intake/imports/{batch.pk}/mapping/", {**form, "action": "import"})
    assert response.status_code == 302
    assert run_ready_tasks("imports") == 1
    batch.refresh_from_db()
    assert (batch.imported, batch.quarantined, batch.unknown_columns) == (1, 1, [])
    assert [p.notes for p in Person.objects.all()] == ["vu au bureau"]
    saved = SavedColumnMapping.objects.get(organisation=partner_org)
    assert saved.mapping["columns"]["Remarque interne"] == "notes"
    assert AuditEntry.objects.filter(action="intake.column_mapping_saved").count() == 1

    # The next file with the same headers goes straight to the import, with that mapping.
    upload(client, partner_org, FILE.replace(b"Ahmad", b"Wahid"))
    latest = ImportBatch.objects.order_by("-pk").first()
    assert latest is not None and latest.state == ImportBatch.State.QUEUED
    assert run_ready_tasks("imports") == 1
    latest.refresh_from_db()
    assert (latest.imported, latest.quarantined) == (1, 1)


def test_a_mapping_with_a_column_twice_is_refused_with_the_reason(
    client_for: Callable[..., Any], partner_org: Organisation,
) -> None:
    client, _user = client_for(Role.CASEWORKER)
    form = _form(upload(client, partner_org, FILE).content.decode())
    batch = ImportBatch.objects.get()
    form["column-0"] = form["column-1"] = "given_name"
    page = client.post(f"/intake/imports/{batch.pk}/mapping/", {**form, "action": "import"})
    assert page.status_code == 200
    assert "more than one header is mapped to given_name" in page.content.decode()
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.MAPPING
