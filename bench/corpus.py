"""Synthetic IATI corpora built from the real published files in ``../shared/real-iati``.

Benchmarks and the batch tests need many files, or very big ones, whose activities look like real
data. This module takes every ``iati-activity`` of the real 2.01–2.03 activity files, serialises it
once with a placeholder in its identifier, and stamps out copies whose identifiers are unique
(``<original>-<n>``) so duplicate-identifier checks stay quiet unless a test wants them. Nothing here
is copied into the repository: the files are generated into a temporary folder on demand.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

__all__ = ["Template", "activity_templates", "ensure_standard", "write_big_file", "write_small_files"]

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("IATICONV_SHARED", ROOT.parent / "shared")).resolve()
REAL_IATI = SHARED / "real-iati"
MARK = "@@SERIAL@@"


def ensure_standard() -> None:
    """Use the installed IATI Standard, or install it from ``../shared`` into a temporary store."""
    import tempfile

    from iaticonv.errors import StandardMissingError
    from iaticonv.standard import install, require_store

    try:
        require_store()
    except StandardMissingError:
        os.environ["IATICONV_HOME"] = tempfile.mkdtemp(prefix="iaticonv-bench-")
        install(str(SHARED / "iati-standard"))


@dataclass(frozen=True, slots=True)
class Template:
    """One real activity as text, with ``MARK`` where its identifier goes, and the root it came from."""

    source: str
    version: str
    text: str

    def stamp(self, suffix: str) -> str:
        return self.text.replace(MARK, suffix)


def activity_templates(folder: Path = REAL_IATI) -> list[Template]:
    """Every activity of the activity files in ``folder`` (sorted by file name), as templates."""
    found: list[Template] = []
    for path in sorted(folder.glob("*.xml")):
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
        root = etree.parse(str(path), parser).getroot()
        if root.tag != "iati-activities":
            continue
        version = root.get("version") or "2.03"
        for activity in root.iterfind("iati-activity"):
            ident = activity.find("iati-identifier")
            if ident is None or not (ident.text or "").strip():
                continue
            ident.text = (ident.text or "").strip() + "-" + MARK
            activity.tail = "\n"
            text = etree.tostring(activity, encoding="unicode")
            found.append(Template(source=path.name, version=version, text=text))
    return found


def _document(version: str, activities: list[str]) -> bytes:
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="{version}">\n'
    return (head + "".join(activities) + "</iati-activities>\n").encode("utf-8")


def write_small_files(
    folder: Path, count: int, *, per_file: int = 3, prefix: str = "f", version: str = "2.03"
) -> list[Path]:
    """``count`` files of ``per_file`` activities of one ``version``, identifiers unique across all files."""
    group = [t for t in activity_templates() if t.version == version]
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    serial = itertools.count(1)
    for index in range(count):
        picks = [group[(index + k) % len(group)] for k in range(per_file)]
        body = [template.stamp(f"{prefix}{next(serial)}") for template in picks]
        path = folder / f"{prefix}{index:04d}.xml"
        path.write_bytes(_document(version, body))
        paths.append(path)
    return paths


def _stream(templates: list[Template]) -> Iterator[str]:
    for serial in itertools.count(1):
        yield templates[serial % len(templates)].stamp(f"b{serial}")


def write_big_file(path: Path, megabytes: float, *, version: str = "2.03") -> int:
    """One ``version`` activity file of about ``megabytes`` MB, written as a stream; returns its activity count."""
    templates = [t for t in activity_templates() if t.version == version]
    limit = int(megabytes * 1024 * 1024)
    written = 0
    activities = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        head = f'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="{version}">\n'.encode()
        handle.write(head)
        written += len(head)
        for text in _stream(templates):
            data = text.encode("utf-8")
            handle.write(data)
            written += len(data)
            activities += 1
            if written >= limit:
                break
        handle.write(b"</iati-activities>\n")
    return activities
