"""``convert --split-by status|country|size:60MB``: one input becomes several output files.

* ``status``: GAC publishes its activities in two files, those in progress (activity-status 2
  implementation and 3 finalisation) and those closed (4). So 2 and 3 share ``<stem>_status_2_3``,
  every other status gets its own file (``_status_4``, ``_status_1``…), no status ``_status_none``.
* ``country``: ``<stem>_country_PE`` for activities with one recipient country, ``_country_multi``
  for several, ``_country_none`` for none (regional activities).
* ``size:60MB``: consecutive parts ``<stem>_part001``… each at most the limit (the IATI registry and
  Datastore refuse files over 60 MB), cut between activities. An activity bigger than the limit
  alone gets its own part, with a note.

Grouped splits read the input once: records are spooled, one pickle stream per group, in a private
temporary folder beside the outputs (our own files, read back by this process only), then each group
is written in one go, so memory stays flat and any writer works. Every file is written atomically.
"""

from __future__ import annotations

import io
import pickle
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .._io import atomic_writer
from ..errors import UsageError
from ..formats import FormatInfo, Reader, Writer
from ..model import Activity, FileHeader

__all__ = ["SPOOL_PREFIX", "SplitBy", "country_key", "parse_split_by", "status_key", "write_split"]

SPOOL_PREFIX = ".iaticonv-spool-"
UNITS = {"": 1, "b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3, "kib": 1024, "mib": 1024**2, "gib": 1024**3}
SIZE = re.compile(r"^size:(\d+(?:\.\d+)?)\s*([a-z]*)$", re.IGNORECASE)
SAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class SplitBy:
    """How to split: ``kind`` is status, country or size (``limit`` in bytes)."""

    kind: str
    limit: int = 0

    def __str__(self) -> str:
        return f"size:{self.limit}B" if self.kind == "size" else self.kind


def parse_split_by(text: str) -> SplitBy:
    """``status``, ``country`` or ``size:60MB`` (B, KB, MB, GB decimal; KiB, MiB, GiB binary)."""
    value = text.strip().lower()
    if value in ("status", "country"):
        return SplitBy(value)
    match = SIZE.match(value)
    if match and match[2] in UNITS and float(match[1]) * UNITS[match[2]] >= 1024:
        return SplitBy("size", int(float(match[1]) * UNITS[match[2]]))
    raise UsageError(f"--split-by {text!r}: expected status, country or size:N[KB|MB|GB] (at least 1 KB)",
                     hint="e.g. --split-by size:60MB, the IATI registry's limit")


def status_key(activity: Activity) -> str:
    code = (activity.activity_status.code or "").strip() if activity.activity_status is not None else ""
    if code in ("2", "3"):
        return "status_2_3"
    return f"status_{SAFE.sub('_', code)}" if code else "status_none"


def country_key(activity: Activity) -> str:
    codes = {(country.code or "").strip().upper() for country in activity.recipient_countries} - {""}
    if not codes:
        return "country_none"
    return f"country_{SAFE.sub('_', codes.pop())}" if len(codes) == 1 else "country_multi"


KEYS: dict[str, Callable[[Activity], str]] = {"status": status_key, "country": country_key}


def _name(base: Path, key: str) -> Path:
    return base.with_name(f"{base.stem}_{key}{base.suffix}")


def write_split(reader: Reader, writer: Writer, target: FormatInfo, base: Path, split_by: SplitBy,
                notes: list[str]) -> tuple[list[Path], int]:
    """Split ``reader``'s records into files named after ``base``; returns (outputs, records)."""
    if not writer.multi:
        raise UsageError(f"--split-by needs a format that holds many records per file, not {target.name}")
    header = reader.header()
    if split_by.kind == "size":
        return _by_size(reader.records(), writer, header, base, split_by.limit, notes)
    return _by_key(reader.records(), writer, header, base, KEYS[split_by.kind])


def _spooled(path: Path) -> Iterator[Activity]:
    with path.open("rb") as handle:
        while True:
            try:
                yield pickle.load(handle)  # our own spool file, written a moment ago by this process
            except EOFError:
                return


def _by_key(records: Iterator[Activity], writer: Writer, header: FileHeader, base: Path,
            key: Callable[[Activity], str]) -> tuple[list[Path], int]:
    base.parent.mkdir(parents=True, exist_ok=True)
    spool = Path(tempfile.mkdtemp(prefix=SPOOL_PREFIX, dir=base.parent))
    handles: dict[str, IO[bytes]] = {}
    files: dict[str, Path] = {}
    count = 0
    try:
        for record in records:
            group = key(record)
            if group not in handles:
                files[group] = spool / f"{len(files)}.pickle"
                handles[group] = files[group].open("wb")
            pickle.dump(record, handles[group], protocol=pickle.HIGHEST_PROTOCOL)
            count += 1
        for handle in handles.values():
            handle.close()
        outputs: list[Path] = []
        for group in sorted(files):
            output = _name(base, group)
            with atomic_writer(output) as out:
                writer.write(out, _spooled(files[group]), header)
            outputs.append(output)
        return outputs, count
    finally:
        for handle in handles.values():
            handle.close()
        shutil.rmtree(spool, ignore_errors=True)


def _rendered_size(writer: Writer, records: list[Activity], header: FileHeader) -> int:
    buffer = io.BytesIO()
    writer.write(buffer, records, header)
    return buffer.tell()


def _by_size(records: Iterator[Activity], writer: Writer, header: FileHeader, base: Path, limit: int,
             notes: list[str]) -> tuple[list[Path], int]:
    """Consecutive parts, each record measured alone before it is written (one lookahead record)."""
    frame = _rendered_size(writer, [], header)
    outputs: list[Path] = []
    pending: list[Activity | None] = [next(records, None)]
    count = 0

    def part(used: list[int]) -> Iterator[Activity]:
        nonlocal count
        taken = 0
        while pending[0] is not None:
            record = pending[0]
            size = _rendered_size(writer, [record], header) - frame
            if taken and used[0] + size > limit:
                return
            if size + frame > limit:
                notes.append(f"activity {record.iati_identifier!r} alone is {size + frame} bytes, over the "
                             f"{limit}-byte limit: written to a part of its own")
            used[0] += size
            taken += 1
            count += 1
            pending[0] = next(records, None)
            yield record

    while pending[0] is not None:
        output = base.with_name(f"{base.stem}_part{len(outputs) + 1:03d}{base.suffix}")
        used = [frame]
        with atomic_writer(output) as out:
            writer.write(out, part(used), header)
        outputs.append(output)
    return outputs, count

