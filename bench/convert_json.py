"""Benchmark: IATI XML → json and json → IATI XML on the real files replicated to ~25 and ~50 MB.

Prints JSON: activities/s, MB/s and peak RSS per direction and size, next to two floors: a plain
``lxml`` iterparse of the same file that builds nothing, and the same plus a Python visit of every
element's attributes and text (the least work any Python mapper over lxml must do). Each measurement runs in a fresh
subprocess, so peak RSS (``VmHWM``) belongs to that conversion alone, and CPU time is reported next
to wall time because a shared machine's load distorts the latter; comparing the two
sizes shows whether memory stays flat as the file grows.

    python bench/convert_json.py [--sizes 25,50] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _activity_chunks() -> list[bytes]:
    """Every activity of the 2.03 real files (and the official example), serialized standalone."""
    sources = [SHARED / "iati-standard/examples/activity-standard-example-annotated.xml",
               *sorted((SHARED / "real-iati").glob("*.xml")), *sorted((SHARED / "real-iati-more").glob("*.xml"))]
    chunks: list[bytes] = []
    for path in sources:
        root_version = None
        for event, element in etree.iterparse(str(path), events=("start", "end"), resolve_entities=False,
                                              no_network=True):
            if event == "start":
                if root_version is None:
                    if element.tag != "iati-activities":
                        break
                    root_version = element.get("version") or "none"
                continue
            if element.tag == "iati-activity" and root_version == "2.03":
                chunks.append(etree.tostring(element, with_tail=False))
                element.clear()
    return chunks


def build_file(target: Path, megabytes: int, chunks: list[bytes]) -> int:
    """Write an iati-activities file of about ``megabytes`` MB; return its number of activities."""
    limit = megabytes * 1_000_000
    count = 0
    with target.open("wb") as handle:
        handle.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">\n')
        written = 0
        while written < limit:
            for chunk in chunks:
                handle.write(chunk + b"\n")
                written += len(chunk) + 1
                count += 1
                if written >= limit:
                    break
        handle.write(b"</iati-activities>\n")
    return count


def _touch(element: etree._Element) -> None:
    """Visit every element's attributes and text from Python: the least any Python mapper must do."""
    for item in element.iter():
        item.items()
        _ = item.text


def child(mode: str, source: str, output: str) -> None:
    """Run one measurement in this (fresh) process and print its JSON."""
    started, cpu_started = time.perf_counter(), time.process_time()
    if mode == "python-walk-floor":
        count = 0
        events = etree.iterparse(source, tag="iati-activity", resolve_entities=False, no_network=True)
        for count, (_event, element) in enumerate(events, start=1):  # noqa: B007 - count is the result
            _touch(element)
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
    elif mode == "lxml-floor":
        count = 0
        events = etree.iterparse(source, tag="iati-activity", resolve_entities=False, no_network=True)
        for count, (_event, element) in enumerate(events, start=1):  # noqa: B007 - count is the result
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
    elif mode.startswith("cli-jobs-"):  # the command line with N workers: wall time is what it is for
        jobs = mode.removeprefix("cli-jobs-")
        subprocess.run([str(Path(sys.executable).with_name("iaticonv")), "convert", source, "-o", output, "--overwrite",
                        "--jobs", jobs, "--quiet"], check=True)
        count = _count_activities(Path(source))
    else:  # the library's convert(), which takes a pair's direct path when it has one
        from iaticonv.formats.convert import convert

        target = "json" if mode == "xml-to-json" else "iati-xml"
        count = convert([Path(source)], Path(output), target=target, overwrite=True).records
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu += children.ru_utime + children.ru_stime  # the workers' CPU time, for the cli-jobs modes
    print(json.dumps({"activities": count, "seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3),
                      "peak_rss_mb": _peak_rss_mb()}))


def _count_activities(path: Path) -> int:
    """Activities in an XML or a JSON (one activity per line) input, counted without parsing."""
    with path.open("rb") as handle:
        if path.suffix == ".json":
            return sum(1 for line in handle if line.startswith(b"{") and not line.startswith(b'{"iati-activities"'))
        return sum(line.count(b"<iati-activity>") + line.count(b"<iati-activity ") for line in handle)


def _peak_rss_mb() -> float:
    """This process's peak resident memory. ``VmHWM`` belongs to the current program image only;
    ``ru_maxrss`` would also count the parent's memory copied at fork time (kept across exec)."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _measure(mode: str, source: Path, output: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "--child", mode, str(source), str(output)],
                          check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout)
    megabytes = source.stat().st_size / 1e6
    result["input_mb"] = round(megabytes, 1)
    result["activities_per_s"] = round(result["activities"] / result["seconds"])
    result["activities_per_cpu_s"] = round(result["activities"] / result["cpu_seconds"])
    result["mb_per_s"] = round(megabytes / result["seconds"], 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", nargs=3, metavar=("MODE", "IN", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--sizes", default="25,50", help="file sizes in MB, comma-separated")
    parser.add_argument("--workdir", type=Path, help="where to build the files (default: a temp dir)")
    parser.add_argument("--jobs", type=int, default=0,
                        help="also time `iaticonv convert --jobs N` both ways (wall time; CPU includes workers)")
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    chunks = _activity_chunks()
    report: dict[str, object] = {"source_activities": len(chunks), "runs": []}
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        work = Path(tmp)
        for size in (int(s) for s in args.sizes.split(",")):
            xml_in, json_out, xml_out = work / f"in-{size}.xml", work / f"out-{size}.json", work / f"out-{size}.xml"
            build_file(xml_in, size, chunks)
            runs: list[dict[str, object]] = report["runs"]  # type: ignore[assignment]
            runs.append({
                "size_mb": size,
                "lxml_floor": _measure("lxml-floor", xml_in, json_out),
                "python_walk_floor": _measure("python-walk-floor", xml_in, json_out),
                "xml_to_json": _measure("xml-to-json", xml_in, json_out),
                "json_to_xml": _measure("json-to-xml", json_out, xml_out),
            })
            if args.jobs:
                runs[-1][f"xml_to_json_cli_jobs_{args.jobs}"] = _measure(f"cli-jobs-{args.jobs}", xml_in, json_out)
                runs[-1][f"json_to_xml_cli_jobs_{args.jobs}"] = _measure(f"cli-jobs-{args.jobs}", json_out, xml_out)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
