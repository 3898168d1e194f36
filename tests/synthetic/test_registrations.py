import collections
import csv
import re
import subprocess
import sys

from safepassage.synthetic.population import generate_population
from safepassage.synthetic.registrations import COLUMNS, generate_registrations, write_csv


def _rows(households=2000, seed=0):
    return list(generate_registrations(generate_population(households=households, seed=seed)))


def test_rows_have_exactly_the_bulk_import_columns_and_the_truth():
    row = _rows(50)[0]
    assert list(row) == [*COLUMNS, "truth_person"]


def test_about_a_third_of_people_are_registered_more_than_once_by_different_referrers():
    rows = _rows()
    by_person = collections.defaultdict(list)
    for row in rows:
        by_person[row["truth_person"]].append(row)
    repeated = [regs for regs in by_person.values() if len(regs) > 1]
    assert 0.25 <= len(repeated) / len(by_person) <= 0.42
    for regs in repeated:
        assert len({r["external_id"] for r in regs}) == len(regs)
        assert len({r["household_ref"] for r in regs}) == len(regs)
    assert sum(len({r["referrer"] for r in regs}) > 1 for regs in repeated) > 0.8 * len(repeated)


def test_registrations_carry_the_real_world_hazards():
    rows = _rows()
    dobs = [r["date_of_birth"] for r in rows]
    assert any(re.fullmatch(r"1[34]\d\d/\d\d/\d\d", d) for d in dobs), "Solar Hijri dates"
    assert any(re.fullmatch(r"(19|20)\d\d", d) for d in dobs), "year-only dates"
    assert any(d == "" for d in dobs)
    phones = {r["phone"][:4] for r in rows if r["phone"]}
    assert {"+937", "0093"} <= phones
    assert any(p.startswith("07") for p in phones)
    assert any(" " in r["phone"] for r in rows)
    assert any(r["given_name"] == "" and r["name_native"] for r in rows), "Arabic-script only"
    spellings = {r["given_name"] for r in rows}
    assert {"Mohammad", "Muhammad"} <= spellings
    assert {"Abdul Rahman", "Abdulrahman"} & spellings


def test_the_command_line_writes_a_csv(tmp_path):
    out = tmp_path / "regs.csv"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "safepassage.synthetic.registrations",
            "--households",
            "30",
            "--out",
            str(out),
        ],
        check=True,
        env={"PYTHONPATH": "src"},
    )
    with open(out, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) > 30
    assert rows[0]["truth_person"]


def test_write_csv_counts_rows(tmp_path):
    rows = _rows(10)
    assert write_csv(rows, tmp_path / "x.csv") == len(rows)
