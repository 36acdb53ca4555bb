"""Save every finding the validator gives on the shared test files, or compare two saved snapshots.

A restructuring of the validator must not change a single finding. Run this before the change
(``snapshot before.jsonl``), again after it, then ``compare before.jsonl after.jsonl``: it prints each
finding that appears on one side only and exits 1 when there is any.

The files: every real published file in ``../shared/real-iati*``, the official annotated example, the
694 official schema tests, and with ``--big MB`` a synthetic file of that size built by ``bench/corpus.py``.
``today`` is fixed so that date rules give the same answer on every day.

    python tools/findings_snapshot.py snapshot /tmp/before.jsonl [--big 100]
    python tools/findings_snapshot.py compare /tmp/before.jsonl /tmp/after.jsonl
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

FIXED_TODAY = dt.date(2026, 12, 1)


def _files(shared: Path) -> list[Path]:
    standard = shared / "iati-standard"
    found = [standard / "examples" / "activity-standard-example-annotated.xml"]
    for folder in ("real-iati", "real-iati-more"):
        found += sorted((shared / folder).glob("*.xml"))
    found += sorted((standard / "examples" / "schema-tests").rglob("*.xml"))
    return found


def snapshot(out: Path, big_megabytes: float | None) -> int:
    """Validate each file on its own and write one JSON line per finding (file names relative)."""
    import corpus  # bench/corpus.py: finds ../shared and installs the standard when none is
    from iaticonv.validate.api import validate_file
    from iaticonv.validate.context import ValidateOptions

    corpus.ensure_standard()
    options = ValidateOptions(today=FIXED_TODAY)
    files = _files(corpus.SHARED)
    with tempfile.TemporaryDirectory() as scratch:
        if big_megabytes:
            big = Path(scratch) / "big.xml"
            corpus.write_big_file(big, big_megabytes)
            files.append(big)
        lines = []
        for path in files:
            name = str(path.relative_to(corpus.SHARED)) if path.is_relative_to(corpus.SHARED) else path.name
            for finding in validate_file(path, options).findings:
                row = finding.to_dict()
                row["file"] = name
                lines.append(json.dumps(row, ensure_ascii=False, sort_keys=True))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} findings in {len(files)} files -> {out}", file=sys.stderr)
    return 0


def compare(before: Path, after: Path) -> int:
    """Print the findings present on one side only (as multisets); 1 when they differ."""
    from collections import Counter

    old = Counter(before.read_text(encoding="utf-8").splitlines())
    new = Counter(after.read_text(encoding="utf-8").splitlines())
    gone, added = old - new, new - old
    for line in sorted(gone.elements())[:50]:
        print(f"- {line}")
    for line in sorted(added.elements())[:50]:
        print(f"+ {line}")
    print(f"{sum(old.values())} before, {sum(new.values())} after; {sum(gone.values())} gone, "
          f"{sum(added.values())} new", file=sys.stderr)
    return 1 if gone or added else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    take = commands.add_parser("snapshot")
    take.add_argument("out", type=Path)
    take.add_argument("--big", type=float, default=None, help="also a synthetic file of this many MB")
    versus = commands.add_parser("compare")
    versus.add_argument("before", type=Path)
    versus.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "snapshot":
        return snapshot(args.out, args.big)
    return compare(args.before, args.after)


if __name__ == "__main__":
    raise SystemExit(main())
