"""The formats table declares what each format's reader takes and whether big files of it can be cut into
ranges and their parts joined; the code that acts on it holds no list of format names of its own."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT, real_files
from iaticonv.batch._convert_ranges import CUTTERS, FRAMES
from iaticonv.formats import FORMATS, format_info
from iaticonv.formats.base import open_reader


def test_the_cutting_and_joining_mechanics_cover_exactly_the_declared_formats() -> None:
    assert set(CUTTERS) == {name for name, info in FORMATS.items() if info.cuttable}
    assert set(FRAMES) == {name for name, info in FORMATS.items() if info.joinable}


def test_a_reader_gets_only_the_options_its_format_declares() -> None:
    """One set of options for every input of a batch: the GAC reader ignores ``upgrade``, the IATI
    XML reader honours it (a 2.01 file stays 2.01 with ``upgrade=False``)."""
    csv = open_reader(format_info("gac-csv"), ROOT / "samples" / "gac-project-browser.csv", upgrade=False)
    assert [record.iati_identifier for record in csv.records()]
    old = next(path for path in real_files() if b'version="2.01"' in path.read_bytes()[:4096])
    kept = open_reader(format_info("iati-xml"), Path(old), upgrade=False)
    upgraded = open_reader(format_info("iati-xml"), Path(old), upgrade=True)
    assert kept.header().version == "2.01"
    assert upgraded.header().version == "2.03"


def test_every_reader_and_writer_in_the_table_has_the_shared_interface() -> None:
    """The table's "module:attribute" entries load, and what they build has the Reader/Writer protocol."""
    from iaticonv.formats.base import Reader, Writer, open_writer

    samples = {"gac-csv": ROOT / "samples" / "gac-project-browser.csv",
               "gac-profile": ROOT / "samples" / "gac-profile-invented.txt",
               "iati-xml": next(path for path in real_files() if path.suffix == ".xml")}
    for name, info in FORMATS.items():
        if info.writer is not None:
            assert isinstance(open_writer(info), Writer), name
        if info.reader is not None and name in samples:
            assert isinstance(open_reader(info, samples[name]), Reader), name
