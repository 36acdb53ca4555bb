"""Locating findings: the positional path of every element of every real file selects that element.

``_locate.relative_path`` takes libxml's path and puts back the ``[1]`` it leaves out (counting
same-named siblings in Python only for namespaced steps); whatever a check blames (an
element deep in a result, a narrative under a foreign element), the XPath in its finding must lead
back to exactly that element, or a publisher cannot find the problem.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLE_ACTIVITY, real_files
from iaticonv._xml import parse_file
from iaticonv.validate._locate import _counted_path, relative_path

FILES = [*real_files(), EXAMPLE_ACTIVITY]


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_every_element_path_selects_that_element(path: Path) -> None:
    root = parse_file(path).getroot()
    checked = 0
    for record in root:
        if not isinstance(record.tag, str):
            continue
        for element in record.iter():
            if not isinstance(element.tag, str) or element is record:
                continue
            found = relative_path(element, record)
            prefixes = {prefix: uri for prefix, uri in element.nsmap.items() if prefix}  # foreign steps
            assert record.xpath("." + found, namespaces=prefixes) == [element], (path.name, found)
            # libxml's path with [1] put back is the same text as counting siblings in Python
            assert found == _counted_path(element, record), (path.name, found)
            checked += 1
    assert checked > 0


def test_foreign_steps_and_only_children_are_counted_as_before() -> None:
    """Steps libxml writes its own way (a prefix, a default namespace) and only children of their
    name get the same path as the Python count: ``[1]`` everywhere, foreign names as before."""
    from lxml import etree

    root = etree.fromstring(
        b'<iati-activities xmlns:x="http://x"><iati-activity><title><narrative/></title>'
        b'<x:note><x:line/><narrative/></x:note><y xmlns="http://y"><narrative/></y>'
        b"<sector/><sector><narrative/><narrative/></sector></iati-activity></iati-activities>"
    )
    record = root[0]
    for element in record.iter():
        if element is not record:
            assert relative_path(element, record) == _counted_path(element, record)
    assert relative_path(record[4][1], record) == "/sector[2]/narrative[2]"
    assert relative_path(record[0][0], record) == "/title[1]/narrative[1]"
    assert relative_path(record[1][1], record) == "/x:note[1]/narrative[1]"


def test_located_finding_is_the_keyword_constructors_finding() -> None:
    """The fast builder fills every slot: equal to, and as frozen and picklable as, ``Finding(...)``."""
    import dataclasses
    import pickle

    from iaticonv.validate.findings import Finding, located_finding

    values = {"rule_id": "9.27.1", "severity": "error", "category": "financial", "message": "m", "file": "f.xml",
              "line": 12, "column": None, "xpath": "/iati-activities/iati-activity[1]/@x", "identifier": "A-1",
              "value": "XYZ", "params": {"codelist": "Currency"}}
    fast = located_finding(**values)  # type: ignore[arg-type]
    assert fast == Finding(**values)  # type: ignore[arg-type]
    assert fast.source is None and fast.to_dict() == Finding(**values).to_dict()  # type: ignore[arg-type]
    assert pickle.loads(pickle.dumps(fast)) == fast
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.line = 3  # type: ignore[misc]
