"""The converter's fast paths give exactly what the plain rules give (issue 3, speed work).

The speed work replaced a few general operations by cheaper equivalents: scalar parsers that skip
the print-back check when the text's shape proves it, ``in`` scans instead of character-class
regexes for escaping and for characters XML cannot carry, and record errors whose field path is
only spelled out when something is wrong. Each is checked here against the plain rule it stands
for, on every value of the real files and on generated text.
"""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import EXAMPLE_ACTIVITY, real_files
from iaticonv.errors import InputError
from iaticonv.formats.iati_xml._typed_write import (
    _ATTR_TABLE,
    _TEXT_TABLE,
    escape_attr,
    escape_text,
    first_invalid_char,
)
from iaticonv.formats.iati_xml.xml_io import IatiXmlWriter
from iaticonv.formats.records.record import node_from_record
from iaticonv.model import DATE, DATETIME, DECIMAL, STR, Activity, Narrated
from iaticonv.model._scalars import exact_parser

SCALARS = (STR, DATE, DECIMAL, DATETIME)
INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _same(scalar: Any, raw: str) -> None:
    plain, fast = scalar.parse(raw), exact_parser(scalar)(raw)
    assert type(fast) is type(plain) and fast == plain and str(fast) == str(plain), (scalar.name, raw)


@pytest.fixture(scope="module")
def real_values() -> set[str]:
    """Every attribute value and text of the official example and the real files."""
    values: set[str] = set()
    for path in [EXAMPLE_ACTIVITY, *real_files()]:
        for element in etree.parse(str(path), parser=etree.XMLParser(resolve_entities=False)).iter():
            values.update(str(value) for value in element.attrib.values())
            if element.text is not None:
                values.add(element.text)
    return values


def test_exact_parsers_agree_on_every_real_value(real_values: set[str]) -> None:
    assert len(real_values) > 10_000
    typed = 0
    for raw in real_values:
        for scalar in SCALARS:
            _same(scalar, raw)
        typed += isinstance(exact_parser(DATE)(raw), date) + isinstance(exact_parser(DECIMAL)(raw), Decimal)
    assert typed > 1000  # the fast branches were exercised, not only the fallbacks


_DIGITS = "0123456789"


def _digits(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=_DIGITS, min_size=min_size, max_size=max_size)


@settings(max_examples=600)
@given(st.one_of(
    st.text(alphabet="0123456789-.+eE:TZW ", max_size=14),
    st.tuples(st.sampled_from(["", "-", "+"]), _digits(1, 6), st.sampled_from(["", "."]), _digits(0, 4)).map("".join),
    st.tuples(_digits(4, 4), _digits(2, 2), _digits(2, 2)).map("-".join),
    st.text(max_size=12),
))
def test_exact_parsers_agree_on_generated_text(raw: str) -> None:
    for scalar in SCALARS:
        _same(scalar, raw)


@settings(max_examples=600)
@given(st.text(alphabet=st.sampled_from(list("&<>\"'\r\n\t ab\u00e9\x01\ufffe")), max_size=20))
def test_escapes_and_invalid_characters_match_the_regex_rules(value: str) -> None:
    assert escape_text(value) == (value.translate(_TEXT_TABLE) if re.search(r"[&<>\r]", value) else value)
    assert escape_attr(value) == (value.translate(_ATTR_TABLE) if re.search(r"[&<>\"\r\n\t]", value) else value)
    found = INVALID.search(value)
    assert first_invalid_char(value) == (found.group() if found else None)


def test_writer_names_the_first_character_xml_cannot_carry() -> None:
    activity = Activity(iati_identifier="XM-TEST-1", title=Narrated(narratives={"en": "ok\ufffe then \x01"}))
    with pytest.raises(InputError) as caught:
        IatiXmlWriter().write(io.BytesIO(), [activity])
    assert "'\\ufffe'" in str(caught.value) and "XM-TEST-1" in str(caught.value)


@pytest.mark.parametrize(("record", "field", "message"), [
    ([1], "activities[7]", "expected an object, got list"),
    ({"budgets": [{}, {"value": {"amount": []}}]}, "activities[7].budgets[1].value.amount",
     "expected decimal text, got list []"),
    ({"results": [{"indicators": [{"periods": [{}, {}, {"targets": [{"bogus": 1}]}]}]}]},
     "activities[7].results[0].indicators[0].periods[2].targets[0].bogus", "unknown field 'bogus'"),
    ({"contact_infos": [{"emails": ["a@b.org", 5]}]}, "activities[7].contact_infos[0].emails[1]",
     "expected string text, got int 5"),
    ({"title": {"extras": ["<!-- fine -->", "<a"]}}, "activities[7].title.extras[1]", "not well-formed"),
    ({"order": ["title", "nope"]}, "activities[7].order[1]", "order entries are field names"),
    ({"title": {"narratives": {"en": 3}}}, "activities[7].title.narratives", "narratives must be an object"),
    ({"sectors": {"code": "1"}}, "activities[7].sectors", "expected a list, got dict"),
])
def test_record_errors_name_the_full_field_path(record: Any, field: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        node_from_record(Activity, record, "activities[7]", "in.json")
    assert caught.value.field == field and message in caught.value.message
    assert str(caught.value.file) == "in.json"


def test_record_error_at_the_top_without_a_path_names_the_class() -> None:
    with pytest.raises(InputError) as caught:
        node_from_record(Activity, "text")
    assert caught.value.field == "Activity"
