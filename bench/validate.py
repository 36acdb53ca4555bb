"""Benchmark: full offline validation vs a plain lxml iterparse of the same big file (not a test).

Builds a ~100 MB IATI 2.03 activity file from the real published activities in ../shared (each copy
with a unique iati-identifier), then runs, each in its own subprocess so peak memory is measured
alone: (1) plain ``lxml.etree.iterparse`` over the activities, clearing each one (the floor we race),
(2) ``iaticonv.validate.validate_paths`` with every layer on. Prints one JSON object: sizes, seconds,
MB/s, activities/s, CPU seconds, peak RSS in MB of each, and the throughput ratio validate/iterparse
(by wall time, and by CPU time, which a busy machine disturbs less).

    .venv/bin/python bench/validate.py [--mb 100] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("IATICONV_SHARED", ROOT.parent / "shared"))
SOURCES = [*sorted((SHARED / "real-iati").glob("*.xml")), *sorted((SHARED / "real-iati-more").glob("*.xml"))]


def _activities() -> list[tuple[bytes, str]]:
    """Serialized 2.03 activities of the real files, with their identifiers."""
    found: list[tuple[bytes, str]] = []
    for path in SOURCES:
        for _event, root in etree.iterparse(str(path), events=("start",), huge_tree=True):
            version = root.get("version")
            break
        if version != "2.03":
            continue
        for _event, element in etree.iterparse(str(path), tag="iati-activity", huge_tree=True):
            identifier = (element.findtext("iati-identifier") or "").strip()
            if identifier:
                found.append((etree.tostring(element), identifier))
            element.clear()
    return found


def build(path: Path, megabytes: float) -> int:
    """Write a file of about ``megabytes`` MB; returns the number of activities."""
    pool = _activities()
    target = int(megabytes * 1_000_000)
    written, count = 0, 0
    with path.open("wb") as out:
        head = b'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">\n'
        out.write(head)
        written += len(head)
        while written < target:
            for blob, identifier in pool:
                count += 1
                old = f"<iati-identifier>{identifier}</iati-identifier>".encode()
                new = f"<iati-identifier>{identifier}-B{count}</iati-identifier>".encode()
                chunk = blob.replace(old, new, 1) + b"\n"
                out.write(chunk)
                written += len(chunk)
                if written >= target:
                    break
        out.write(b"</iati-activities>\n")
    return count


def child(mode: str, path: Path) -> None:
    """Run one measurement in this process and print its JSON line."""
    started, cpu_started = time.perf_counter(), time.process_time()
    extra: dict[str, object] = {}
    if mode == "iterparse":
        records = 0
        for _event, element in etree.iterparse(str(path), tag="iati-activity", huge_tree=True,
                                               resolve_entities=False, no_network=True):
            records += 1
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
        extra["activities"] = records
    else:
        from iaticonv.validate import ValidateOptions, validate_paths

        report = validate_paths([path], ValidateOptions())
        extra = {"activities": report.files[0].activities, "summary": report.summary}
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = time.process_time() - cpu_started
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
                      **extra}))


def measure(mode: str, path: Path) -> dict[str, object]:
    output = subprocess.run([sys.executable, __file__, "--child", mode, str(path)], check=True,
                            capture_output=True, text=True).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=100.0)
    parser.add_argument("--keep", type=Path, help="keep the generated file in this folder (reused if present)")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    with tempfile.TemporaryDirectory(prefix="iaticonv-bench-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"bench-{int(args.mb)}mb.xml"
        if not path.exists():
            build(path, args.mb)
        size_mb = path.stat().st_size / 1_000_000
        plain = measure("iterparse", path)
        full = measure("validate", path)
    plain_rate = size_mb / float(str(plain["seconds"]))
    full_rate = size_mb / float(str(full["seconds"]))
    plain_cpu, full_cpu = float(str(plain["cpu_seconds"])), float(str(full["cpu_seconds"]))
    print(json.dumps({
        "file_mb": round(size_mb, 1),
        "activities": full["activities"],
        "iterparse": {"seconds": round(float(str(plain["seconds"])), 2), "mb_per_s": round(plain_rate, 1),
                      "cpu_seconds": round(plain_cpu, 2), "peak_rss_mb": plain["peak_rss_mb"]},
        "validate": {"seconds": round(float(str(full["seconds"])), 2), "mb_per_s": round(full_rate, 1),
                     "activities_per_s": round(int(str(full["activities"])) / float(str(full["seconds"])), 1),
                     "cpu_seconds": round(full_cpu, 2),
                     "peak_rss_mb": full["peak_rss_mb"], "summary": full.get("summary")},
        "ratio": round(full_rate / plain_rate, 3),
        "ratio_cpu": round(plain_cpu / full_cpu, 3),  # steadier than wall time on a busy machine
        "targets": {"ratio_min": 1 / 3, "peak_rss_mb_max": 150},
    }, indent=2))


if __name__ == "__main__":
    main()
