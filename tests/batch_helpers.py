"""Corpora for the batch tests, generated in temporary folders from ``../shared/real-iati``.

``bench/corpus.py`` does the stamping (real activities, unique identifiers); this module adds the
broken files a batch must survive: one truncated mid-element and one that is not XML at all.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from corpus import activity_templates, write_big_file, write_small_files

__all__ = ["Corpus", "activity_templates", "identifiers", "make_corpus", "write_big_file"]


@dataclass(frozen=True, slots=True)
class Corpus:
    folder: Path
    good: list[Path]
    truncated: Path
    not_xml: Path

    @property
    def files(self) -> list[Path]:
        return sorted([*self.good, self.truncated, self.not_xml])


def make_corpus(folder: Path, count: int = 200) -> Corpus:
    """``count`` files: ``count - 2`` good one-activity 2.03 files, one truncated, one not XML."""
    paths = write_small_files(folder, count, per_file=1)
    truncated, not_xml = paths[7], paths[-1]
    data = truncated.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    not_xml.write_bytes(b"Project Number,Title\nA1,this is a CSV export saved with the wrong name\n")
    good = [p for p in paths if p not in (truncated, not_xml)]
    return Corpus(folder, good, truncated, not_xml)


def identifiers(path: Path) -> list[str]:
    """The activity identifiers of an IATI file, in document order (a full parse: small files only)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    root = etree.parse(str(path), parser).getroot()
    return [(a.findtext("iati-identifier") or "").strip() for a in root.iterfind("iati-activity")]
