"""Locating findings: the positional path of every element of every real file selects that element.

``locate.relative_path`` counts same-named siblings step by step; whatever a check blames (an
element deep in a result, a narrative under a foreign element), the XPath in its finding must lead
back to exactly that element, or a publisher cannot find the problem.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLE_ACTIVITY, real_files
from iaticonv._xml import parse_file
from iaticonv.validate.locate import relative_path

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
            checked += 1
    assert checked > 0
