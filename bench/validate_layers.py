"""Benchmark: where full validation spends its CPU time, layer by layer (not a test).

``bench/validate.py`` gives the end-to-end ratio to a plain iterparse; this script says which layer
to work on. On a file built from the real activities (same builder), it measures in one process,
after a warm-up, the CPU seconds of: a plain ``iterparse`` (the floor), reading the records into
chunks as the walker does with iterparse (a big plain file is read by pieces in the helper thread
instead: ``validate_paths_total`` includes that thread's CPU time), the XSD record by record, each
chunk layer (codelists, rulesets, iaticonv's own checks), the advisory links, turning every hit into
a located ``Finding``, and the whole ``validate_paths`` run. Prints one JSON object; CPU time, since
the build machine is shared.

    .venv/bin/python bench/validate_layers.py [--mb 15] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent))

from iaticonv.validate import ValidateOptions, validate_paths
from iaticonv.validate._locate import locate_all
from iaticonv.validate.catalogue import load_catalogue
from iaticonv.validate.context import Chunk, ChunkCheck, Hit, RecordContext, Spots
from iaticonv.validate.findings import Finding
from iaticonv.validate.layers import CHUNK_LAYERS, advisory, schema
from iaticonv.validate.walker import CHUNK_SIZE
from validate import build


def _cpu(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.process_time()
    result = work()
    return time.process_time() - started, result


def _plain(path: Path) -> int:
    count = 0
    for _event, element in etree.iterparse(str(path), tag="iati-activity", huge_tree=True):
        count += 1
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]
    return count


def _chunks(path: Path, options: ValidateOptions) -> list[Chunk]:
    """The file's activities in walker-sized chunks (kept in memory: this is a profile, not a run)."""
    chunks: list[Chunk] = []
    events = etree.iterparse(str(path), tag="iati-activity", huge_tree=True)
    for position, (_event, element) in enumerate(events, 1):
        if not chunks or len(chunks[-1].records) >= CHUNK_SIZE:
            chunks.append(Chunk(root=etree.Element("iati-activities"), records=[], kind="activity",
                                version="2.03", options=options, record_step="iati-activity"))
        chunk = chunks[-1]
        chunk.root.append(element)
        identifier = (element.findtext("iati-identifier") or "").strip()
        record = RecordContext(element=element, kind="activity", position=position, identifier=identifier,
                               version="2.03", file=str(path), options=options)
        chunk.records.append(record)
        chunk.by_element[element] = record
    return chunks


def profile(path: Path) -> dict[str, Any]:
    options = ValidateOptions()
    catalogue = load_catalogue()
    validate_paths([path], options)  # warm-up: rule data, schemas, codelists loaded once
    seconds: dict[str, float] = {}
    seconds["iterparse_plain"], activities = _cpu(lambda: _plain(path))
    seconds["read_into_chunks"], chunks = _cpu(lambda: _chunks(path, options))
    hits: list[tuple[Hit | Spots, RecordContext]] = []

    def schema_layer() -> None:
        for chunk in chunks:
            hits.extend((hit, record) for record in chunk.records for hit in schema.check_record(record))
    seconds["schema"], _ = _cpu(schema_layer)
    for name, check in CHUNK_LAYERS:
        def layer(check: ChunkCheck = check) -> list[tuple[Hit | Spots, RecordContext]]:
            return [(hit, record) for chunk in chunks for record, hit in check(chunk)]
        seconds[name], found = _cpu(layer)
        hits.extend(found)
    seconds["advisory_links"], links = _cpu(lambda: [link for c in chunks for link in advisory.collect_chunk(c)])
    def locate() -> list[Finding]:
        out: list[Finding] = []
        locate_all(((record, hit) for hit, record in hits), catalogue, out)  # hits and spots
        return out
    seconds["findings"], _ = _cpu(locate)
    seconds["validate_paths_total"], report = _cpu(lambda: validate_paths([path], options))
    parts = sum(value for key, value in seconds.items() if key not in ("iterparse_plain", "validate_paths_total"))
    return {
        "file_mb": round(path.stat().st_size / 1_000_000, 1),
        "activities": activities,
        "findings": len(report.findings),
        "hits_located": len(hits) + len(links),
        "cpu_seconds": {key: round(value, 3) for key, value in seconds.items()},
        "share_of_layers": {key: round(value / parts, 3) for key, value in seconds.items()
                            if key not in ("iterparse_plain", "validate_paths_total")},
        "ratio_cpu": round(seconds["iterparse_plain"] / seconds["validate_paths_total"], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=15.0)
    parser.add_argument("--keep", type=Path, help="keep the generated file in this folder (reused if present)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="iaticonv-bench-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"layers-{int(args.mb)}mb.xml"
        if not path.exists():
            build(path, args.mb)
        print(json.dumps(profile(path), indent=2))


if __name__ == "__main__":
    main()
