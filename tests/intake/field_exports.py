"""Submission exports of our XLSForm as ODK Central and KoboToolbox write them (decision 0101):
ODK Central's zip of CSV files (group paths joined by "-", the repeat group in its own file
linked by PARENT_KEY/KEY, meta columns), KoboToolbox's XLSX (one sheet per repeat group linked
by _parent_index, meta columns _id, _uuid, _submission_time...) and its CSV (";", group paths
joined by "/")."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from openpyxl import Workbook

REGISTRANT = ("given_name", "family_name", "father_name", "date_of_birth", "sex", "phone",
              "email", "tazkira_number", "passport_number", "province", "category")
MEMBER = ("given_name", "family_name", "relationship_to_head", "date_of_birth", "sex",
          "tazkira_number", "passport_number")

# Two submissions: a household of three, and a person alone.
SUBMISSIONS: list[dict[str, Any]] = [
    {"uuid": "0b6e3c52-5b1b-4b4e-9d8e-1f0f6c1a2b01", "submitted": "2026-12-01T08:15:02.000Z",
     "registrant": {"given_name": "Zabihullah", "family_name": "Stanikzai",
                    "father_name": "Abdul Rahman", "date_of_birth": "1366/03/15", "sex": "male",
                    "phone": "0791234567", "email": "", "tazkira_number": "1400-0101-12345",
                    "passport_number": "", "province": "Kabul", "category": "interpreter"},
     "members": [
         {"given_name": "Maryam", "family_name": "Stanikzai", "relationship_to_head": "spouse",
          "date_of_birth": "1990", "sex": "female", "tazkira_number": "", "passport_number": ""},
         {"given_name": "Omid", "family_name": "Stanikzai", "relationship_to_head": "son",
          "date_of_birth": "2012", "sex": "male", "tazkira_number": "", "passport_number": ""},
     ]},
    {"uuid": "7d1f3a90-2c4e-4f4a-8b7e-3e2d1c0b9a02", "submitted": "2026-12-01T09:40:47.000Z",
     "registrant": {"given_name": "Shakiba", "family_name": "Rahimi", "father_name": "",
                    "date_of_birth": "15/03/1985", "sex": "female", "phone": "0701234567",
                    "email": "shakiba@example.org", "tazkira_number": "",
                    "passport_number": "P01234567", "province": "Herat",
                    "category": "journalist"},
     "members": []},
]
PEOPLE = sum(1 + len(s["members"]) for s in SUBMISSIONS)


def _csv(rows: list[list[str]], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def odk_central_zip(submissions: list[dict[str, Any]] = SUBMISSIONS) -> bytes:
    """As ODK Central's "Download all records" (…/submissions.csv.zip) writes it."""
    odk_meta = ["SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected",
                "Status", "ReviewState", "DeviceID", "Edits", "FormVersion"]
    main = [["SubmissionDate", *(f"registrant-{n}" for n in REGISTRANT), "meta-instanceID",
             "KEY", *odk_meta]]
    members = [[*MEMBER, "PARENT_KEY", "KEY"]]
    for s in submissions:
        key = f"uuid:{s['uuid']}"
        main.append([s["submitted"], *(s["registrant"][n] for n in REGISTRANT), key, key,
                     "5", "collector-1", "0", "0", "", "", "collect:Xb3k9", "0", "1"])
        for n, m in enumerate(s["members"], start=1):
            members.append([*(m[f] for f in MEMBER), key, f"{key}/members[{n}]"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("safepassage_registration.csv", _csv(main))
        archive.writestr("safepassage_registration-members.csv", _csv(members))
    return out.getvalue()


def odk_central_csv(submissions: list[dict[str, Any]] = SUBMISSIONS) -> bytes:
    """The submissions' CSV alone (no repeats), as ODK Central's table download."""
    data = zipfile.ZipFile(io.BytesIO(odk_central_zip(submissions)))
    return data.read("safepassage_registration.csv")


KOBO_META = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
             "_submitted_by", "__version__", "_tags", "_index"]


def _kobo_main(submissions: list[dict[str, Any]]) -> list[list[Any]]:
    rows: list[list[Any]] = [["start", "end", *(f"registrant/{n}" for n in REGISTRANT),
                              "meta/instanceID", *KOBO_META]]
    for index, s in enumerate(submissions, start=1):
        rows.append(["2026-12-01T08:01:00.000+04:30", "2026-12-01T08:14:00.000+04:30",
                     *(s["registrant"][n] for n in REGISTRANT), f"uuid:{s['uuid']}",
                     4100 + index, s["uuid"], s["submitted"][:19], "", "", "submitted_via_web",
                     "enumerator1", "vQ7mX2kcH8", "", index])
    return rows


def kobo_xlsx(submissions: list[dict[str, Any]] = SUBMISSIONS) -> bytes:
    """As KoboToolbox's XLSX export writes it (XML values and headers, group names in the
    headers, "/" between them): the submissions' sheet, then one sheet per repeat group."""
    book = Workbook()
    main = book.active
    assert main is not None
    main.title = "Register for evacuation"
    for row in _kobo_main(submissions):
        main.append(row)
    members = book.create_sheet("members")
    members.append([*(f"members/{n}" for n in MEMBER), "_index", "_parent_table_name",
                    "_parent_index", "_submission__id", "_submission__uuid",
                    "_submission__submission_time", "_submission__validation_status",
                    "_submission__notes", "_submission__status", "_submission__submitted_by",
                    "_submission___version__", "_submission__tags"])
    index = 0
    for parent, s in enumerate(submissions, start=1):
        for m in s["members"]:
            index += 1
            members.append([*(m[f] for f in MEMBER), index, "Register for evacuation", parent,
                            4100 + parent, s["uuid"], s["submitted"][:19], "", "",
                            "submitted_via_web", "enumerator1", "vQ7mX2kcH8", ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def kobo_csv(submissions: list[dict[str, Any]] = SUBMISSIONS) -> bytes:
    """KoboToolbox's CSV export: the submissions only, ";" between the values."""
    return _csv([[str(c) for c in row] for row in _kobo_main(submissions)], delimiter=";")


def kobo_api_results(submissions: list[dict[str, Any]] = SUBMISSIONS) -> list[dict[str, Any]]:
    """The submissions as KoboToolbox's REST API v2 (assets/<uid>/data/) returns them: group
    paths in the keys, the repeat group as a list of objects under its name."""
    results = []
    for index, s in enumerate(submissions, start=1):
        results.append({
            "_id": 4100 + index, "formhub/uuid": "5c3b1a0f0e8d4c2b9a7f6e5d4c3b2a19",
            "start": "2026-12-01T08:01:00.000+04:30", "end": "2026-12-01T08:14:00.000+04:30",
            **{f"registrant/{n}": s["registrant"][n] for n in REGISTRANT
               if s["registrant"][n]},
            "members": [{f"members/{f}": m[f] for f in MEMBER if m[f]} for m in s["members"]],
            "__version__": "vQ7mX2kcH8", "meta/instanceID": f"uuid:{s['uuid']}",
            "_xform_id_string": "aXyZ3kQ9pL2mN8vB", "_uuid": s["uuid"], "_attachments": [],
            "_status": "submitted_via_web", "_geolocation": [None, None],
            "_submission_time": s["submitted"][:19], "_tags": [], "_notes": [],
            "_validation_status": {}, "_submitted_by": "enumerator1",
        })
        if not s["members"]:
            del results[-1]["members"]  # Kobo leaves out a repeat with no entries
    return results


def odk_odata_values(submissions: list[dict[str, Any]] = SUBMISSIONS) -> list[dict[str, Any]]:
    """The submissions as ODK Central's OData feed (…/forms/<id>.svc/Submissions?$expand=*)
    returns them: groups as objects, repeats expanded as lists, __id and __system."""
    values = []
    for s in submissions:
        key = f"uuid:{s['uuid']}"
        values.append({
            "__id": key,
            "registrant": {n: s["registrant"][n] or None for n in REGISTRANT},
            "members@odata.navigationLink": f"Submissions('{key}')/members",
            "members": [{"__id": f"{n:040x}", **{f: m[f] or None for f in MEMBER}}
                        for n, m in enumerate(s["members"], start=1)],
            "meta": {"instanceID": key},
            "__system": {"submissionDate": s["submitted"], "updatedAt": None,
                         "submitterId": "5", "submitterName": "collector-1",
                         "attachmentsPresent": 0, "attachmentsExpected": 0,
                         "status": None, "reviewState": None, "deviceId": None, "edits": 0,
                         "formVersion": "1"},
        })
    return values
