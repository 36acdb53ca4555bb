"""Benchmark: gac-csv → IATI XML for generated Project Browser exports; prints JSON.

Each size runs in a fresh subprocess so that its peak RSS is its own (``ru_maxrss`` of the child),
which is how "memory stays flat as the file grows" is shown: compare the peaks across sizes.
Records are the invented sample projects repeated with distinct project numbers, so every label
goes through the same resolution code a real export does.

    .venv/bin/python bench/gac_csv.py [--records 50000 --records 5000]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import ensure_standard

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "gac-project-browser.csv"


def make_csv(path: Path, records: int) -> None:
    """Write ``records`` rows built from the sample's projects, each with its own project number."""
    sample = list(csv.reader(io.StringIO(SAMPLE.read_text(encoding="utf-8-sig"))))
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(sample[0])
        for index in range(records):
            row = list(sample[1 + index % (len(sample) - 1)])
            row[0] = f"B{index:09d}"
            writer.writerow(row)


def convert(source: Path, target: Path) -> dict[str, float]:
    """The measured step, run inside the child: read the CSV, write IATI XML."""
    from iaticonv.formats.gac.csv_io import GacCsvReader
    from iaticonv.formats.iati_xml.xml_io import IatiXmlWriter
    from iaticonv.standard import load_codelists

    load_codelists()  # loading the standard is start-up cost, not per-record cost
    start, cpu_start = time.perf_counter(), time.process_time()
    with target.open("wb") as handle:
        count = IatiXmlWriter().write(handle, GacCsvReader(source).records())
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    # CPU seconds too: on a shared 2-core machine wall time measures the neighbours as much as the code
    return {"records": count, "seconds": round(seconds, 3), "records_per_s": round(count / seconds, 1),
            "cpu_seconds": round(cpu, 3), "records_per_cpu_s": round(count / cpu, 1)}


def run_child(records: int, folder: Path) -> dict[str, object]:
    source, target = folder / f"gac-{records}.csv", folder / f"gac-{records}.xml"
    make_csv(source, records)
    done = subprocess.run([sys.executable, __file__, "--child", str(source), str(target)],
                          check=True, capture_output=True, text=True, env=os.environ.copy())
    result: dict[str, object] = json.loads(done.stdout)
    result["csv_mb"] = round(source.stat().st_size / 1e6, 2)
    result["xml_mb"] = round(target.stat().st_size / 1e6, 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, action="append", help="sizes to run (default 5000 and 50000)")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = convert(*args.child)
        result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        print(json.dumps(result))
        return
    ensure_standard()
    with tempfile.TemporaryDirectory(prefix="gac-bench-") as folder:
        runs = [run_child(n, Path(folder)) for n in (args.records or [5000, 50000])]
    print(json.dumps({"benchmark": "gac-csv → iati-xml", "runs": runs}, indent=2))


if __name__ == "__main__":
    main()
