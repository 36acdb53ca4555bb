"""The compiled chunk validator (``layers._xsd_native``) reports what lxml reports record by record.

Where it is built, a chunk of records validated together by libxml2 without the GIL gives, for every
error, the record, line, column, libxml2's path below the record and message that lxml's
``XMLSchema.validate`` gives for that record validated alone: on every official schema test (both
versions of every should-fail file), the official examples and every real file, in chunks of one,
seven and 32 records. Run in the helper thread (``helper.start``), ``prepare_chunk`` gives the same hits
as the record-by-record check, and the validator declines what it cannot place.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from lxml import etree

from conftest import EXAMPLE_ACTIVITY, EXAMPLE_ORGANISATION, SCHEMA_TESTS, real_files
from iaticonv.validate import helper
from iaticonv.validate.context import Chunk, RecordContext, ValidateOptions
from iaticonv.validate.layers import schema

pytestmark = pytest.mark.skipif(schema.native_module() is None,
                                reason="the compiled chunk validator is not built here")

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


def _chunks(root_tag: str, records: list[etree._Element], size: int) -> list[etree._Element]:
    out: list[etree._Element] = []
    for start in range(0, len(records), size):
        container = etree.Element(root_tag)
        for record in records[start:start + size]:
            container.append(copy.deepcopy(record))
        out.append(container)
    return out


def _by_lxml(lxml_schema: etree.XMLSchema, chunk: etree._Element) -> list[Error]:
    found: list[Error] = []
    for index, record in enumerate(chunk):
        if lxml_schema.validate(record):
            continue
        for error in lxml_schema.error_log:  # type: ignore[attr-defined]
            path = error.path or ""
            step = "/" + str(record.tag)
            assert path.startswith(step)
            found.append((index, error.line, error.column, path[len(step):], error.message))
    return found


def test_every_error_of_every_file_is_placed_as_lxml_places_it() -> None:
    checked_errors = checked_files = 0
    for path in _sources():
        read = _records(path)
        if read is None or not read[2]:
            continue
        root_tag, version, records = read
        lxml_schema = schema.load_schema(root_tag, version)
        compiled = schema._chunk_schema(None, root_tag, version)
        for size in (1, 7, 32):
            for chunk in _chunks(root_tag, records, size):
                placed = compiled.validate(chunk)
                assert placed == _by_lxml(lxml_schema, chunk), f"{path.name}, chunks of {size}"
                checked_errors += len(placed)
        checked_files += 1
    assert checked_files > 600
    assert checked_errors > 1000


def test_the_helper_thread_gives_the_record_by_record_hits() -> None:
    options = ValidateOptions()
    compared = 0
    for path in [EXAMPLE_ACTIVITY, *sorted((SCHEMA_TESTS).rglob("*.xml"))[:200], *real_files()[:6]]:
        read = _records(path)
        if read is None or not read[2]:
            continue
        root_tag, version, records = read
        step, kind = RECORDS[root_tag]
        for container in _chunks(root_tag, records, 32):
            contexts = [RecordContext(element=element, kind=kind, position=i + 1, identifier="x", version=version,  # type: ignore[arg-type]
                                      file=str(path), options=options) for i, element in enumerate(container)]
            chunk = Chunk(root=container, records=contexts, kind=kind, version=version, options=options,  # type: ignore[arg-type]
                          record_step=step)
            walk, hits = schema.prepare_chunk(chunk)
            assert walk is not None
            job = helper.start([walk])
            job.join()
            threaded = hits()
            assert threaded == schema._record_by_record(chunk)
            compared += len(threaded)
    assert compared > 50


def test_a_chunk_that_is_not_its_document_root_is_declined() -> None:
    root = etree.fromstring(b'<iati-activities version="2.03"><wrap><iati-activities><iati-activity/>'
                            b"</iati-activities></wrap></iati-activities>")
    inner = root[0][0]
    assert schema._chunk_schema(None, "iati-activities", "2.03").validate(inner) is None


def test_errors_on_the_container_itself_are_left_out() -> None:
    """A chunk's container has no ``version`` (the file's root is checked on its own): no error of its
    own is reported, while an error inside the record still is."""
    container = etree.fromstring(b"<iati-activities><iati-activity><bogus/></iati-activity></iati-activities>")
    placed = schema._chunk_schema(None, "iati-activities", "2.03").validate(container)
    assert placed is not None
    assert placed == _by_lxml(schema.load_schema("iati-activities", "2.03"), container)
    assert [index for index, *_rest in placed] == [0]
    assert "bogus" in placed[0][-1]
    assert not schema.load_schema("iati-activities", "2.03").validate(container)  # the container alone fails


def test_a_check_that_never_ran_is_not_taken_for_a_clean_one() -> None:
    """Results are read only from a run that happened: a prepared check nobody ran gives None (the
    caller then validates record by record), not an empty list."""
    container = etree.fromstring(b"<iati-activities><iati-activity><bogus/></iati-activity></iati-activities>")
    run = schema._chunk_schema(None, "iati-activities", "2.03").run(container)
    assert run.placed() is None
    job = helper.start([run])
    job.join()
    placed = run.placed()
    assert placed is not None and len(placed) == 1
