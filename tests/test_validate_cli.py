"""``iaticonv validate`` and ``iaticonv rules`` in-process: exit codes, report files, the JSON schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import EXAMPLE_ACTIVITY, EXAMPLE_ORGANISATION, REAL_IATI, ROOT
from iaticonv.cli.main import run

SCHEMA = json.loads((ROOT / "schemas" / "validation-report.schema.json").read_text(encoding="utf-8"))


def test_clean_file_exits_0_and_errors_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["validate", str(EXAMPLE_ORGANISATION)]) == 0
    assert run(["validate", str(EXAMPLE_ACTIVITY)]) == 1
    out = capsys.readouterr().out
    assert "AA-AAA-123456789-ABC123" in out  # grouped by activity
    assert "9.86.1" in out and "line 282" in out
    assert out.rstrip().splitlines()[-1].startswith("FAILED")  # the summary line


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["validate"]) == 2
    assert run(["validate", str(EXAMPLE_ACTIVITY), "--fiscal-year-start", "13-40"]) == 2
    assert "MM-DD" in capsys.readouterr().err


def test_missing_standard_exits_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("IATICONV_HOME", str(tmp_path / "empty-home"))
    assert run(["validate", str(EXAMPLE_ACTIVITY)]) == 3
    assert "iaticonv standard install" in capsys.readouterr().err


def test_json_report_follows_its_schema(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    files = [str(p) for p in sorted(REAL_IATI.glob("*.xml"))]
    assert run(["validate", *files, "--format", "json", "-o", str(out), "--fiscal-year-start", "04-01"]) == 1
    data = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA)
    assert data["valid"] is False and data["blocking"] is True
    assert len(data["files"]) == len(files)
    assert sum(data["summary"].values()) == len(data["findings"])
    first = data["findings"][0]
    assert {"id", "severity", "category", "message", "line", "xpath", "identifier"} <= set(first)


def test_official_fields_for_one_file(tmp_path: Path) -> None:
    out = tmp_path / "org.json"
    assert run(["validate", str(EXAMPLE_ORGANISATION), "--format", "json", "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA)
    assert (data["valid"], data["fileType"], data["iatiVersion"]) == (True, "iati-organisations", "2.03")


def test_report_never_overwrites_an_input(tmp_path: Path) -> None:
    copy = tmp_path / "a.xml"
    copy.write_bytes(EXAMPLE_ACTIVITY.read_bytes())
    assert run(["validate", str(copy), "-o", str(copy)]) == 1
    assert copy.read_bytes() == EXAMPLE_ACTIVITY.read_bytes()


def test_official_only_drops_own_rules(tmp_path: Path) -> None:
    edited = tmp_path / "zz.xml"
    edited.write_text(EXAMPLE_ACTIVITY.read_text(encoding="utf-8").replace('xml:lang="fr"', 'xml:lang="zz"'),
                      encoding="utf-8")
    full, official = tmp_path / "full.json", tmp_path / "official.json"
    run(["validate", str(edited), "--format", "json", "-o", str(full)])
    run(["validate", str(edited), "--format", "json", "-o", str(official), "--official-only"])
    ids = {f["id"] for f in json.loads(full.read_text(encoding="utf-8"))["findings"]}
    official_ids = {f["id"] for f in json.loads(official.read_text(encoding="utf-8"))["findings"]}
    assert "2004.1.1" in ids and not {i for i in official_ids if i.startswith("2")} - {"2.1.2"}


def test_rules_command_lists_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["rules", "--format", "json"]) == 0
    rules = json.loads(capsys.readouterr().out)
    ids = [rule["id"] for rule in rules]
    assert len(ids) == len(set(ids))
    assert {"0.1.1", "0.3.1", "1.1.2", "9.86.1", "3.4.2", "1000.0.6", "2004.1.1"} <= set(ids)
    assert run(["rules"]) == 0
    assert "9.86.1" in capsys.readouterr().out
