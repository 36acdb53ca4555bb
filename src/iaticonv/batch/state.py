"""Resumable runs: a small SQLite file in the output folder remembers what each input gave.

An input is skipped when its content hash, the command and the options are all unchanged since its
last run (and, for a conversion, its outputs are still there); ``--force`` ignores the state. The
parent process alone writes the state and commits after every file, so killing a run (Ctrl-C or
``kill -9``) loses at most the files still in flight: SQLite's journal keeps the file consistent.
Stored results are JSON (compressed), never pickles, because the file sits in a user folder.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import OutputError

__all__ = ["STATE_FILE", "BatchState", "Stored", "content_hash", "options_key"]

STATE_FILE = ".iaticonv-batch.sqlite"
COMPRESS_BATCH = 256 * 1024  # bytes of result lines given to zlib per call (``record_lines``)
SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    command TEXT NOT NULL,
    input TEXT NOT NULL,
    digest TEXT NOT NULL,
    options TEXT NOT NULL,
    status TEXT NOT NULL,
    payload BLOB NOT NULL,
    updated REAL NOT NULL,
    PRIMARY KEY (command, input)
)
"""


def _decompressed_lines(blob: bytes, block: int = 1 << 16) -> Iterator[bytes]:
    unpacker = zlib.decompressobj()
    carry = b""
    for start in range(0, len(blob), block):
        carry += unpacker.decompress(blob[start:start + block])
        *complete, carry = carry.split(b"\n")
        yield from complete
    carry += unpacker.flush()
    if not unpacker.eof:
        raise zlib.error("the stored result is truncated")
    yield from (line for line in carry.split(b"\n") if line)


def content_hash(path: Path) -> str:
    """sha256 of the file's bytes (streamed: a 1 GB file costs seconds, not memory)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


@cache
def code_fingerprint() -> str:
    """A digest of iaticonv's own modules (name, size, mtime): a changed check or writer redoes all.

    The version number alone would not do in a development checkout, where code changes daily.
    """
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    # the compiled walks too (built from .pyx into .so): a rebuilt one may write other bytes
    for path in sorted(found for pattern in ("*.py", "*.pyx", "*.pxd", "*.so") for found in package.rglob(pattern)):
        stat = path.stat()
        digest.update(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def options_key(options: dict[str, Any]) -> str:
    """A canonical text of the options that change results, iaticonv's version and code included."""
    return json.dumps({"iaticonv": __version__, "code": code_fingerprint(), **options}, sort_keys=True, default=str)


@dataclass(frozen=True, slots=True)
class Stored:
    """What a previous run recorded for one input."""

    status: str
    payload: dict[str, Any]


class BatchState:
    """The state file of one output folder (created on first use)."""

    def __init__(self, folder: Path, command: str, options: str) -> None:
        self.path = folder / STATE_FILE
        self.command = command
        self.options = options
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30)
            # WAL + synchronous=NORMAL: a commit survives the process being killed (what a batch
            # needs) without an fsync per file, which would cost more than validating a small file.
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(SCHEMA)
            self._db.commit()
        except (OSError, sqlite3.Error) as exc:
            raise OutputError(f"{self.path}: cannot open the batch state: {exc}",
                              hint="remove the file, or run with --force in another output folder") from None

    @staticmethod
    def _key(path: Path) -> str:
        return str(path.resolve())

    def _row(self, path: Path, digest: str) -> tuple[str, bytes] | None:
        """(status, compressed payload) when the input's content and the options are unchanged."""
        row = self._db.execute(
            "SELECT digest, options, status, payload FROM results WHERE command = ? AND input = ?",
            (self.command, self._key(path)),
        ).fetchone()
        if row is None or row[0] != digest or row[1] != self.options:
            return None
        return str(row[2]), bytes(row[3])

    def lookup(self, path: Path, digest: str) -> Stored | None:
        """The stored result when the input's content and the options are the same as last time."""
        row = self._row(path, digest)
        if row is None:
            return None
        try:
            payload = json.loads(zlib.decompress(row[1]))
        except (zlib.error, ValueError):
            return None  # a damaged row is simply redone
        return Stored(status=row[0], payload=payload)

    def lookup_lines(self, path: Path, digest: str) -> tuple[str, Iterator[bytes]] | None:
        """Like ``lookup``, for a result stored with ``record_lines``: its status and its lines,
        decompressed as they are read (``zlib.error`` from the iterator means a damaged row)."""
        row = self._row(path, digest)
        return None if row is None else (row[0], _decompressed_lines(row[1]))

    def record(self, path: Path, digest: str, status: str, payload: dict[str, Any]) -> None:
        """Remember one input's result and commit at once (a kill right after loses nothing)."""
        blob = zlib.compress(json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8"), 3)
        self._store(path, digest, status, blob)

    def record_lines(self, path: Path, digest: str, status: str, lines: Iterable[bytes]) -> None:
        """``record`` for a result given as lines (no newline in them), compressed as they come, so a
        result with hundreds of thousands of findings is never one string in memory."""
        packer, pieces, batch, held = zlib.compressobj(3), [], [], 0
        for line in lines:  # compressed a few hundred kB at a time: one call per line cost 2 µs each
            batch.append(line)
            held += len(line) + 1
            if held >= COMPRESS_BATCH:
                pieces.append(packer.compress(b"\n".join(batch) + b"\n"))
                batch, held = [], 0
        if batch:
            pieces.append(packer.compress(b"\n".join(batch) + b"\n"))
        pieces.append(packer.flush())
        self._store(path, digest, status, b"".join(pieces))

    def _store(self, path: Path, digest: str, status: str, blob: bytes) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?)",
            (self.command, self._key(path), digest, self.options, status, blob, time.time()),
        )
        self._db.commit()

    def forget(self, path: Path) -> None:
        self._db.execute("DELETE FROM results WHERE command = ? AND input = ?", (self.command, self._key(path)))
        self._db.commit()

    def outputs_of(self, path: Path) -> list[str]:
        """The outputs the last recorded run of ``path`` wrote, whatever its content was then.

        A redo may replace these without --overwrite (they are ours), and removes those it no longer
        writes (a split that now has fewer groups).
        """
        row = self._db.execute("SELECT payload FROM results WHERE command = ? AND input = ?",
                               (self.command, self._key(path))).fetchone()
        if row is None:
            return []
        try:
            return [str(item) for item in json.loads(zlib.decompress(row[0])).get("outputs", [])]
        except (zlib.error, ValueError, AttributeError):
            return []

    def close(self) -> None:
        self._db.close()
