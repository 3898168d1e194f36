"""`safepassage place-file`: the optimiser on a JSON file, no database; bad input names the
field and exits with status 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

INSTANCE: dict[str, Any] = {
    "families": [
        {"id": "F1", "members": {"children": 2, "adults": 2, "seniors": 0},
         "needs": ["accessible_housing"], "languages": ["prs"], "ties": []},
        {"id": "F2", "members": {"children": 0, "adults": 1, "seniors": 1},
         "needs": [], "languages": ["pus"], "ties": ["P2"]},
        {"id": "F3", "members": {"children": 1, "adults": 1, "seniors": 0},
         "needs": [], "languages": [], "ties": []},
    ],
    "places": [
        {"id": "P1", "capacity": {"children": 17, "adults": 14, "seniors": 2},
         "services": ["accessible_housing"], "languages": ["prs", "pus"]},
        {"id": "P2", "capacity": {"children": 0, "adults": 1, "seniors": 1,
                                  "housing_units": {"2": 1}},
         "services": [], "languages": ["pus"]},
    ],
    "scores": [{"family": "F1", "place": "P1", "score": 0.39},
               {"family": "F2", "place": "P1", "score": 0.9},
               {"family": "F2", "place": "P2", "score": 0.2}],
}


def run(tmp_path: Path, instance: Any, *extra: str) -> dict[str, Any]:
    source = tmp_path / "instance.json"
    source.write_text(json.dumps(instance) if not isinstance(instance, str) else instance)
    out = tmp_path / "placement.json"
    call_command("place_file", str(source), "--out", str(out), *extra)
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def test_it_places_a_file_and_writes_exactly_the_four_keys(tmp_path: Path, capsys) -> None:
    result = run(tmp_path, INSTANCE)
    assert set(result) == {"assignments", "objective", "bound", "unplaced"}
    assert sorted(result["assignments"], key=lambda a: a["family"]) == [
        {"family": "F1", "place": "P1"}, {"family": "F2", "place": "P2"}]
    assert result["objective"] == pytest.approx(0.59)
    assert result["bound"] == pytest.approx(0.59)
    assert result["unplaced"] == [
        {"family": "F3", "reason": "no score was given for it at any place"}]
    assert "objective 0.590, LP bound 0.590" in capsys.readouterr().out


def test_with_reasons_each_placement_shows_its_score_and_the_rules_it_meets(
        tmp_path: Path) -> None:
    result = run(tmp_path, INSTANCE, "--reasons")
    reasons = {r["family"]: r for r in result["reasons"]}
    assert reasons["F2"]["score"] == 0.2
    assert "ties: the family has ties to P2" in reasons["F2"]["rules"]
    assert "language spoken: pus" in reasons["F2"]["rules"]
    assert "needs met: accessible_housing" in reasons["F1"]["rules"]


def test_the_output_round_trips_through_the_checker(tmp_path: Path) -> None:
    from safepassage.resettlement.placement import check_placement, parse_instance

    result = run(tmp_path, INSTANCE)
    instance = parse_instance(INSTANCE)
    assignments = {a["family"]: a["place"] for a in result["assignments"]}
    assert check_placement(instance.families, instance.places, instance.scores,
                           assignments) == []


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.pop("scores"), "scores: expected a list"),
    (lambda d: d["families"][0].pop("members"), r"families\[0\]\.members: expected an object"),
    (lambda d: d["families"][1]["members"].update(adults=-1),
     r"families\[1\]\.members\.adults: expected a whole number of at least 0"),
    (lambda d: d["families"][0]["members"].update(pets=1),
     r"families\[0\]\.members\.pets: unknown"),
    (lambda d: d["families"][1].update(ties=["P9"]),
     r"families\[1\]\.ties: 'P9' is not the id of a place"),
    (lambda d: d["families"][2].update(id="F1"), r"families\[2\]\.id: 'F1' appears twice"),
    (lambda d: d["places"][0]["capacity"].update(seniors="two"),
     r"places\[0\]\.capacity\.seniors: expected a whole number"),
    (lambda d: d["places"][1]["capacity"].update(housing_units={"big": 2}),
     r"places\[1\]\.capacity\.housing_units\.big: a unit size must be a whole number"),
    (lambda d: d["places"][0].update(languages="prs"),
     r"places\[0\]\.languages: expected a list of texts"),
    (lambda d: d["scores"][0].update(score="high"), r"scores\[0\]\.score: expected a number"),
    (lambda d: d["scores"][0].update(score=-0.1), r"scores\[0\]\.score: expected a number"),
    (lambda d: d["scores"][1].update(place="P7"), r"scores\[1\]\.place: expected the id"),
    (lambda d: d["scores"].append(dict(d["scores"][0])), r"scores\[3\]: a second score"),
])
def test_bad_input_names_the_field_and_exits_with_status_2(
        tmp_path: Path, change: Any, message: str) -> None:
    instance = json.loads(json.dumps(INSTANCE))
    change(instance)
    with pytest.raises(CommandError, match=message) as caught:
        run(tmp_path, instance)
    assert caught.value.returncode == 2
    assert not (tmp_path / "placement.json").exists()


def test_a_file_that_is_not_json_is_refused_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"is not valid JSON \(line 1, column 2") as caught:
        run(tmp_path, "{oops")
    assert caught.value.returncode == 2


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read") as caught:
        call_command("place_file", str(tmp_path / "nowhere.json"), "--out",
                     str(tmp_path / "out.json"))
    assert caught.value.returncode == 2
