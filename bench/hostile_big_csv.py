"""A million-row Project Browser CSV converted to IATI XML in a subprocess: time and peak memory.

The hostile-input test watches this conversion for 20 seconds (memory must level off, a SIGKILL must
leave the old output); this script runs it to the end and prints JSON, so the cost of the whole
stream is on record. Peak RSS comes from ``os.wait4`` on the child. Several sizes show whether memory
grows with rows (it should stay nearly flat: only the project numbers already seen are kept, to
refuse duplicates).

    python bench/hostile_big_csv.py [--rows 1000000 [--rows 100000 ...]]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def write_rows(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("Project Number,Title,Status,Start Date,Country,Maximum Contribution\r\n")
        out.writelines(f"P{i:09d},Project number {i},Closed,2020-04-01,Kenya 100%,\"$1,{i % 1000:03d}\"\r\n"
                       for i in range(rows))


def convert(source: Path, output: Path) -> dict[str, float]:
    started = time.perf_counter()
    command = [sys.executable, "-c", "import sys; from iaticonv.cli.main import main; sys.argv[0] = 'iaticonv'; main()"]
    proc = subprocess.Popen([*command, "convert", str(source), "-o", str(output)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    error = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"conversion failed: {error}")
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append", help="rows per run (repeatable); default 1000000")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-big-csv-") as name:
        folder = Path(name)
        for rows in args.rows or [1_000_000]:
            source, output = folder / f"rows{rows}.csv", folder / f"rows{rows}.xml"
            write_rows(source, rows)
            measured = convert(source, output)
            results.append({"rows": rows, "input_mb": round(source.stat().st_size / 2**20, 1),
                            "output_mb": round(output.stat().st_size / 2**20, 1), **measured,
                            "rows_per_s": round(rows / measured["seconds"])})
            source.unlink()
            output.unlink()
    print(json.dumps({"benchmark": "hostile_big_csv", "python": sys.version.split()[0], "runs": results}, indent=2))


if __name__ == "__main__":
    main()
