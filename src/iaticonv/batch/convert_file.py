"""``iaticonv convert BIG -o OUT --jobs N``: one big file converted on N processes into one file.

This is how a user with several cores converts one big file faster: the file is cut into ranges of
activities (``_convert_ranges``), this process and N - 1 spawned workers convert them into parts, and
the parts are joined into exactly the bytes a single pass writes, with the single pass's notes.
Whenever that cannot be promised (formats without a joiner, a small file, a layout the cutter does
not know, a range that fails, a part that does not have the writer's frame) this returns None and
the caller runs the ordinary single pass, which then reports whatever is wrong in its own words.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path
from typing import Any

from .._io import check_output_path
from ..bigfile.ranges import range_bytes
from ..errors import IaticonvError
from ..formats import detect_format
from ..formats.convert import ConvertResult
from ._convert_ranges import convert_chunk, join_parts, plan_convert_chunks, read_notes
from ._outcome import FileOutcome
from ._pool import run_units

__all__ = ["MIN_BYTES", "convert_file_parallel", "single_file_part_bytes"]

# Below this a worker's start (Python and the converter's imports, about 0.45 CPU s) costs about what it
# saves: 20 MB is about a CPU second of conversion.
MIN_BYTES = 20 * 1024 * 1024
PARTS_PER_WORKER = 8  # small enough that a worker starting late, or running slower, just takes fewer
MIN_PART, MAX_PART = 1024 * 1024, 32 * 1024 * 1024


def single_file_part_bytes(size: int, workers: int) -> int:
    """About ``PARTS_PER_WORKER`` ranges per process, in a multiple of the process count."""
    return range_bytes(size, workers, limit=MAX_PART, per_process=PARTS_PER_WORKER, floor=MIN_PART)


def convert_file_parallel(source: Path, output: Path, *, jobs: int, target: str | None = None,
                          source_format: str | None = None, overwrite: bool = False,
                          reader_options: dict[str, Any] | None = None, writer_options: dict[str, Any] | None = None,
                          part_bytes: int | None = None) -> ConvertResult | None:
    """Convert ``source`` into ``output`` on ``jobs`` processes; None when the caller must run one pass.

    ``part_bytes`` forces the range size (tests use small ones); by default files under
    ``MIN_BYTES`` are not cut and bigger ones get a few ranges per process.
    """
    if jobs < 2 or not source.is_file() or (part_bytes is None and source.stat().st_size < MIN_BYTES):
        return None
    try:
        check_output_path(output, [source], overwrite=overwrite)
        target_name = target or detect_format(output, for_writing=True).name
    except IaticonvError:
        return None  # the single pass raises it, in its words
    size = source.stat().st_size
    chunks = plan_convert_chunks(source, output, source_format=source_format, target=target_name,
                                 part_bytes=part_bytes or single_file_part_bytes(size, jobs),
                                 reader_options=reader_options or {}, writer_options=writer_options or {})
    if not chunks:
        return None
    try:
        parts: list[FileOutcome] = []
        with contextlib.closing(run_units(convert_chunk, chunks, workers=min(jobs, len(chunks)),
                                          weight=lambda chunk: chunk.size)) as finished:
            for done in finished:
                if done.result is None or done.result.status != "ok":
                    return None  # a failed range: the whole file, in one pass, says what is wrong
                parts.append(done.result)
        joined = join_parts(output, parts, overwrite=overwrite, target=target_name)
    finally:
        shutil.rmtree(Path(chunks[0].part).parent, ignore_errors=True)
    if joined is None:
        return None
    return ConvertResult(outputs=[output], records=joined.activities, notes=read_notes(parts))

