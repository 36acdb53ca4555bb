"""``iaticonv convert`` and ``iaticonv upgrade`` end to end, in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REAL_IATI
from iaticonv.cli.main import run
from iaticonv.formats.iati_xml.xml_io import IatiXmlReader
from xmlcompare import assert_same_xml

FCDO = REAL_IATI / "fcdo-activity.xml"
BEIS = REAL_IATI / "beis-activity.xml"
GAC_201 = REAL_IATI / "gac-CA-3-sample-3-activities-v2.01.xml"


def test_xml_to_json_and_back(tmp_path: Path) -> None:
    middle, back = tmp_path / "a.json", tmp_path / "b.xml"
    assert run(["convert", str(BEIS), "-o", str(middle)]) == 0
    assert run(["convert", str(middle), "-o", str(back)]) == 0
    assert_same_xml(BEIS, back)


def test_many_inputs_into_one_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "all.yaml"
    assert run(["convert", str(FCDO), str(BEIS), "-o", str(out), "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["records"] == 10 and summary["outputs"] == [str(out)]
    assert out.read_text(encoding="utf-8").count("\n---") == 10  # header document + 10 activities


def test_split_writes_one_file_per_activity(tmp_path: Path) -> None:
    assert run(["convert", str(BEIS), "--split", "--to", "iati-xml", "-o", str(tmp_path / "each")]) == 0
    files = sorted((tmp_path / "each").iterdir())
    assert len(files) == 9
    identifiers = [next(IatiXmlReader(f).records()).iati_identifier for f in files]
    assert sorted(f.stem for f in files) == sorted(i.replace("/", "_") for i in identifiers if i)


def test_directory_in_directory_out_skips_foreign_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run(["convert", str(REAL_IATI), "--to", "json", "-o", str(out), "--no-upgrade"]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert "LICENSE-iati-flattener.json" not in names
    assert "beis-activity.json" in names and len(names) == len(list(REAL_IATI.glob("*.xml")))


def test_refuses_to_overwrite_and_to_write_over_an_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "a.json"
    out.write_text("keep me")
    assert run(["convert", str(FCDO), "-o", str(out)]) == 1
    assert out.read_text() == "keep me"
    assert "--overwrite" in capsys.readouterr().err
    copy = tmp_path / "in.xml"
    copy.write_bytes(FCDO.read_bytes())
    assert run(["convert", str(copy), "-o", str(copy), "--overwrite"]) == 1
    assert copy.read_bytes() == FCDO.read_bytes()
    assert run(["convert", str(FCDO), "-o", str(out), "--overwrite"]) == 0
    assert out.read_text().startswith('{"iati-activities"')


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run(["convert", str(tmp_path / "missing.xml"), "-o", str(tmp_path / "x.json")]) == 2
    assert run(["convert", str(FCDO), "-o", str(tmp_path / "x.unknown")]) == 2
    assert run(["convert", str(FCDO), "--split", "-o", str(tmp_path / "d")]) == 2  # --split needs --to


def test_bad_input_is_exit_1_with_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text('<iati-activities version="2.03">\n<iati-activity>\n</iati-activities>\n')
    assert run(["convert", str(bad), "-o", str(tmp_path / "x.json")]) == 1
    err = capsys.readouterr().err
    assert str(bad) in err and "line 3" in err and "Traceback" not in err
    assert not (tmp_path / "x.json").exists()


def test_generated_at_only_when_asked(tmp_path: Path) -> None:
    record = tmp_path / "r.json"
    record.write_text(json.dumps({"iati_identifier": "XM-1"}))
    plain, stamped = tmp_path / "p.xml", tmp_path / "s.xml"
    assert run(["convert", str(record), "-o", str(plain)]) == 0
    assert run(["convert", str(record), "-o", str(stamped), "--generated-at", "2026-11-27T00:00:00Z"]) == 0
    assert b"generated-datetime" not in plain.read_bytes()
    assert b'generated-datetime="2026-11-27T00:00:00Z"' in stamped.read_bytes()


def test_generated_at_for_other_outputs_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "fcdo.xml").write_bytes(FCDO.read_bytes())
    stamp = ["--generated-at", "2026-11-27T00:00:00Z"]
    assert run(["convert", str(FCDO), "-o", str(tmp_path / "a.json"), *stamp]) == 2
    assert run(["convert", str(folder), "-o", str(tmp_path / "out"), "--to", "yaml", *stamp]) == 2
    err = capsys.readouterr().err
    assert "--generated-at does not apply to json output" in err
    assert "--generated-at does not apply to yaml output" in err and "applies to iati-xml output" in err
    assert not (tmp_path / "a.json").exists() and not (tmp_path / "out").exists()


def test_upgrade_command_reports_and_writes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "gac-2.03.xml"
    assert run(["upgrade", str(GAC_201), "-o", str(out), "--format", "json"]) == 1
    summary = json.loads(capsys.readouterr().out)
    assert [n["activity"] for n in summary["notes"]] == ["CA-3-A035198001", "CA-3-A032705001", "CA-3-D001001001"]
    assert IatiXmlReader(out).header().version == "2.03"
    clean = REAL_IATI.parent / "real-iati-more" / "ES-CIF-G81164105-acf-spain-philippines-v2.02.xml"
    assert run(["upgrade", str(clean), "-o", str(tmp_path / "clean.xml")]) == 0


def test_every_format_in_the_table_implements_the_protocols(tmp_path: Path) -> None:
    from iaticonv.formats import FORMATS, Reader, Writer, open_reader, open_writer

    sample = tmp_path / "sample.json"
    sample.write_text("[]")
    for info in FORMATS.values():
        if info.writer is not None:
            assert isinstance(open_writer(info), Writer), info.name
        if info.reader is not None:
            assert isinstance(open_reader(info, sample), Reader), info.name
