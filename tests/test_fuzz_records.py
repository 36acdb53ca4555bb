"""Property tests for the record readers: any input ends in records or a clean ``IaticonvError``.

Each strategy starts from a real, clean input — the invented Project Browser export, the real GAC
profile page in ../shared/seeds, the canonical record of a real IATI activity — and damages it the
way people and programs do: a cell or line replaced by text from another column or by strange values,
lines dropped or repeated, keys and values of the wrong type. Whatever comes out of a reader must
also go through the IATI XML writer (or be refused by it cleanly).

Runs are deterministic for CI (``derandomize``); ``IATICONV_FUZZ_EXPLORE=1`` explores new examples.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from conftest import REAL_IATI, SEED_PROFILE
from hostile import records
from hostile.mutate import VALUES
from iaticonv.errors import IaticonvError
from iaticonv.formats.gac._table import COLUMNS
from iaticonv.formats.gac.csv_io import GacCsvReader
from iaticonv.formats.gac.profile_page import LABELS, SECTIONS, GacProfileReader
from iaticonv.formats.gac.xlsx_io import GacXlsxReader
from iaticonv.formats.iati_xml.xml_io import IatiXmlReader, IatiXmlWriter
from iaticonv.formats.records.json_yaml import JsonReader, YamlReader
from iaticonv.formats.records.record import node_to_record
from record_edits import apply_edits, value_paths

EXPLORE = bool(os.environ.get("IATICONV_FUZZ_EXPLORE"))
FUZZ = settings(max_examples=600 if EXPLORE else 120, deadline=None, derandomize=not EXPLORE,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SAMPLE_ROWS = records.table()
SAMPLE_CELLS = sorted({cell for row in SAMPLE_ROWS[1:] for cell in row})
PROFILE_LINES = SEED_PROFILE.read_text(encoding="utf-8").splitlines()
DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
RECORD = node_to_record(next(IatiXmlReader(REAL_IATI / "fcdo-activity.xml").records()))

# text that confuses parsers: real values from other columns, strange values, anything
odd_text = st.one_of(
    st.sampled_from(SAMPLE_CELLS), st.sampled_from(VALUES), st.text(max_size=40),
    st.builds(lambda n, sep: f"Kenya {n}%{sep}Uganda {100 - n}%", st.integers(-5, 150),
              st.sampled_from(["; ", ";", ","])),
    st.builds(lambda amount: f"${amount:,}", st.integers(-10**12, 10**15)),
    st.builds(lambda d, m, y: f"{d}/{m}/{y}", st.integers(0, 40), st.integers(0, 14), st.integers(0, 3000)),
)
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | st.sampled_from(VALUES),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


def _consume(reader_factory: Callable[[Path], Any], path: Path) -> None:
    """Read everything, then write it as IATI XML: each step may refuse, none may crash."""
    try:
        reader = reader_factory(path)
        reader.header()
        activities = list(reader.records())
        IatiXmlWriter().write(io.BytesIO(), activities, reader.header())
    except IaticonvError as exc:
        assert str(exc).strip(), "an error without a message"


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="fuzz-records-") as name:
        yield Path(name)


def _csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


@FUZZ
@given(edits=st.lists(st.tuples(st.integers(0, len(SAMPLE_ROWS) - 1), st.integers(0, len(COLUMNS) + 1), odd_text),
                      min_size=1, max_size=6),
       raw=st.none() | st.tuples(st.integers(0, 4000), st.text(max_size=30)))
def test_gac_csv_reader(folder: Path, edits: list[tuple[int, int, str]], raw: tuple[int, str] | None) -> None:
    rows = [list(row) for row in SAMPLE_ROWS]
    for row, column, value in edits:
        while column >= len(rows[row]):
            rows[row].append("")
        rows[row][column] = value
    text = _csv_text(rows)
    if raw is not None:  # and sometimes a stray quote, comma or line break in the raw text
        at, noise = raw
        text = text[:at] + noise + text[at:]
    path = folder / "fuzz.csv"
    path.write_text(text, encoding="utf-8")
    _consume(GacCsvReader, path)


@settings(FUZZ, max_examples=40 if not EXPLORE else 200)
@given(edits=st.lists(st.tuples(st.integers(0, len(SAMPLE_ROWS) - 1), st.integers(0, len(COLUMNS) - 1),
                                st.one_of(odd_text, st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                                          st.dates(), st.booleans())),
                      min_size=1, max_size=4))
def test_gac_xlsx_reader_with_typed_cells(folder: Path, edits: list[tuple[int, int, Any]]) -> None:
    """Spreadsheet cells have types (numbers, dates, booleans) that a CSV never has."""
    rows: list[list[Any]] = [list(row) for row in SAMPLE_ROWS]
    for row, column, value in edits:  # (a workbook cannot hold control characters at all)
        rows[row][column] = ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
    path = records.write_xlsx(folder / "fuzz.xlsx", rows)
    _consume(GacXlsxReader, path)


profile_line = st.one_of(
    odd_text,
    st.builds(lambda label, value: f"{label.title()}: {value}", st.sampled_from(sorted(LABELS)), odd_text),
    st.sampled_from(sorted(SECTIONS)).map(str.title),
    st.sampled_from(PROFILE_LINES),
)


@FUZZ
@given(ops=st.lists(st.tuples(st.sampled_from(["drop", "repeat", "replace", "insert"]),
                              st.integers(0, len(PROFILE_LINES) - 1), profile_line), min_size=1, max_size=6))
def test_gac_profile_reader(folder: Path, ops: list[tuple[str, int, str]]) -> None:
    lines = list(PROFILE_LINES)
    for op, index, text in ops:
        index = min(index, len(lines) - 1) if lines else 0
        if op == "drop" and lines:
            del lines[index]
        elif op == "repeat" and lines:
            lines.insert(index, lines[index])
        elif op == "replace" and lines:
            lines[index] = text
        else:
            lines.insert(index, text)
    path = folder / "fuzz.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _consume(GacProfileReader, path)


RECORD_PATHS = [p for p in value_paths(RECORD) if p]


@settings(FUZZ, max_examples=60 if not EXPLORE else 300)
@given(edits=st.lists(st.tuples(st.sampled_from(RECORD_PATHS), json_value), min_size=1, max_size=4),
       extra=st.dictionaries(st.text(max_size=15), json_value, max_size=2), as_yaml=st.booleans())
def test_json_and_yaml_readers(folder: Path, edits: list[tuple[tuple[Any, ...], Any]], extra: dict[str, Any],
                               as_yaml: bool) -> None:
    record: Any = apply_edits(RECORD, edits)
    if isinstance(record, dict):
        record = {**record, **extra}
    if as_yaml:
        path = folder / "fuzz.yaml"
        path.write_text(yaml.dump_all([{"iati-activities": {"version": "2.03"}}, record], Dumper=DUMPER,
                                      allow_unicode=True), encoding="utf-8")
        _consume(YamlReader, path)
    else:
        path = folder / "fuzz.json"
        path.write_text(json.dumps({"iati-activities": {"version": "2.03"}, "activities": [record]}), encoding="utf-8")
        _consume(JsonReader, path)


@settings(FUZZ, max_examples=60 if not EXPLORE else 300)
@given(at=st.integers(0, 20_000), noise=st.text(max_size=20), cut=st.booleans(), as_yaml=st.booleans())
def test_json_and_yaml_readers_on_damaged_text(folder: Path, at: int, noise: str, cut: bool, as_yaml: bool) -> None:
    document = {"iati-activities": {"version": "2.03"}, "activities": [RECORD, copy.deepcopy(RECORD)]}
    text = yaml.dump(document, Dumper=DUMPER, allow_unicode=True) if as_yaml else json.dumps(document, indent=1)
    text = text[:at] if cut else text[:at] + noise + text[at:]
    path = folder / ("fuzz.yaml" if as_yaml else "fuzz.json")
    path.write_text(text, encoding="utf-8")
    _consume(YamlReader if as_yaml else JsonReader, path)
