"""GAC cell values: amounts, dates, percentages, budgets, policy markers, labels and formula neutralising."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iaticonv._paths import project_schemas
from iaticonv.errors import InputError
from iaticonv.formats.gac._common import (
    Budget,
    Marker,
    Where,
    duration_years,
    format_amount,
    format_date_long,
    identifier_from,
    parse_amount,
    parse_date,
    parse_percentage,
    split_items,
)
from iaticonv.formats.gac._labels import (
    format_budget,
    format_marker,
    gac_markers,
    label_for,
    parse_budget,
    parse_marker,
    parse_share,
    resolve,
)
from iaticonv.formats.gac._table import neutralise, unneutralise

W = Where("f.csv", line=7, row=5, column="X")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("$19,075,668.00", "19075668"), ("$1,234", "1234"), ("1234", "1234"), (" $75,000.50 ", "75000.5"),
     ("-$1,234.50", "-1234.5"), ("19,075,668 CAD", "19075668"), ("$0", "0")],
)
def test_amounts(text: str, expected: str) -> None:
    assert parse_amount(text, W) == Decimal(expected)


@pytest.mark.parametrize("text", ["$1,234.5x", "1,23,4", "$", "twelve", "1.234,56", "$1,234.", ""])
def test_bad_amounts_name_the_place(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_amount(text, W)
    assert (caught.value.file, caught.value.row, caught.value.column) == ("f.csv", 5, "X")
    assert "not an amount" in str(caught.value)


@given(st.decimals(min_value=-10**12, max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_amount_format_reads_back(value: Decimal) -> None:
    assert parse_amount(format_amount(value), W) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2011-07-20", dt.date(2011, 7, 20)), ("2011-07-20\t\t", dt.date(2011, 7, 20)),
     ("20/07/2011", dt.date(2011, 7, 20)), ("07/20/2011", dt.date(2011, 7, 20)),
     ("03/04/2017", dt.date(2017, 4, 3)), ("July 20, 2011", dt.date(2011, 7, 20)),
     ("Sept 5, 2011", None), ("5 September 2011", dt.date(2011, 9, 5)),
     ("2023-02-28 00:00:00", dt.date(2023, 2, 28)), ("2025-09-19T10:00:00-05:00", dt.date(2025, 9, 19))],
)
def test_dates(text: str, expected: dt.date | None) -> None:
    if expected is None:
        with pytest.raises(InputError):
            parse_date(text, W)
    else:
        assert parse_date(text, W) == expected


@pytest.mark.parametrize("text", ["31/02/2017", "2017-02-30", "13/13/2017", "yesterday", "2017", "February 30, 2017"])
def test_impossible_dates_are_errors(text: str) -> None:
    with pytest.raises(InputError, match="not a date"):
        parse_date(text, W)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_long_dates_read_back(value: dt.date) -> None:
    assert parse_date(format_date_long(value), W) == value


def test_percentages_and_items() -> None:
    assert parse_percentage("100.00%", W) == Decimal(100)
    assert parse_percentage("14.29", W) == Decimal("14.29")
    with pytest.raises(InputError, match="out of range"):
        parse_percentage("120%", W)
    assert split_items("Peru 50%; Chile 50%\nBolivia; ;") == ["Peru 50%", "Chile 50%", "Bolivia"]


def test_identifiers() -> None:
    assert identifier_from("A034224001", W) == "CA-3-A034224001"
    assert identifier_from("CA-3-A034224001", W) == "CA-3-A034224001"
    assert identifier_from("XM-DAC-41114-PROJECT-1", W) == "XM-DAC-41114-PROJECT-1"
    with pytest.raises(InputError, match="project number"):
        identifier_from("A03 4224001", W)


def test_duration_is_recomputed_like_the_page() -> None:
    assert duration_years(dt.date(2011, 7, 20), dt.date(2017, 12, 31)) == Decimal("6.5")


def test_shares_resolve_labels_and_codes() -> None:
    assert parse_share("Peru 100.00%", ("Country", "Region"), W)[1].code == "PE"
    assert parse_share("PE", ("Country",), W)[1].percentage is None
    codelist, share = parse_share("South America 20%", ("Country", "Region"), W)
    assert (codelist, share.code, share.percentage) == ("Region", "489", Decimal(20))
    sector = parse_share("Decentralisation and support to subnational government 100%", ("Sector",), W)[1]
    assert sector.code == "15112"


def test_unknown_label_suggests_the_nearest_codes() -> None:
    with pytest.raises(InputError) as caught:
        parse_share("Peruu 100%", ("Country",), W)
    assert caught.value.column == "X" and caught.value.hint is not None and "PE 'Peru'" in caught.value.hint
    with pytest.raises(InputError) as caught:
        resolve("AidType", "Donor countri personel", W)
    assert caught.value.hint is not None and "D01" in caught.value.hint


def test_gac_wording_resolves() -> None:
    assert resolve("ActivityStatus", "Operational", W) == "2"
    assert resolve("ActivityStatus", "Terminating", W) == "3"
    assert resolve("ActivityStatus", "Closed", W) == "4"
    assert resolve("FinanceType", "Aid grant excluding debt reorganisation", W) == "110"
    assert resolve("AidType", "Donor country personnel", W) == "D01"
    assert [label_for("ActivityStatus", c) for c in "234"] == ["Operational", "Terminating", "Closed"]


def test_markers_oecd_and_gac_vocabularies() -> None:
    assert parse_marker("Level 1 Gender equality", W) == Marker("1", "1", "1")
    assert parse_marker("Level 2 Participatory development and good governance", W) == Marker("1", "3", "2")
    assert parse_marker("Level 1 Children's issues", W) == Marker("99", "9", "1")
    assert parse_marker("Level 1 Youth Issues", W) == Marker("99", "10", "1")
    assert parse_marker("Level 1 Indigenous Issues", W) == Marker("99", "11", "1")
    # vocabulary-1 "Disability" (11) and GAC's own "Disability Issues" (99/12) must not be confused
    assert parse_marker("Level 0 Disability", W) == Marker("1", "11", "0")
    assert parse_marker("Level 2 Disability Issues", W) == Marker("99", "12", "2")
    assert parse_marker("Urban issues: Level 2", W) == Marker("99", "8", "2")
    assert parse_marker("Level 1 [99:15]", W) == Marker("99", "15", "1")
    with pytest.raises(InputError, match="not a known policy marker"):
        parse_marker("Level 1 Gender equalty", W)
    with pytest.raises(InputError, match="significance 7"):
        parse_marker("Level 7 Gender equality", W)
    with pytest.raises(InputError, match="not a policy marker line"):
        parse_marker("Gender equality", W)


@pytest.mark.parametrize("vocabulary", ["1", "99"])
def test_every_marker_wording_reads_back(vocabulary: str) -> None:
    codes = [*gac_markers(), "15"] if vocabulary == "99" else [str(c) for c in range(1, 13)]
    for code in codes:
        marker = Marker(vocabulary, code, "2")
        assert parse_marker(format_marker(marker), W) == marker


def test_marker_crosswalk_records_confirmed_and_inferred() -> None:
    data = json.loads((project_schemas() / "crosswalk" / "gac-policy-markers.json").read_text("utf-8"))
    status = {row["code"]: row["status"] for row in data["markers"]}
    assert status["8"] == status["10"] == "confirmed"
    assert {status[c] for c in ("9", "11", "12", "13")} == {"inferred"}
    assert data["vocabulary_uri"].endswith("data_field_definitions-definitions_champs_donnees.aspx?lang=eng#a2")


def test_budgets() -> None:
    budget = parse_budget("2010-04-01 to 2011-03-31 $19,075,668 CAD", W)
    assert budget == Budget(dt.date(2010, 4, 1), dt.date(2011, 3, 31), Decimal(19075668), "CAD")
    assert parse_budget("2010-2011: $5", W) == Budget(dt.date(2010, 4, 1), dt.date(2011, 3, 31), Decimal(5))
    assert parse_budget("FY2010-11 $5 USD", W).currency == "USD"
    assert parse_budget(format_budget(budget), W) == budget
    for bad in ("2010-2012 $5", "2011-03-31 to 2010-04-01 $5", "2010-04-01 to 2011-03-31 $1,234.5x", "soon"):
        with pytest.raises(InputError):
            parse_budget(bad, W)


@given(st.text(max_size=12))
def test_neutralise_is_safe_and_exact(text: str) -> None:
    written = neutralise(text)
    assert not written.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert unneutralise(written) == text
