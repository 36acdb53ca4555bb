"""Locating findings: the cached sibling positions give exactly the paths counted one by one.

``locate.relative_path`` caches a record's child positions (a speed-up for records with many
findings); every element of every real file must get the same path with and without the cache,
and the path must select that very element.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from conftest import EXAMPLE_ACTIVITY, real_files
from iaticonv._xml import parse_file
from iaticonv.validate.locate import relative_path

FILES = [*real_files(), EXAMPLE_ACTIVITY]


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_cached_positions_give_the_counted_paths(path: Path) -> None:
    root = parse_file(path).getroot()
    checked = 0
    for record in root:
        if not isinstance(record.tag, str):
            continue
        positions: dict[etree._Element, dict[etree._Element, int]] = {}
        for element in record.iter():
            if not isinstance(element.tag, str) or element is record:
                continue
            cached = relative_path(element, record, positions)
            assert cached == relative_path(element, record), (path.name, cached)
            prefixes = {prefix: uri for prefix, uri in element.nsmap.items() if prefix}  # foreign steps
            assert record.xpath("." + cached, namespaces=prefixes) == [element]
            checked += 1
    assert checked > 0
