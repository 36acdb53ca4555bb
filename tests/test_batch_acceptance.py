"""Issue 8 acceptance: 200 files with two bad ones, two workers, resumable runs, a killed run.

Resumption is asserted through the summary and state counts (how many files were skipped or redone),
never through timing.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import etree

from batch_helpers import Corpus, identifiers, make_corpus
from iaticonv.batch import validate_batch
from iaticonv.batch.state import STATE_FILE
from iaticonv.cli.main import run


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return make_corpus(tmp_path_factory.mktemp("batch-corpus"))


def _convert(corpus: Corpus, out: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict, str]:
    code = run(["convert", str(corpus.folder), "-o", str(out), "--to", "iati-xml", "--jobs", "2", "--format", "json",
                *extra])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def test_convert_200_files_two_workers_resumes_and_redoes_only_a_changed_file(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code, data, err = _convert(corpus, out, capsys)
    summary = data["summary"]
    assert code == 1
    assert (summary["files"], summary["ok"], summary["failed"], summary["skipped"]) == (200, 198, 2, 0)
    failures = {item["file"]: item["reason"] for item in summary["failures"]}
    assert set(failures) == {str(corpus.truncated), str(corpus.not_xml)}
    assert "not well-formed" in failures[str(corpus.truncated)] and "line" in failures[str(corpus.truncated)]
    assert "not well-formed" in failures[str(corpus.not_xml)]
    for bad in (corpus.truncated, corpus.not_xml):
        assert str(bad) in err and not (out / bad.name).exists()
    for source in corpus.good:
        assert identifiers(out / source.name) == identifiers(source)

    code, data, _ = _convert(corpus, out, capsys)
    summary = data["summary"]
    assert code == 1  # the two bad files are still bad, and still reported
    assert (summary["skipped"], summary["ok"], summary["failed"]) == (200, 198, 2)
    assert {item["file"] for item in summary["failures"]} == {str(corpus.truncated), str(corpus.not_xml)}

    changed = corpus.good[10]
    original = changed.read_bytes()
    try:
        changed.write_bytes(original.replace(b"<iati-activities ", b"<!-- edited -->\n<iati-activities ", 1))
        code, data, _ = _convert(corpus, out, capsys)
        redone = [item["source"] for item in data["files"] if item["status"] != "skipped"]
        assert redone == [str(changed)]
        assert data["summary"]["skipped"] == 199
        code, data, _ = _convert(corpus, out, capsys, "--force")
        assert data["summary"]["skipped"] == 0 and data["summary"]["ok"] == 198
    finally:
        changed.write_bytes(original)


def test_validate_200_files_two_workers_then_skips_unchanged(corpus: Corpus, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    report_path = tmp_path / "report.json"
    code = run(["validate", str(corpus.folder), "--jobs", "2", "--format", "json", "-o", str(report_path)])
    err = capsys.readouterr().err
    assert code == 1
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert len(report["files"]) == 200
    critical = {f["file"] for f in report["findings"] if f["severity"] == "critical"}
    assert critical == {str(corpus.truncated), str(corpus.not_xml)}
    assert {f["id"] for f in report["findings"] if f["file"] in critical and f["severity"] == "critical"} == {"0.1.1"}
    assert str(corpus.truncated) in err and str(corpus.not_xml) in err
    assert sum(file["activities"] for file in report["files"]) >= 198

    again = validate_batch([corpus.folder], jobs=2, state_dir=tmp_path)
    assert again.summary.skipped == 200 and again.summary.failed == 2
    first = sorted((f["file"], f["id"], f["line"], f["xpath"]) for f in report["findings"])
    assert sorted((f.file, f.rule_id, f.line, f.xpath) for f in again.report.findings) == first

    changed = corpus.good[3]
    original = changed.read_bytes()
    try:
        changed.write_bytes(original.replace(b"</iati-activities>", b"<!-- touched -->\n</iati-activities>"))
        third = validate_batch([corpus.folder], jobs=2, state_dir=tmp_path)
        assert [o.source for o in third.outcomes if o.status != "skipped"] == [str(changed)]
    finally:
        changed.write_bytes(original)


def _recorded(folder: Path) -> int:
    """Files the running batch has committed to its state so far (SQLite in WAL mode allows a reader)."""
    state = folder / STATE_FILE
    if not state.exists():
        return 0
    try:
        with contextlib.closing(sqlite3.connect(f"file:{state}?mode=ro", uri=True, timeout=1)) as db:
            return int(db.execute("SELECT COUNT(*) FROM results").fetchone()[0])
    except sqlite3.Error:
        return 0


def _visible_files(folder: Path) -> list[Path]:
    if not folder.exists():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))


@pytest.mark.slow
def test_kill_9_mid_run_leaves_no_partial_output_and_a_rerun_completes(corpus: Corpus, tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "killed"
    command = [sys.executable, "-c", "import sys; from iaticonv.cli.main import main; sys.argv[0] = 'iaticonv'; main()",
               "convert", str(corpus.folder), "-o", str(out), "--to", "iati-xml", "--jobs", "2", "--quiet"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None and _recorded(out) < 10:
        time.sleep(0.05)
    assert process.poll() is None, "the run finished before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    recorded = _recorded(out)
    process.wait()
    time.sleep(0.5)  # let the orphaned workers notice and stop
    written = _visible_files(out)
    assert 0 < len(written) < 198
    for path in written:  # every visible output is complete XML: nothing partial was left behind
        etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))

    code, data, _ = _convert(corpus, out, capsys)
    assert code == 1 and data["summary"]["ok"] == 198 and data["summary"]["failed"] == 2
    assert recorded <= data["summary"]["skipped"] < 200  # what the killed run had recorded is not redone
    assert len(_visible_files(out)) == 198
    assert not list(out.rglob("*.part")), "atomic-write temporaries of the killed run are cleaned up"
