"""A container of records validated whole reports what lxml reports record by record.

The helper thread that parses a big file's pieces validates each piece whole with lxml's
``XMLSchema`` and places every error in its record from libxml2's path of the node
(``schema.place_errors``). For every error that must give the record, line, column, libxml2's path
below the record and message that ``XMLSchema.validate`` gives for that record validated alone: on
every official schema test (both versions of every should-fail file), the official examples and
every real file, in containers of one, seven and 32 records. ``chunk_hits`` then gives the hits the
record-by-record check gives, and falls back to it when an error cannot be placed.
"""

from __future__ import annotations

import copy
from pathlib import Path

from lxml import etree

from conftest import EXAMPLE_ACTIVITY, EXAMPLE_ORGANISATION, SCHEMA_TESTS, real_files
from iaticonv.validate.context import Chunk, RecordContext, ValidateOptions
from iaticonv.validate.layers import schema

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, load_dtd=False)
RECORDS = {"iati-activities": ("iati-activity", "activity"),
           "iati-organisations": ("iati-organisation", "organisation")}
Error = tuple[int, int, int, str, str]


def _sources() -> list[Path]:
    return [EXAMPLE_ACTIVITY, EXAMPLE_ORGANISATION, *real_files(), *sorted(SCHEMA_TESTS.rglob("*.xml"))]


def _records(path: Path) -> tuple[str, str, list[etree._Element]] | None:
    try:
        root = etree.parse(str(path), _PARSER).getroot()
    except etree.XMLSyntaxError:
        return None
    if root.tag not in RECORDS:
        return None
    version = root.get("version") if root.get("version") in ("2.01", "2.02", "2.03") else "2.03"
    return str(root.tag), str(version), list(root.iterfind(RECORDS[str(root.tag)][0]))


def _containers(root_tag: str, records: list[etree._Element], size: int) -> list[etree._Element]:
    out: list[etree._Element] = []
    for start in range(0, len(records), size):
        container = etree.Element(root_tag)
        for record in records[start:start + size]:
            container.append(copy.deepcopy(record))
        out.append(container)
    return out


def _by_lxml(lxml_schema: etree.XMLSchema, container: etree._Element) -> list[Error]:
    found: list[Error] = []
    for index, record in enumerate(container):
        if lxml_schema.validate(record):
            continue
        for error in lxml_schema.error_log:  # type: ignore[attr-defined]
            path = error.path or ""
            step = "/" + str(record.tag)
            assert path.startswith(step)
            found.append((index, error.line, error.column, path[len(step):], error.message))
    return found


def _chunk(path: Path, root_tag: str, version: str, container: etree._Element) -> Chunk:
    step, kind = RECORDS[root_tag]
    options = ValidateOptions()
    contexts = [RecordContext(element=element, kind=kind, position=i + 1, identifier="x",  # type: ignore[arg-type]
                              version=version, file=str(path), options=options) for i, element in enumerate(container)]
    return Chunk(root=container, records=contexts, kind=kind, version=version, options=options,  # type: ignore[arg-type]
                 record_step=step)


def test_every_error_of_every_file_is_placed_as_lxml_places_it() -> None:
    checked_errors = checked_files = 0
    for path in _sources():
        read = _records(path)
        if read is None or not read[2]:
            continue
        root_tag, version, records = read
        lxml_schema = schema.load_schema(root_tag, version)
        whole = schema.piece_check(root_tag, version, RECORDS[root_tag][0])
        for size in (1, 7, 32):
            for container in _containers(root_tag, records, size):
                placed = whole(container)
                assert placed == _by_lxml(lxml_schema, container), f"{path.name}, chunks of {size}"
                checked_errors += len(placed)
        checked_files += 1
    assert checked_files > 600
    assert checked_errors > 1000


def test_placed_errors_give_the_record_by_record_hits() -> None:
    compared = 0
    for path in [EXAMPLE_ACTIVITY, *sorted(SCHEMA_TESTS.rglob("*.xml"))[:200], *real_files()[:6]]:
        read = _records(path)
        if read is None or not read[2]:
            continue
        root_tag, version, records = read
        whole = schema.piece_check(root_tag, version, RECORDS[root_tag][0])
        for container in _containers(root_tag, records, 32):
            chunk = _chunk(path, root_tag, version, container)
            placed = schema.chunk_hits(chunk, whole(container))
            assert placed == schema.chunk_hits(chunk, None)
            compared += len(placed)
    assert compared > 50


def test_errors_on_the_container_itself_are_left_out() -> None:
    """A piece's container has no ``version`` here (the file's root is checked on its own): no error
    of its own is reported, while an error inside the record still is."""
    container = etree.fromstring(b"<iati-activities><iati-activity><bogus/></iati-activity></iati-activities>")
    placed = schema.piece_check("iati-activities", "2.03", "iati-activity")(container)
    assert placed is not None
    assert placed == _by_lxml(schema.load_schema("iati-activities", "2.03"), container)
    assert [index for index, *_rest in placed] == [0]
    assert "bogus" in placed[0][-1]
    assert not schema.load_schema("iati-activities", "2.03").validate(container)  # the container alone fails


def test_an_error_outside_every_record_is_not_placed() -> None:
    """An error on an element that is no record cannot be placed: None, and the walker validates that
    piece record by record. An error on the container's attributes is the container's own (libxml2
    reports it on the element): left out, as the file's root is checked on its own."""
    check = schema.piece_check("iati-activities", "2.03", "iati-activity")
    other = etree.fromstring(b'<iati-activities version="2.03"><iati-activity/><other-element/></iati-activities>')
    assert check(other) is None
    attribute = etree.fromstring(b'<iati-activities version="2.03" bogus="1"><iati-activity/></iati-activities>')
    placed = check(attribute)
    assert placed == _by_lxml(schema.load_schema("iati-activities", "2.03"), attribute)
    assert placed is not None and len(placed) == 1 and "bogus" not in placed[0][-1]
