"""Benchmark: IATI XML → XLSX workbook → IATI XML on a ~20 MB file built from the real files.

Not a test. Prints one JSON object: activities/s (wall clock and CPU time: on a shared machine the
CPU figure is the stable one) and peak RSS for each step, each run in its own subprocess so peak
memory is the step's own; the plain ``lxml`` parse of the same file is the floor we
race, and the CSV folder is measured too for comparison. Usage::

    python bench/tables_xlsx.py [--size-mb 20] [--keep DIR]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("IATICONV_SHARED", ROOT.parent / "shared"))
SOURCES = sorted([*(SHARED / "real-iati").glob("*.xml"), *(SHARED / "real-iati-more").glob("*.xml")])


def build_input(target: Path, size_mb: float) -> int:
    """Concatenate the real 2.03 activities (identifiers made unique) until the file reaches ``size_mb``."""
    from lxml import etree

    from iaticonv._xml import parse_file

    activities = []
    for path in SOURCES:
        root = parse_file(path).getroot()
        if root.tag == "iati-activities" and root.get("version") == "2.03":
            activities.extend(root.findall("iati-activity"))
    if not activities:
        raise SystemExit(f"no IATI 2.03 activity files under {SHARED} (set IATICONV_SHARED)")
    out = etree.Element("iati-activities", version="2.03")
    size, count, copy_number = 0, 0, 0
    while size < size_mb * 1_000_000:
        copy_number += 1
        for activity in activities:
            clone = copy.deepcopy(activity)
            ident = clone.find("iati-identifier")
            if ident is not None and ident.text:
                ident.text = f"{ident.text.strip()}-copy{copy_number}"
            out.append(clone)
            size += len(etree.tostring(clone))
            count += 1
            if size >= size_mb * 1_000_000:
                break
    etree.ElementTree(out).write(str(target), encoding="UTF-8", xml_declaration=True)
    return count


def child(step: str, source: str, target: str) -> None:
    """One measured step, run in a fresh interpreter; prints {"seconds", "peak_rss_mb", "activities"}."""
    started = time.perf_counter()
    cpu_started = time.process_time()
    count = 0
    if step == "lxml-parse":
        from iaticonv._xml import iterparse

        for _event, element in iterparse(source, tag="iati-activity"):
            count += 1
            element.clear(keep_tail=True)
    elif step in ("xml-to-xlsx", "xml-to-csv"):
        from iaticonv.formats.iati_xml.xml_io import IatiXmlReader
        from iaticonv.formats.tables import TablesWriter

        reader = IatiXmlReader(Path(source))
        count = TablesWriter(overwrite=True).write_to(Path(target), reader.records(), reader.header())
    elif step in ("xlsx-to-xml", "csv-to-xml"):
        from iaticonv._io import atomic_writer
        from iaticonv.formats.iati_xml.xml_io import IatiXmlWriter
        from iaticonv.formats.tables import TablesReader

        tables = TablesReader(Path(source))
        with atomic_writer(Path(target)) as stream:
            count = IatiXmlWriter().write(stream, tables.records(), tables.header())
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    print(json.dumps({"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
                      "peak_rss_mb": round(_peak_rss_kb() / 1024, 1), "activities": count}))


def _peak_rss_kb() -> int:
    """This process's peak RSS. ``VmHWM`` restarts at exec, unlike ``ru_maxrss``, which a child inherits
    from the parent it was forked from (and would report the parent's memory)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def measure(step: str, source: Path, target: Path) -> dict[str, float]:
    result = subprocess.run([sys.executable, __file__, "--child", step, str(source), str(target)],
                            check=False, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{step} failed:\n{result.stderr}")
    data: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    data["activities_per_s"] = round(data["activities"] / data["seconds"], 1) if data["seconds"] else 0.0
    data["activities_per_cpu_s"] = round(data["activities"] / data["cpu_seconds"], 1) if data["cpu_seconds"] else 0.0
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=20.0)
    parser.add_argument("--keep", type=Path, help="folder to keep the generated files in")
    parser.add_argument("--child", nargs=3, metavar=("STEP", "SOURCE", "TARGET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    work = args.keep or Path(tempfile.mkdtemp(prefix="iaticonv-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    source = work / "input.xml"
    count = build_input(source, args.size_mb)
    steps = {
        "lxml-parse": measure("lxml-parse", source, work / "unused"),
        "xml-to-xlsx": measure("xml-to-xlsx", source, work / "tables.xlsx"),
        "xlsx-to-xml": measure("xlsx-to-xml", work / "tables.xlsx", work / "from-xlsx.xml"),
        "xml-to-csv": measure("xml-to-csv", source, work / "tables"),
        "csv-to-xml": measure("csv-to-xml", work / "tables", work / "from-csv.xml"),
    }
    same = (work / "from-xlsx.xml").read_bytes() == (work / "from-csv.xml").read_bytes()
    report = {
        "input_mb": round(source.stat().st_size / 1_000_000, 1),
        "activities": count,
        "xlsx_mb": round((work / "tables.xlsx").stat().st_size / 1_000_000, 1),
        "steps": steps,
        "xlsx_and_csv_give_the_same_xml": same,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
