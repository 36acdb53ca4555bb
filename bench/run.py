"""Benchmark of batch work at scale (issue 8); prints one JSON object. Not a test.

On files generated from the real published activities in ``../shared/real-iati`` (each copy with a
unique identifier, see ``corpus.py``), each measured in a fresh subprocess so its peak memory is
its own:

* validation of a ~100 MB and a ~1 GB file: MB/s, peak RSS of the run and of each worker, and the
  ratio to a plain ``lxml`` iterparse of the same file (the floor we race). 100 MB runs with one
  process and with two workers (ranges of activities); 1 GB with two workers.
* gac-csv → IATI XML for 50,000 records (records/s), by running ``bench/gac_csv.py``.
* a 200-file batch, ``--jobs 1`` against ``--jobs 2``, for validation and for conversion: speedup
  (best of ``--repeat`` interleaved runs), with 3 and with 10 activities per file: starting a worker
  costs about a second, so the speedup grows with the work in the batch.

CPU seconds are reported beside wall seconds: on a shared machine the wall clock measures the
neighbours as much as the code, and ``load_average`` says how busy the machine was.

    .venv/bin/python bench/run.py [--sizes 100,1000] [--files 200] [--keep DIR] [--skip-gac] [--skip-batch]
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
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from corpus import ensure_standard, write_big_file, write_small_files  # noqa: E402


def _rss_mb(who: int) -> float | None:
    """Peak RSS in MB; for RUSAGE_CHILDREN the largest finished child (None when there was none)."""
    peak = resource.getrusage(who).ru_maxrss
    return round(peak / 1024, 1) if peak else None


def _child(kind: str, *args: str) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter and return its JSON."""
    done = subprocess.run([sys.executable, __file__, "--child", kind, *args], check=True, capture_output=True,
                          text=True, env=os.environ.copy())
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def child_iterparse(path: str) -> dict[str, Any]:
    from lxml import etree

    started, cpu = time.perf_counter(), time.process_time()
    count = 0
    for _event, element in etree.iterparse(path, tag="iati-activity", huge_tree=True, resolve_entities=False):
        count += 1
        element.clear(keep_tail=True)
        while element.getprevious() is not None:
            del element.getparent()[0]
    return {"activities": count, "seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu,
            "peak_rss_mb": _rss_mb(resource.RUSAGE_SELF)}


def child_validate(path: str, jobs: str) -> dict[str, Any]:
    from iaticonv.batch import validate_batch
    from iaticonv.validate import validate_paths

    validate_paths([])  # the Standard's store is start-up cost, not per-byte cost
    started, cpu = time.perf_counter(), time.process_time()
    run = validate_batch([Path(path)], jobs=int(jobs))
    seconds = time.perf_counter() - started
    own_cpu = time.process_time() - cpu
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"activities": run.summary.activities, "findings": run.report.summary, "seconds": seconds,
            "cpu_seconds": own_cpu + children.ru_utime + children.ru_stime, "jobs": int(jobs),
            "peak_rss_mb": _rss_mb(resource.RUSAGE_SELF),
            "peak_worker_rss_mb": _rss_mb(resource.RUSAGE_CHILDREN)}


def child_batch(kind: str, folder: str, jobs: str, out: str) -> dict[str, Any]:
    from iaticonv.batch import convert_batch, validate_batch

    started = time.perf_counter()
    if kind == "validate":
        summary = validate_batch([Path(folder)], jobs=int(jobs)).summary
    else:
        summary = convert_batch([Path(folder)], Path(out), target="iati-xml", jobs=int(jobs), force=True).summary
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"files": summary.files, "failed": summary.failed, "activities": summary.activities,
            "seconds": time.perf_counter() - started, "jobs": int(jobs),
            "cpu_seconds": time.process_time() + children.ru_utime + children.ru_stime,
            "peak_rss_mb": _rss_mb(resource.RUSAGE_SELF), "peak_worker_rss_mb": _rss_mb(resource.RUSAGE_CHILDREN)}


def _rounded(data: dict[str, Any]) -> dict[str, Any]:
    return {key: round(value, 3) if isinstance(value, float) else value for key, value in data.items()}


def bench_big(folder: Path, megabytes: int) -> dict[str, Any]:
    path = folder / f"big-{megabytes}mb.xml"
    if not path.exists():
        write_big_file(path, megabytes)
    size_mb = path.stat().st_size / 1e6
    floor = _child("iterparse", str(path))
    runs = [_child("validate", str(path), "2")]
    if megabytes <= 200:
        runs.insert(0, _child("validate", str(path), "1"))
    result: dict[str, Any] = {"file_mb": round(size_mb, 1), "activities": floor["activities"],
                              "lxml_iterparse": _rounded({**floor, "mb_per_s": size_mb / floor["seconds"]})}
    for run in runs:
        run["mb_per_s"] = size_mb / run["seconds"]
        run["ratio_to_iterparse_time"] = run["seconds"] / floor["seconds"]
        result[f"validate_jobs_{run['jobs']}"] = _rounded(run)
    return result


def bench_files(folder: Path, count: int, per_file: int, repeat: int) -> dict[str, Any]:
    files = folder / f"files-{count}x{per_file}"
    if not files.exists():
        write_small_files(files, count, per_file=per_file)
    result: dict[str, Any] = {"files": count, "activities_per_file": per_file,
                              "mb": round(sum(p.stat().st_size for p in files.iterdir()) / 1e6, 1)}
    for kind in ("validate", "convert"):
        ones: list[dict[str, Any]] = []
        twos: list[dict[str, Any]] = []
        for _ in range(repeat):  # interleaved, best of N: neighbours on a shared machine come and go
            ones.append(_child("batch", kind, str(files), "1", str(folder / "out-1")))
            twos.append(_child("batch", kind, str(files), "2", str(folder / "out-2")))
        one, two = min(ones, key=lambda r: r["seconds"]), min(twos, key=lambda r: r["seconds"])
        result[kind] = {"jobs_1": _rounded(one), "jobs_2": _rounded(two), "runs": repeat,
                        "speedup": round(one["seconds"] / two["seconds"], 2),
                        # what two free cores would give: the same CPU work split over two processes
                        "speedup_from_cpu": round(one["cpu_seconds"] / (two["cpu_seconds"] / 2), 2)}
    return result


def bench_gac(records: int) -> dict[str, Any]:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "gac_csv.py"), "--records", str(records)],
                          check=True, capture_output=True, text=True, env=os.environ.copy())
    runs: list[dict[str, Any]] = json.loads(done.stdout)["runs"]
    return runs[0]


CHILDREN = {"iterparse": child_iterparse, "validate": child_validate, "batch": child_batch}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="big-file sizes in MB (default 100,1000; '' for none)")
    parser.add_argument("--files", type=int, default=200, help="files in the batch run (default 200)")
    parser.add_argument("--per-file", default="3,10", help="activities per file, one batch each (default 3,10)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each batch size, best kept (default 3)")
    parser.add_argument("--gac-records", type=int, default=50000)
    parser.add_argument("--skip-gac", action="store_true")
    parser.add_argument("--skip-batch", action="store_true")
    parser.add_argument("--keep", type=Path, help="generate files here and keep them (default: a temp folder)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(CHILDREN[args.child[0]](*args.child[1:]), default=str))
        return
    ensure_standard()
    with tempfile.TemporaryDirectory(prefix="iaticonv-bench-") as temp:
        folder = args.keep or Path(temp)
        folder.mkdir(parents=True, exist_ok=True)
        result: dict[str, Any] = {"benchmark": "batch at scale (issue 8)", "cpus": os.cpu_count(),
                                  "load_average_before": [round(x, 2) for x in os.getloadavg()]}
        if not args.skip_batch:
            result["batch"] = [bench_files(folder, args.files, int(n), args.repeat) for n in args.per_file.split(",")]
        for size in (int(s) for s in args.sizes.split(",") if s):
            result[f"validate_{size}mb"] = bench_big(folder, size)
            if not args.keep:
                (folder / f"big-{size}mb.xml").unlink(missing_ok=True)
        if not args.skip_gac:
            result["gac_csv_to_iati_xml"] = bench_gac(args.gac_records)
        result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
