"""Benchmark: full offline validation vs a plain lxml iterparse of the same big file (not a test).

Builds a ~100 MB IATI 2.03 activity file from the real published activities in ../shared (each copy
with a unique iati-identifier), then runs, each in its own subprocess so peak memory is measured
alone: (1) plain ``lxml.etree.iterparse`` over the activities, clearing each one (the floor we race),
(2) ``iaticonv.validate.validate_paths`` with every layer on. Prints one JSON object: sizes, seconds,
MB/s, activities/s, CPU seconds, peak RSS in MB of each, and the throughput ratio validate/iterparse
(by wall time, and by CPU time, which a busy machine disturbs less).

With ``--jobs N`` it also times the command a user runs, ``iaticonv validate --jobs N FILE --format
json -o REPORT`` (and the same with ``--jobs 1``, the like-for-like baseline), in-process in a fresh
subprocess: wall time, CPU time of the command's process and of its workers (``RUSAGE_CHILDREN``),
peak RSS of the command's process (``VmHWM``) and of its biggest worker (its ``VmHWM``, polled from
``/proc`` while it runs), the wall-throughput ratio to the iterparse, and the speed-up. On a machine
that other work keeps busy, wall time understates what free cores give: "speedup_from_cpu" divides
the one-process CPU time by the busiest process's CPU time under ``--jobs N``.

    .venv/bin/python bench/validate.py [--mb 100] [--keep DIR] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
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


class WorkerMemory:
    """Peak RSS (``VmHWM``) of this process's children, polled from ``/proc`` while they run.

    ``ru_maxrss`` of ``RUSAGE_CHILDREN`` cannot stand in: a spawned worker starts as a fork, so it
    would count the parent's memory at that moment; ``VmHWM`` belongs to the worker's own image.
    """

    def __init__(self) -> None:
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> WorkerMemory:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _children(self) -> list[int]:
        pids: list[int] = []
        for task in Path("/proc/self/task").iterdir():
            try:
                pids += [int(pid) for pid in (task / "children").read_text().split()]
            except OSError:
                continue
        return pids

    def _poll(self) -> None:
        while not self._stop.wait(0.1):
            for pid in self._children():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        self.peaks[pid] = max(self.peaks.get(pid, 0), int(line.split()[1]))

    @property
    def biggest_mb(self) -> float:
        return round(max(self.peaks.values(), default=0) / 1024, 1)


def _vm_hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def cli_child(jobs: str, path: Path) -> None:
    """``iaticonv validate --jobs N FILE --format json -o REPORT``, run in this process."""
    from iaticonv.cli.main import run

    with tempfile.TemporaryDirectory(prefix="iaticonv-bench-report-") as tmp:
        report = Path(tmp) / "report.json"
        started, cpu_started = time.perf_counter(), time.process_time()
        with WorkerMemory() as workers:
            code = run(["validate", "--jobs", jobs, str(path), "--format", "json", "-o", str(report), "--quiet",
                        "--force"])
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        peak = _vm_hwm_mb()  # before the report is read back below, which is this script's cost, not the command's
        findings = len(json.loads(report.read_text()).get("findings", [])) if report.exists() else None
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"exit_code": code, "seconds": seconds, "cpu_seconds": cpu,
                      "workers_cpu_seconds": children.ru_utime + children.ru_stime,
                      "peak_rss_mb": peak, "worker_peak_rss_mb": workers.biggest_mb,
                      "workers": len(workers.peaks), "findings": findings}))


def child(mode: str, path: Path) -> None:
    """Run one measurement in this process and print its JSON line."""
    if mode.startswith("cli-jobs-"):
        cli_child(mode.removeprefix("cli-jobs-"), path)
        return
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
    parser.add_argument("--jobs", type=int, default=0,
                        help="also time `iaticonv validate --jobs N` (and --jobs 1) on the file")
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
        cli = {jobs: measure(f"cli-jobs-{jobs}", path) for jobs in sorted({1, args.jobs})} if args.jobs else {}
    plain_rate = size_mb / float(str(plain["seconds"]))
    full_rate = size_mb / float(str(full["seconds"]))
    plain_cpu, full_cpu = float(str(plain["cpu_seconds"])), float(str(full["cpu_seconds"]))
    result: dict[str, object] = {
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
    }
    if cli:
        result["cli"] = _cli_summary(cli, size_mb, plain_rate)
    print(json.dumps(result, indent=2))


def _cli_summary(runs: dict[int, dict[str, object]], size_mb: float, plain_rate: float) -> dict[str, object]:
    """Each ``--jobs`` run's numbers, its wall-throughput ratio to the iterparse, and the speed-ups."""
    summary: dict[str, object] = {}
    for jobs, run in runs.items():
        seconds = float(str(run["seconds"]))
        parent_cpu, workers_cpu = float(str(run["cpu_seconds"])), float(str(run["workers_cpu_seconds"]))
        summary[f"jobs_{jobs}"] = {
            "seconds": round(seconds, 2), "mb_per_s": round(size_mb / seconds, 1),
            "ratio_to_iterparse": round(size_mb / seconds / plain_rate, 3),
            "cpu_seconds_parent": round(parent_cpu, 2), "cpu_seconds_workers": round(workers_cpu, 2),
            "cpu_seconds_total": round(parent_cpu + workers_cpu, 2),
            "peak_rss_mb_parent": run["peak_rss_mb"], "peak_rss_mb_biggest_worker": run["worker_peak_rss_mb"],
            "findings": run["findings"], "exit_code": run["exit_code"],
        }
    jobs_n = max(runs)
    if jobs_n > 1:
        one, many = runs[1], runs[jobs_n]
        one_cpu = float(str(one["cpu_seconds"]))
        busiest = max(float(str(many["cpu_seconds"])), float(str(many["workers_cpu_seconds"])) / (jobs_n - 1))
        summary["speedup_wall"] = round(float(str(one["seconds"])) / float(str(many["seconds"])), 2)
        summary["speedup_from_cpu"] = round(one_cpu / busiest, 2)
        summary["cpu_overhead"] = round((float(str(many["cpu_seconds"])) + float(str(many["workers_cpu_seconds"])))
                                        / one_cpu - 1, 3)
    return summary


if __name__ == "__main__":
    main()
