"""Benchmark: how long the report renderers take and how big their output is (not a test).

Validates every real published file in ../shared once (tens of thousands of findings), then renders
the report in each format, best of ``--repeat`` runs, and prints one JSON object: findings, seconds,
findings/s and output size in MB per format. The HTML page is the one to watch: it carries every
finding, so its size grows with the findings, not with the input.

    .venv/bin/python bench/report_render.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from iaticonv.validate import Report, ValidateOptions, validate_paths
from iaticonv.validate.render.formats import REPORT_FORMATS, render_report

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("IATICONV_SHARED", ROOT.parent / "shared"))
SOURCES = [*sorted((SHARED / "real-iati").glob("*.xml")), *sorted((SHARED / "real-iati-more").glob("*.xml"))]


def _best(run: Callable[[], str], repeat: int) -> tuple[float, str]:
    best, out = float("inf"), ""
    for _ in range(repeat):
        start = time.perf_counter()
        out = run()
        best = min(best, time.perf_counter() - start)
    return best, out


def measure(report: Report, repeat: int) -> dict[str, object]:
    findings = len(report.findings)
    results: dict[str, object] = {"files": len(report.files), "findings": findings}
    for name in REPORT_FORMATS:
        seconds, text = _best(partial(render_report, report, name), repeat)
        results[name] = {
            "seconds": round(seconds, 3),
            "findings_per_s": round(findings / seconds) if seconds else None,
            "mb": round(len(text.encode("utf-8")) / 1e6, 2),
        }
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    start = time.perf_counter()
    report = validate_paths(SOURCES, ValidateOptions())
    results = {"validate_seconds": round(time.perf_counter() - start, 2), **measure(report, args.repeat)}
    json.dump(results, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
