"""The publication log: one row per publish, latest row per file, changed-file detection."""

from __future__ import annotations

import hashlib
from pathlib import Path

from iaticonv.publish import PublicationRecord, file_state, latest_records
from iaticonv.publish.history import file_sha256, record_publication
from publish_samples import write_activity_file


def _record(path: Path, *, dataset: str = "d1", action: str = "created", url: str = "https://e.org/a.xml",
            stamp: str = "2026-11-27T10:00:00+00:00") -> PublicationRecord:
    return PublicationRecord(published_at=stamp, file=str(path), sha256=file_sha256(path),
                             size=path.stat().st_size, url=url, registry="http://127.0.0.1/api/v1",
                             org_id="5401c7f4-e9fd-4ce3-b184-bfe1cb71a9f8", dataset_id=dataset,
                             short_name="ca-3-activities", action=action, forced=False,
                             validation={"critical": 0, "error": 0, "warning": 2}, report=None)


def test_sha256_matches_hashlib(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(bytes(range(256)) * 9000)  # > 2 MiB, several read blocks
    assert file_sha256(path) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_latest_record_per_file_and_state(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    one = write_activity_file(tmp_path / "one.xml")
    two = write_activity_file(tmp_path / "two.xml", ref="XM-DAC-41114")
    assert latest_records(path=db) == []
    record_publication(_record(one), path=db)
    record_publication(_record(one, action="updated", url="https://e.org/b.xml",
                               stamp="2026-11-27T11:00:00+00:00"), path=db)
    record_publication(_record(two, dataset="d2"), path=db)
    latest = latest_records(path=db)
    assert [(Path(r.file).name, r.action, r.url) for r in latest] == [
        ("one.xml", "updated", "https://e.org/b.xml"), ("two.xml", "created", "https://e.org/a.xml")]
    assert latest[0].validation == {"critical": 0, "error": 0, "warning": 2} and latest[0].forced is False
    assert [file_state(r) for r in latest] == ["unchanged", "unchanged"]
    write_activity_file(one, suffix=" v2")
    two.unlink()
    assert [file_state(r) for r in latest_records(path=db)] == ["changed", "missing"]


def test_same_size_edit_is_still_noticed(tmp_path: Path) -> None:
    """Detection is by content hash, not size or mtime: a one-character edit counts."""
    db = tmp_path / "log.sqlite3"
    path = write_activity_file(tmp_path / "a.xml")
    record_publication(_record(path), path=db)
    text = path.read_text()
    path.write_text(text.replace("100000", "100001"))
    assert len(path.read_text()) == len(text)
    assert file_state(latest_records(path=db)[0]) == "changed"
