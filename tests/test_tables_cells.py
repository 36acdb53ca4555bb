"""Cell encoding: formulas neutralised, empty vs absent, kept values — and every value comes back exactly.

Property tests drive arbitrary text through the encoding and through whole CSV/XLSX round trips of a
real activity whose texts, codes and amounts are replaced by generated ones.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REAL_IATI
from iaticonv.errors import InputError
from iaticonv.formats.iati_xml.xml_io import IatiXmlReader
from iaticonv.formats.tables import TablesReader, TablesWriter, layout
from iaticonv.formats.tables._build import Builder, SourceRow
from iaticonv.formats.tables._cells import cell_text, decode, encode, encode_typed
from iaticonv.model import DATE, DECIMAL, Activity

# text XML 1.0 can carry (what an IATI file can hold)
XML_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff"
                                 + "".join(chr(c) for c in range(1, 32) if chr(c) not in "\t\n\r")))
FORMULA_START = ("=", "+", "@", "\t", "\r")


@given(XML_TEXT)
def test_encode_then_decode_gives_back_the_value(value: str) -> None:
    assert decode(encode(value)) == value
    assert decode(encode(value, nullable=False), nullable=False) == value


@given(XML_TEXT)
def test_no_cell_starts_like_a_formula(value: str) -> None:
    cell = encode(value)
    assert cell is None or not cell.startswith(FORMULA_START)
    if cell is not None and cell.startswith("-"):
        Decimal(cell)  # only a plain negative number may start with '-'


def test_examples_of_the_documented_rules() -> None:
    assert encode("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert encode("-5") == "-5" and encode("-5.25") == "-5.25" and encode("-1+1") == "'-1+1"
    assert encode("") == "'" and decode("'") == "" and decode(None) is None
    assert encode("'=x") == "''=x" and decode("''=x") == "'=x"
    assert encode("'tis") == "'tis" and decode("'tis") == "'tis"
    assert encode_typed(DECIMAL, "1.000,00") == "~1.000,00"
    assert encode_typed(DECIMAL, Decimal("-12.50")) == "-12.50"
    assert encode_typed(DATE, "2011-07-20Z") == "2011-07-20Z"  # valid xsd:date, kept unmarked
    assert encode_typed(DATE, "20/07/2011") == "~20/07/2011"


def test_spreadsheet_cell_types_become_text() -> None:
    assert cell_text(4000.5) == "4000.5"
    assert cell_text(3.0) == "3"
    assert cell_text(12) == "12"
    assert cell_text(True) == "true"
    assert cell_text(dt.datetime(2014, 12, 30)) == "2014-12-30"
    assert cell_text(dt.datetime(2014, 12, 30, 8, 15)) == "2014-12-30T08:15:00"
    assert cell_text(dt.date(2014, 1, 2)) == "2014-01-02"


@given(XML_TEXT)
def test_typed_columns_round_trip_any_kept_text(value: str) -> None:
    table = layout().by_name["transaction"]
    column = next(c for c in table.columns if c.header == "value")
    builder = Builder(layout(), lambda name: name)
    row = SourceRow(2, ())
    back = builder._value(table, row, column, encode_typed(column.field.scalar, value) or "")  # type: ignore[union-attr]
    expected = DECIMAL.parse(value)
    assert back == expected or (value == "" and back in ("", None))


def test_an_unmarked_invalid_number_is_an_error() -> None:
    table = layout().by_name["transaction"]
    column = next(c for c in table.columns if c.header == "value")
    builder = Builder(layout(), lambda name: f"book.xlsx (sheet {name})")
    with pytest.raises(InputError) as caught:
        builder._value(table, SourceRow(7, ()), column, "12,5")
    assert str(caught.value).startswith("book.xlsx (sheet transaction), row 7, column 'value':")
    assert caught.value.hint is not None and "~" in caught.value.hint


FCDO = REAL_IATI / "fcdo-activity.xml"


def _activity() -> Activity:
    return next(IatiXmlReader(FCDO).records())


BASE = _activity()


def _mutated(title: str, other: str, code: str, amount: str, attr: str) -> Activity:
    activity = copy.deepcopy(BASE)
    assert activity.title is not None and activity.transactions[0].value is not None
    activity.title.narratives = {"en": title, "fr": other, "": ""}
    activity.sectors[0].code = code
    activity.transactions[0].value.amount = DECIMAL.parse(amount)
    activity.transactions[1].ref = attr
    activity.extra_attrs["{http://example.org/ns}note"] = other
    activity.extras.append("<!-- " + title.replace("--", "- -").rstrip("-") + " -->")
    return activity


@pytest.mark.parametrize("container", ["folder", "book.xlsx"])
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=XML_TEXT, other=XML_TEXT, code=XML_TEXT, amount=XML_TEXT, attr=XML_TEXT)
def test_generated_values_survive_a_whole_round_trip(tmp_path: Path, container: str, title: str, other: str,
                                                     code: str, amount: str, attr: str) -> None:
    activity = _mutated(title, other, code, amount, attr)
    target = tmp_path / container
    TablesWriter(overwrite=True).write_to(target, [activity], None)
    back = list(TablesReader(target).records())
    assert back == [activity]
