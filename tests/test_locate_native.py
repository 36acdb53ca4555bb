"""The compiled finding path (``validate._locate_native``) equals the Python one on every element.

Where it is built, both give the positional path below each record for every element of every real
file and of the official examples (plain IATI elements, repeated siblings, extension elements with
and without a prefix, comments between siblings), and the compiled one declines a node outside its
record, which the Python count then handles.
"""

from __future__ import annotations

import pytest
from lxml import etree

from conftest import EXAMPLE_ACTIVITY, EXAMPLE_ORGANISATION, real_files
from iaticonv.validate._locate import _counted_path, _native_path, relative_path

pytestmark = pytest.mark.skipif(_native_path() is None, reason="the compiled finding path is not built here")

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, load_dtd=False)
RECORDS = {"iati-activities": "iati-activity", "iati-organisations": "iati-organisation"}

ODD = b"""<iati-activities version="2.03" xmlns:usg="urn:usg" xmlns="">
<iati-activity><iati-identifier>A</iati-identifier><usg:x/><usg:x><y/><y/></usg:x>
<z xmlns="urn:bare"><w/><w/></z><!-- c --><title/><title/><!-- c --><title><narrative/><narrative/></title>
</iati-activity></iati-activities>"""


def _records(path_or_bytes: object) -> list[etree._Element]:
    if isinstance(path_or_bytes, bytes):
        root = etree.fromstring(path_or_bytes, _PARSER)
    else:
        root = etree.parse(str(path_or_bytes), _PARSER).getroot()
    return list(root.iterfind(RECORDS.get(str(root.tag), "iati-activity")))


def test_every_element_of_every_record() -> None:
    native = _native_path()
    assert native is not None
    checked = 0
    for source in [*real_files(), EXAMPLE_ACTIVITY, EXAMPLE_ORGANISATION, ODD]:
        for record in _records(source):
            assert native(record, record) == relative_path(record, record) == ""
            for element in record.iterdescendants(tag=etree.Element):
                assert native(element, record) == relative_path(element, record) == _counted_path(element, record)
                checked += 1
    assert checked > 50_000


def test_namespaced_steps_are_written_as_the_python_count_writes_them() -> None:
    native = _native_path()
    assert native is not None
    record = _records(ODD)[0]
    paths = [native(element, record) for element in record.iter(tag=etree.Element)]
    assert "/usg:x[2]/y[2]" in paths and "/*[local-name()='z'][1]/*[local-name()='w'][2]" in paths
    assert "/title[3]/narrative[2]" in paths


def test_a_node_outside_the_record_is_declined() -> None:
    native = _native_path()
    assert native is not None
    first, other = _records(b"<iati-activities><iati-activity><a/></iati-activity>"
                            b"<iati-activity><b/></iati-activity></iati-activities>")
    assert native(other[0], first) is None
