"""The publication log: a small SQLite database in the iaticonv data directory.

Each publish appends one row — which file (path and SHA-256), which URL, which registry, dataset id
and short name, what happened (created / updated / unchanged), when, and the validation summary —
so ``registry status`` can tell a publisher which registered files changed on disk since they were
last published. SQLite because it is in the standard library, survives concurrent runs (writes are
single short transactions) and is easy to inspect. The token is never handed to this module.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .._paths import data_home

__all__ = ["PublicationRecord", "file_sha256", "history_path", "latest_records", "record_publication"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS publications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    published_at TEXT NOT NULL,
    file TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    url TEXT NOT NULL,
    registry TEXT NOT NULL,
    org_id TEXT NOT NULL,
    dataset_id TEXT NOT NULL,
    short_name TEXT NOT NULL,
    action TEXT NOT NULL,
    forced INTEGER NOT NULL DEFAULT 0,
    validation TEXT NOT NULL,
    report TEXT
);
CREATE INDEX IF NOT EXISTS publications_file ON publications (file, registry, dataset_id);
"""
_COLUMNS = ("published_at", "file", "sha256", "size", "url", "registry", "org_id", "dataset_id",
            "short_name", "action", "forced", "validation", "report")


@dataclass(frozen=True, slots=True, kw_only=True)
class PublicationRecord:
    """One row of the log; ``validation`` is the severity → count summary of the gate."""

    published_at: str
    file: str
    sha256: str
    size: int
    url: str
    registry: str
    org_id: str
    dataset_id: str
    short_name: str
    action: str
    forced: bool
    validation: dict[str, int]
    report: str | None

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _COLUMNS}


def history_path() -> Path:
    return data_home() / "publish" / "history.sqlite3"


def file_sha256(path: Path) -> str:
    """SHA-256 of a file read in 1 MiB blocks (flat memory for 60 MB activity files)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def now_utc() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@contextmanager
def _connect(path: Path | None) -> Iterator[sqlite3.Connection]:
    target = path or history_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(target, timeout=30)) as conn:
        conn.executescript(_SCHEMA)
        yield conn


def record_publication(record: PublicationRecord, *, path: Path | None = None) -> None:
    """Append ``record`` in one transaction."""
    values = record.to_dict()
    values["forced"] = int(record.forced)
    values["validation"] = json.dumps(record.validation, sort_keys=True)
    with _connect(path) as conn, conn:
        conn.execute(f"INSERT INTO publications ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                     [values[name] for name in _COLUMNS])


def latest_records(*, path: Path | None = None) -> list[PublicationRecord]:
    """The newest record of each (file, registry, dataset) — what ``registry status`` reports on."""
    target = path or history_path()
    if not target.exists():
        return []
    query = (f"SELECT {', '.join(_COLUMNS)} FROM publications WHERE id IN "
             "(SELECT MAX(id) FROM publications GROUP BY file, registry, dataset_id) ORDER BY file, id")
    with _connect(target) as conn:
        rows = conn.execute(query).fetchall()
    records = []
    for row in rows:
        values = dict(zip(_COLUMNS, row, strict=True))
        values["forced"] = bool(values["forced"])
        values["validation"] = json.loads(values["validation"])
        records.append(PublicationRecord(**values))
    return records


def file_state(record: PublicationRecord) -> str:
    """``unchanged``, ``changed`` (content differs from what was published) or ``missing``."""
    path = Path(record.file)
    if not path.is_file():
        return "missing"
    if path.stat().st_size != record.size:
        return "changed"  # no need to hash 60 MB to see that
    return "unchanged" if file_sha256(path) == record.sha256 else "changed"
