"""Broken Project Browser tables (CSV and XLSX) through ``convert``: clear errors with row and column.

Every case starts from the invented sample export (which converts cleanly, checked first) and breaks
one thing. A refused input leaves no output; an input converted with reservations (percentages that
do not add up) writes the output and warns, naming the row (exit 0: nothing was lost).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hostile import records
from hostile.harness import cli, cli_subprocess
from hostile.zipbomb import xlsx_bomb


def _convert(path: Path, tmp_path: Path, suffix: str = ".xml") -> tuple[object, Path]:
    output = tmp_path / "out" / f"{path.stem}{suffix}"
    return cli("convert", path, "-o", output), output


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_unbroken_sample_converts(kind: str, tmp_path: Path) -> None:
    rows = records.table()
    path = (records.write_csv if kind == "csv" else records.write_xlsx)(tmp_path / f"sample.{kind}", rows)
    outcome = cli("convert", path, "-o", tmp_path / "sample.xml")
    assert outcome.code == 0, outcome.text
    assert f"{len(rows) - 1} activities" in outcome.err


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("case", sorted(records.BROKEN_TABLES))
def test_broken_table_is_refused_with_row_and_column(case: str, kind: str, tmp_path: Path) -> None:
    change, says = records.BROKEN_TABLES[case]
    rows = change(records.table())
    path = (records.write_csv if kind == "csv" else records.write_xlsx)(tmp_path / f"{case}.{kind}", rows)
    output = tmp_path / "out.xml"
    outcome = cli("convert", path, "-o", output)
    outcome.assert_clean_failure(str(path), *says)
    assert not output.exists()
    if case == "extra-cells":  # a CSV row is longer than its header; a sheet has a column without header
        assert ("the row has 28 cells but the header only 27 columns" if kind == "csv"
                else "cell 28 holds 'surplus' but its column has no header") in outcome.err
    if kind == "csv" and case == "duplicate-project-number":
        assert "line 4" in outcome.err  # the row's first line, after a description spanning two lines


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_percentages_not_adding_up_are_converted_and_reported(kind: str, tmp_path: Path) -> None:
    rows = records.table()
    rows[1][records.column(rows, "Country")] = "Kenya 55%; Uganda 40%"
    rows[2][records.column(rows, "DAC Sector")] = "Agricultural research 60%; Agricultural development 60%"
    path = (records.write_csv if kind == "csv" else records.write_xlsx)(tmp_path / f"shares.{kind}", rows)
    output = tmp_path / "shares.xml"
    outcome = cli("convert", path, "-o", output)
    outcome.assert_warned(str(path), "gac.percentages-not-100", "row 2, column 'Country/Region'",
                          "add up to 95%, not 100%", "row 3, column 'DAC Sector'", "add up to 120%")
    xml = output.read_text(encoding="utf-8")
    assert 'code="KE" percentage="55"' in xml and 'code="UG" percentage="40"' in xml  # as written


def test_xlsx_zip_bomb_is_refused_small_without_a_hang(tmp_path: Path) -> None:
    """1 MB whose shared-string table inflates to 260 MB: refused before any reader loads it."""
    path = xlsx_bomb(tmp_path / "bomb.xlsx", strings=1_200_000)
    for source in ("gac-xlsx", "tables"):
        output = tmp_path / f"{source}.xml"
        outcome = cli_subprocess("convert", path, "--from", source, "-o", output, timeout=60)
        outcome.assert_clean_failure(str(path), "xl/sharedStrings.xml inflates from",
                                     "to 259,200,115 bytes",
                                     "likely zip bomb")
        assert outcome.max_rss_mb < 200, outcome
        assert not output.exists()


def test_formula_cells_in_a_workbook_are_refused(tmp_path: Path) -> None:
    """A formula's result is not in the file unless a spreadsheet saved it: never read one as empty."""
    rows = records.table()
    path = records.write_xlsx(tmp_path / "formulas.xlsx", rows, {"C2": '=UPPER("solar")', "M3": "=1000*2"})
    output = tmp_path / "formulas.xml"
    outcome = cli("convert", path, "-o", output)
    outcome.assert_clean_failure(str(path), "row 2", "cell C2 holds a formula (=UPPER(\"solar\"))",
                                 "Paste Special")
    assert not output.exists()


def test_formula_text_in_a_csv_is_data_and_stays_text(tmp_path: Path) -> None:
    """In CSV a formula is only text: it is carried as the title, and neutralised again on the way out."""
    rows = records.table()
    title = '=HYPERLINK("http://example.invalid/x","click")'
    rows[1][records.column(rows, "Title")] = title
    path = records.write_csv(tmp_path / "formula.csv", rows)
    xml = tmp_path / "formula.xml"
    assert cli("convert", path, "-o", xml).code == 0
    assert "=HYPERLINK(&quot;http://example.invalid/x&quot;,&quot;click&quot;)" in xml.read_text(encoding="utf-8") \
        or '=HYPERLINK("http://example.invalid/x","click")' in xml.read_text(encoding="utf-8")
    back = tmp_path / "back.csv"
    assert cli("convert", xml, "-o", back, "--to", "gac-csv").code == 0
    assert f"'{title}".replace('"', '""') in back.read_text(encoding="utf-8-sig")


def test_unknown_label_suggests_the_near_gac_label(tmp_path: Path) -> None:
    """The suggestions come from the codelist: a close misspelling gets a usable hint."""
    rows = records.table()
    rows[1][records.column(rows, "Finance Type")] = "Standard grantt"
    path = records.write_csv(tmp_path / "label.csv", rows)
    outcome = cli("convert", path, "-o", tmp_path / "label.xml")
    outcome.assert_clean_failure("row 2", "column 'Finance Type'", "'Standard grantt'", "Standard grant")
