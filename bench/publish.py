"""Benchmark: the local cost of ``iaticonv publish`` on a file at the 60 MB pipeline limit (not a test).

Publishing reads a file twice: once for the payload (only up to the first ``reporting-org``) and once
for the SHA-256 that the publication log and ``registry status`` rely on. Both must stay cheap and flat
in memory whatever the file size. Each step runs in its own subprocess so its peak RSS is its own:
(1) ``read_file_facts``, (2) ``file_sha256``, (3) a plain ``lxml.etree.iterparse`` over every activity,
clearing as it goes (the floor a full read would race). Validation has its own benchmark
(``bench/validate.py``). Prints one JSON object.

    .venv/bin/python bench/publish.py [--mb 60] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpus import write_big_file

# step → (imports, not timed; the timed statement)
STEPS = {
    "read_file_facts": ("from iaticonv.publish import read_file_facts", "read_file_facts(PATH)"),
    "sha256": ("from iaticonv.publish.history import file_sha256", "file_sha256(PATH)"),
    "lxml_iterparse": ("from lxml import etree",
        "for _e, el in etree.iterparse(str(PATH), tag='iati-activity', huge_tree=True):\n"
        "    el.clear()\n"
        "    while el.getprevious() is not None:\n"
        "        del el.getparent()[0]"
    ),
}


def _child(step: str, path: Path) -> None:
    namespace = {"PATH": path}
    setup, statement = STEPS[step]
    exec(setup, namespace)
    start = time.perf_counter()
    exec(statement, namespace)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": round(seconds, 4), "peak_rss_mb": round(peak_mb, 1)}))


def _measure(step: str, path: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--child", step, str(path)], check=True,
                         capture_output=True, text=True).stdout
    result: dict[str, float] = json.loads(out)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=60.0)
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--child", nargs=2, metavar=("STEP", "PATH"))
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], Path(args.child[1]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        path = folder / "big-activities.xml"
        activities = write_big_file(path, args.mb)
        size_mb = path.stat().st_size / 1024 / 1024
        results = {step: _measure(step, path) for step in STEPS}
        for value in results.values():
            value["mb_per_s"] = round(size_mb / value["seconds"], 1) if value["seconds"] else float("inf")
        print(json.dumps({"file_mb": round(size_mb, 1), "activities": activities, **results,
                          "facts_vs_full_parse_speedup": round(results["lxml_iterparse"]["seconds"]
                                                               / max(results["read_file_facts"]["seconds"], 1e-6))},
                         indent=2))


if __name__ == "__main__":
    main()
