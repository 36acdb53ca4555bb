"""``convert --split-by status|country|size`` and ``merge`` with duplicate identifiers reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from batch_helpers import activity_templates, identifiers
from iaticonv.batch import merge_files, parse_split_by
from iaticonv.cli.main import run
from iaticonv.errors import UsageError

STATUS_2 = '<activity-status code="2"/>'


def _write(path: Path, activities: list[str]) -> Path:
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">\n'
                    + "".join(activities) + "</iati-activities>\n", encoding="utf-8")
    return path


def _mixed(folder: Path) -> Path:
    """Real 2.03 activities with statuses 1–4 and none, and one, several or no recipient countries."""
    templates = [t for t in activity_templates() if t.version == "2.03"]
    activities: list[str] = []
    statuses = ["2", "3", "4", "1", None, "2", "4", "3"]
    for index, status in enumerate(statuses):
        text = templates[index % len(templates)].stamp(f"s{index}")
        if STATUS_2 in text:
            text = text.replace(STATUS_2, f'<activity-status code="{status}"/>' if status else "", 1)
        activities.append(text)
    return _write(folder / "mixed.xml", activities)


def _root(path: Path) -> etree._Element:
    return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()


def _statuses(path: Path) -> set[str | None]:
    return {a.find("activity-status").get("code") if a.find("activity-status") is not None else None
            for a in _root(path).iterfind("iati-activity")}


def test_split_by_status_groups_2_and_3_like_gac(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _mixed(tmp_path)
    out = tmp_path / "out"
    assert run(["convert", str(source), "-o", str(out), "--to", "iati-xml", "--split-by", "status", "--format",
                "json", "--quiet"]) == 0
    data = json.loads(capsys.readouterr().out)
    names = sorted(Path(p).name for p in data["outputs"])
    assert names == ["mixed_status_1.xml", "mixed_status_2_3.xml", "mixed_status_4.xml", "mixed_status_none.xml"]
    assert _statuses(out / "mixed_status_2_3.xml") == {"2", "3"}
    assert _statuses(out / "mixed_status_4.xml") == {"4"}
    assert _statuses(out / "mixed_status_none.xml") == {None}
    split = [i for name in names for i in identifiers(out / name)]
    assert sorted(split) == sorted(identifiers(source))  # every activity once, none lost
    assert not [p for p in out.iterdir() if p.name.startswith(".iaticonv-spool")]


def test_split_by_country(tmp_path: Path) -> None:
    source = _mixed(tmp_path)
    out = tmp_path / "out"
    assert run(["convert", str(source), "-o", str(out), "--to", "iati-xml", "--split-by", "country", "--quiet"]) == 0
    for path in out.glob("mixed_country_*.xml"):
        key = path.stem.removeprefix("mixed_country_")
        for activity in _root(path).iterfind("iati-activity"):
            codes = {c.get("code") for c in activity.findall("recipient-country")}
            expected = "none" if not codes else (codes.pop() if len(codes) == 1 else "multi")
            assert expected == key
    total = sum(len(identifiers(p)) for p in out.glob("*.xml"))
    assert total == len(identifiers(source))


def test_split_by_size_keeps_each_part_under_the_limit_and_the_order(tmp_path: Path) -> None:
    templates = [t for t in activity_templates() if t.version == "2.03"]
    source = _write(tmp_path / "many.xml", [templates[i % len(templates)].stamp(f"z{i}") for i in range(30)])
    out = tmp_path / "out"
    limit = 100_000
    assert run(["convert", str(source), "-o", str(out), "--to", "iati-xml", "--split-by", "size:100KB", "--quiet"]) == 1
    parts = sorted(out.glob("many_part*.xml"))
    assert len(parts) >= 4
    over = [p for p in parts if p.stat().st_size > limit]
    for part in over:  # only an activity bigger than the limit on its own may exceed it (and it is noted)
        assert len(identifiers(part)) == 1
    assert [i for part in parts for i in identifiers(part)] == identifiers(source)


def test_split_by_parsing() -> None:
    assert parse_split_by("size:60MB").limit == 60_000_000
    assert parse_split_by("size:1MiB").limit == 1024 * 1024
    assert parse_split_by("Status").kind == "status"
    for bad in ("size", "size:10", "colour", "size:60XB"):
        with pytest.raises(UsageError):
            parse_split_by(bad)


def _ids_file(path: Path, suffixes: list[str]) -> Path:
    template = next(t for t in activity_templates() if t.source == "fcdo-activity.xml")
    return _write(path, [template.stamp(s) for s in suffixes])


def test_merge_reports_duplicates_and_keeps_everything(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = _ids_file(tmp_path / "a.xml", ["1", "2", "3"])
    b = _ids_file(tmp_path / "b.xml", ["4", "2", "5", "1"])
    out = tmp_path / "merged.xml"
    assert run(["merge", str(a), str(b), "-o", str(out), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    ident = identifiers(a)[0].removesuffix("-1")
    dups = [(d["identifier"], Path(d["file"]).name, d["position"], Path(d["firstFile"]).name, d["firstPosition"])
            for d in data["duplicates"]]
    assert dups == [(f"{ident}-2", "b.xml", 2, "a.xml", 2), (f"{ident}-1", "b.xml", 4, "a.xml", 1)]
    assert identifiers(out) == identifiers(a) + identifiers(b)


def test_merge_can_drop_duplicates_and_never_overwrites_an_input(tmp_path: Path) -> None:
    a = _ids_file(tmp_path / "a.xml", ["1", "2"])
    b = _ids_file(tmp_path / "b.xml", ["2", "3"])
    out = tmp_path / "merged.xml"
    result = merge_files([a, b], out, drop_duplicates=True)
    assert result.dropped == 1 and result.records == 3
    assert [i.rsplit("-", 1)[1] for i in identifiers(out)] == ["1", "2", "3"]
    assert run(["merge", str(a), str(b), "-o", str(a), "--overwrite"]) == 1
    assert identifiers(a)[-1].endswith("-2")  # the input is untouched


def test_merge_with_a_broken_input_leaves_no_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = _ids_file(tmp_path / "a.xml", ["1", "2"])
    b = _ids_file(tmp_path / "b.xml", ["3", "4"])
    b.write_bytes(b.read_bytes()[:-300])
    out = tmp_path / "merged.xml"
    assert run(["merge", str(a), str(b), "-o", str(out)]) == 1
    assert str(b) in capsys.readouterr().err
    assert not out.exists() and not list(tmp_path.glob(".merged.xml.*"))


def test_a_split_is_resumed_and_its_stale_groups_removed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _mixed(tmp_path)
    out = tmp_path / "out"
    argv = ["convert", str(source), "-o", str(out), "--to", "iati-xml", "--split-by", "status", "--format", "json",
            "--quiet"]
    assert run(argv) == 0
    first = json.loads(capsys.readouterr().out)
    assert run(argv) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["summary"]["skipped"] == 1 and sorted(again["outputs"]) == sorted(first["outputs"])
    source.write_text(source.read_text(encoding="utf-8").replace('<activity-status code="1"/>', ""), encoding="utf-8")
    assert run(argv) == 0
    redone = json.loads(capsys.readouterr().out)
    assert redone["summary"]["skipped"] == 0
    assert not (out / "mixed_status_1.xml").exists()  # the group that no longer exists is removed
    assert sorted(p.name for p in out.glob("*.xml")) == sorted(Path(p).name for p in redone["outputs"])


def test_summary_on_stderr_unless_quiet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = _ids_file(tmp_path / "a.xml", ["1"])
    b = _ids_file(tmp_path / "b.xml", ["2"])
    run(["validate", str(a), str(b)])
    assert "summary" in capsys.readouterr().err
    run(["validate", str(a), str(b), "--quiet"])
    assert "summary" not in capsys.readouterr().err
    run(["validate", str(a), str(b), "--quiet", "--progress"])  # --quiet wins
    assert capsys.readouterr().err == ""
