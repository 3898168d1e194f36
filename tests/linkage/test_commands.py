"""`safepassage import` a generated file, then `safepassage link`, then `export-clusters`."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from safepassage.synthetic.population import generate_population
from safepassage.synthetic.registrations import TRUTH_COLUMN, generate_registrations, write_csv

pytestmark = pytest.mark.slow


def test_import_link_and_export_give_one_cluster_id_per_person(
    tmp_path: Path, make_organisation: Any
) -> None:
    make_organisation("Veterans network")
    rows = list(generate_registrations(generate_population(households=12, seed=5), seed=5))
    truth = {row["external_id"]: row[TRUTH_COLUMN] for row in rows}
    source = tmp_path / "registrations.csv"
    write_csv(({k: v for k, v in row.items() if k != TRUTH_COLUMN} for row in rows), source)

    call_command("import_file", str(source), "--org", "Veterans network", stdout=io.StringIO())
    out, err = io.StringIO(), io.StringIO()
    call_command("link", stdout=out, stderr=err)
    summary = out.getvalue()
    assert "records:" in summary and "auto-merged:" in summary and "queued for review:" in summary
    again = io.StringIO()
    call_command("link", "--if-never-run", stdout=again, stderr=io.StringIO())
    assert "not run again" in again.getvalue()
    from safepassage.linkage.models import LinkageRun

    assert LinkageRun.objects.count() == 1

    exported = tmp_path / "clusters.csv"
    call_command("export_clusters", "--out", str(exported), stdout=io.StringIO())
    with open(exported, newline="", encoding="utf-8") as handle:
        clusters = {r["external_id"]: r["cluster_id"] for r in csv.DictReader(handle)}
    from safepassage.intake.models import ExternalReference

    # Every imported registration (rows the import rejected have no person to cluster).
    assert set(clusters) <= set(truth)
    assert len(clusters) == ExternalReference.objects.count() > 0
    wrong = sum(
        1 for a in clusters for b in clusters
        if a < b and clusters[a] == clusters[b] and truth[a] != truth[b]
    )
    merged = sum(
        1 for a in clusters for b in clusters
        if a < b and clusters[a] == clusters[b] and truth[a] == truth[b]
    )
    assert merged > 0 and wrong == 0


def test_export_clusters_names_the_file_it_cannot_write(tmp_path: Path, db: Any) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--out"):
        call_command("export_clusters", "--out", str(tmp_path / "missing" / "x.csv"))
