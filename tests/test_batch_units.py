"""The small parts of the batch: input lists, the worker pool, progress switches, the state file."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from rich.console import Console

from iaticonv.batch import collect_inputs, progress_wanted
from iaticonv.batch._pool import Done, choose_workers, run_units
from iaticonv.batch._progress import BatchProgress
from iaticonv.batch.state import BatchState
from iaticonv.errors import UsageError


def _touch(path: Path, text: str = "<x/>") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_inputs_expand_folders_and_globs_sorted_once_each(tmp_path: Path) -> None:
    a = _touch(tmp_path / "in" / "b.xml")
    b = _touch(tmp_path / "in" / "sub" / "a.xml")
    _touch(tmp_path / "in" / ".hidden.xml")
    _touch(tmp_path / "in" / ".cache" / "c.xml")
    _touch(tmp_path / "in" / "notes.txt")
    items = collect_inputs([tmp_path / "in", a, Path(str(tmp_path / "in" / "**" / "*.xml"))], extensions={".xml"})
    assert [item.path for item in items] == sorted([a, b], key=str)
    assert [str(item.rel) for item in items if item.path == b] == ["sub/a.xml"]


def test_inputs_keep_missing_paths_and_unmatched_globs_so_they_are_reported(tmp_path: Path) -> None:
    items = collect_inputs([tmp_path / "missing.xml", Path(str(tmp_path / "*.nothing"))])
    assert [item.exists for item in items] == [False, False]


def test_inputs_refuse_two_files_that_would_write_one_output(tmp_path: Path) -> None:
    one = _touch(tmp_path / "x" / "a.xml")
    two = _touch(tmp_path / "y" / "a.csv", "Project Number\n")
    with pytest.raises(UsageError, match="same output"):
        collect_inputs([one, two], for_outputs=True)
    assert len(collect_inputs([one, two])) == 2


def square(value: int) -> int:
    if value == 3:
        raise ValueError("three is refused")
    if value == 4:
        os._exit(9)  # a worker dying (killed, out of memory)
    return value * value


def test_pool_reports_each_unit_even_when_one_raises_and_one_kills_its_worker() -> None:
    # the biggest units go to spawned workers (this process takes the small ones): 4 is made the biggest
    done: list[Done[int, int]] = list(run_units(square, [1, 2, 3, 4, 5, 6], workers=3,
                                                weight=lambda v: 100 if v == 4 else v))
    results = {d.job: d.result for d in done if d.error is None}
    errors = {d.job: str(d.error) for d in done if d.error is not None}
    assert sorted(d.job for d in done) == [1, 2, 3, 4, 5, 6]
    assert errors[3] == "three is refused" and "died" in errors[4]
    assert results == {1: 1, 2: 4, 5: 25, 6: 36}  # units caught in the broken pool were tried again


def test_pool_in_process_with_one_job() -> None:
    done = list(run_units(square, [1, 2, 3], workers=1))
    assert [(d.job, d.result) for d in done] == [(1, 1), (2, 4), (3, None)]


def test_default_workers() -> None:
    assert choose_workers(3, 0) == 3
    assert choose_workers(None, 1000) == 1
    assert choose_workers(None, 10**9) >= 1


def test_progress_switches(monkeypatch: pytest.MonkeyPatch) -> None:
    assert progress_wanted(quiet=True, progress=True) is False
    assert progress_wanted(quiet=False, progress=True) is True
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert progress_wanted(quiet=False, progress=None) is False  # not a terminal


def test_progress_shows_files_and_activities() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=150)
    with BatchProgress("validate", files=2, total_bytes=2000, enabled=True, console=console) as bar:
        bar.advance(size=1000, activities=7)
        bar._progress.refresh()  # type: ignore[union-attr]
    assert "1/2 files" in buffer.getvalue() and "7 activities" in buffer.getvalue()


def test_state_forgets_when_content_or_options_change(tmp_path: Path) -> None:
    source = _touch(tmp_path / "a.xml")
    state = BatchState(tmp_path / "out", "convert", "options-1")
    state.record(source, "digest-1", "ok", {"outputs": ["o.xml"]})
    assert state.lookup(source, "digest-1") is not None
    assert state.lookup(source, "digest-2") is None
    state.close()
    other = BatchState(tmp_path / "out", "convert", "options-2")
    assert other.lookup(source, "digest-1") is None
    assert other.outputs_of(source) == ["o.xml"]
    other.close()


def test_state_keeps_a_validation_result_line_by_line_and_redoes_a_damaged_one(tmp_path: Path) -> None:
    import sqlite3

    from conftest import EXAMPLE_ACTIVITY, REAL_IATI
    from iaticonv.batch import validate_batch
    from iaticonv.batch.state import STATE_FILE

    inputs = [EXAMPLE_ACTIVITY, REAL_IATI / "fcdo-activity.xml"]
    first = validate_batch(inputs, state_dir=tmp_path)
    again = validate_batch(inputs, state_dir=tmp_path)
    assert again.summary.skipped == 2
    assert len(first.report.findings) >= 20 and any(f.params for f in first.report.findings)
    assert again.report.findings == first.report.findings  # every field of every finding, in order
    assert [f.to_dict() for f in again.report.files] == [f.to_dict() for f in first.report.files]

    with sqlite3.connect(tmp_path / STATE_FILE) as db:  # damage one stored result: cut it short
        db.execute("UPDATE results SET payload = substr(payload, 1, length(payload) / 2) WHERE input = ?",
                   (str(EXAMPLE_ACTIVITY.resolve()),))
    third = validate_batch(inputs, state_dir=tmp_path)
    assert [o.status == "skipped" for o in third.outcomes] == [False, True]
    assert third.report.findings == first.report.findings


def test_state_lines_come_back_as_given_across_compression_batches(tmp_path: Path) -> None:
    """Lines are compressed a batch at a time (``COMPRESS_BATCH`` bytes); what comes back is every
    line, in order, whether the lines fill no batch, exactly one, or several."""
    from iaticonv.batch.state import COMPRESS_BATCH

    source = _touch(tmp_path / "a.xml")
    state = BatchState(tmp_path / "out", "validate", "options")
    line = b"F" + b"x" * 99  # 100 bytes + its newline
    per_batch = -(-COMPRESS_BATCH // (len(line) + 1))
    for count in (0, 1, per_batch, per_batch + 1, 3 * per_batch + 7):
        lines = [line[:-len(str(i))] + str(i).encode() for i in range(count)]
        state.record_lines(source, f"digest-{count}", "ok", iter(lines))
        found = state.lookup_lines(source, f"digest-{count}")
        assert found is not None
        assert list(found[1]) == lines
    state.close()
