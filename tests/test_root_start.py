"""``_xml.root_start`` reads a file's root start tag as ``iterparse`` does, and leaves little behind.

The walker reads each file's (and each range's) root start tag first. ``root_start`` feeds a pull
parser a few kB at a time instead of starting an ``iterparse``: the same element (name, attributes,
namespaces, line) or the same error, with the same words, on every real file, every official schema
test and a set of broken files; and the reference cycle lxml's parser leaves holds a few elements, not
a whole read block. ``_collector`` defers full collections while a file is walked and puts the
thresholds back.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from lxml import etree

from conftest import EXAMPLE_ACTIVITY, EXAMPLE_ORGANISATION, REAL_IATI, SCHEMA_TESTS, real_files
from iaticonv._xml import HEAD_BLOCK, iterparse, root_start
from iaticonv.validate._collector import DEFERRED, full_collections_deferred

Seen = tuple[str, ...] | tuple[object, ...]


def _by_iterparse(path: Path) -> Seen:
    try:
        for _event, element in iterparse(path, events=("start",)):
            return ("element", element.tag, dict(element.attrib), dict(element.nsmap), element.sourceline)
    except etree.XMLSyntaxError as exc:
        return ("error", type(exc).__name__, str(exc), exc.position)
    return ("nothing",)


def _by_root_start(path: Path) -> Seen:
    try:
        element = root_start(path)
    except etree.XMLSyntaxError as exc:
        return ("error", type(exc).__name__, str(exc), exc.position)
    return ("element", element.tag, dict(element.attrib), dict(element.nsmap), element.sourceline)


def test_every_official_and_real_file_starts_the_same() -> None:
    paths = [EXAMPLE_ACTIVITY, EXAMPLE_ORGANISATION, *real_files(), *sorted(SCHEMA_TESTS.rglob("*.xml"))]
    assert len(paths) > 700
    for path in paths:
        assert _by_root_start(path) == _by_iterparse(path), path


LONG = "x" * (HEAD_BLOCK * 2)
BROKEN = {
    "empty": b"",
    "garbage": b"\x00\x01\x02 not xml",
    "only a declaration": b'<?xml version="1.0"?>\n',
    "cut in the root tag": b'<?xml version="1.0"?>\n<iati-activities version="2.0',
    "entity declared": b'<!DOCTYPE a [<!ENTITY e "x">]>\n<iati-activities version="2.03"/>',
    "external DTD": b'<!DOCTYPE a SYSTEM "http://example.invalid/a.dtd">\n<iati-activities/>',
    "root tag across blocks": f'<?xml version="1.0"?>\n<!--{LONG}-->\n<iati-activities a="{LONG}">'
                              "<iati-activity/></iati-activities>".encode(),
    "utf-8 bom": b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?>\r\n<iati-activities version="2.03"/>',
    "utf-16": '<?xml version="1.0" encoding="UTF-16"?>\n<iati-activities version="2.03"/>'.encode("utf-16"),
    "latin-1 attribute": '<?xml version="1.0" encoding="ISO-8859-1"?>\n<iati-activities a="é"/>'.encode("latin-1"),
    "bad attribute": b'<iati-activities version="2.03" version="2.02"/>',
}


@pytest.mark.parametrize("name", BROKEN)
def test_odd_and_broken_files_start_the_same(tmp_path: Path, name: str) -> None:
    path = tmp_path / "odd.xml"
    path.write_bytes(BROKEN[name])
    assert _by_root_start(path) == _by_iterparse(path)


def _left_behind(read: object) -> int:
    """Elements only a full collection frees after ``read`` ran on the file."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        read()  # type: ignore[operator]
        gc.collect()
        return sum(isinstance(item, etree._Element) for item in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


def test_the_root_start_leaves_a_few_elements_not_a_read_block() -> None:
    path = REAL_IATI / "beis-activity.xml"

    def by_iterparse() -> None:
        for _event, _element in iterparse(path, events=("start",)):
            return

    def by_root_start() -> None:
        root_start(path)

    by_blocks, whole_block = _left_behind(by_root_start), _left_behind(by_iterparse)
    assert whole_block > 300  # lxml's read block: every element of the first 32 kB
    assert by_blocks * 10 <= whole_block


def test_full_collections_wait_and_the_thresholds_come_back() -> None:
    before = gc.get_threshold()
    with full_collections_deferred():
        assert gc.get_threshold() == (before[0], before[1], DEFERRED)
        with full_collections_deferred():  # nested: the outer setting stays
            pass
        assert gc.get_threshold()[2] == DEFERRED
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), full_collections_deferred():
        raise RuntimeError("a walk that fails")
    assert gc.get_threshold() == before
