"""The direct json → IATI XML path writes exactly the typed path's bytes and errors (issue 3).

``convert`` takes the direct path (:mod:`iaticonv.formats.iati_xml._direct_json_xml`) for json → iati-xml; the
typed path is the same ``convert`` with that entry taken out of ``DIRECT_PATHS`` (JsonReader's typed
records through IatiXmlWriter). Both run on the JSON of every real file, on generated records
(written with and without ``\\u`` escapes), on real records broken by hand and at random, and on
numbers where orjson and the standard parser differ. The outcome compared is the bytes written and
the record count, or the error's type, text and field. Where the compiled walk is not built the
direct path is the typed path, and these comparisons hold trivially.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iati_files import activity_files
from iaticonv.formats._direct import DIRECT_PATHS
from iaticonv.formats.convert import convert
from iaticonv.formats.iati_xml import _direct_json_xml as direct_json_xml
from iaticonv.formats.iati_xml._record_xml_plans import native_writer
from iaticonv.formats.iati_xml.xml_io import IatiXmlReader
from iaticonv.formats.records.json_yaml import JsonWriter
from iaticonv.formats.records.record import node_to_record
from iaticonv.model import Activity
from record_edits import apply_edits, replace_at, value_paths
from test_model_properties import ACTIVITIES, SLOW_OK

FILES_203 = activity_files("2.03")
FILES_OLDER = activity_files("2.01", "2.02", example=False)
HEADER = '{"iati-activities": {"version": "2.03"},\n"activities": [\n'
PAIR = ("json", "iati-xml")

Outcome = tuple[Any, ...]


def _outcome(run: Callable[[], Any]) -> Outcome:
    """What a conversion gave: ("ok", output bytes, record count) or ("error", type, text, field, line)."""
    try:
        return ("ok", *run())
    except Exception as exc:  # the comparison is the point: any exception, compared whole
        return ("error", type(exc).__name__, str(exc), getattr(exc, "field", None), getattr(exc, "line", None))


def _convert(inputs: list[Path], output: Path, *, direct: bool) -> Outcome:
    def run() -> tuple[bytes, int]:
        result = convert(inputs, output, target="iati-xml", overwrite=True)
        return output.read_bytes(), result.records

    if direct:
        assert DIRECT_PATHS.get(PAIR) == "iati_xml._direct_json_xml:json_to_xml"
        return _outcome(run)
    with mock.patch.dict(DIRECT_PATHS):
        del DIRECT_PATHS[PAIR]
        return _outcome(run)


class _Fallbacks:
    """Counts the records the direct path hands to the typed path."""

    def __init__(self) -> None:
        self.count = 0
        self._original = direct_json_xml._activity

    def __call__(self, *args: Any) -> Activity:
        self.count += 1
        return self._original(*args)


def _both(inputs: list[Path], folder: Path) -> tuple[Outcome, Outcome, int]:
    """(typed outcome, direct outcome, records the direct path handed back to the typed path)."""
    typed = _convert(inputs, folder / "typed.xml", direct=False)
    fallbacks = _Fallbacks()
    with mock.patch.object(direct_json_xml, "_activity", fallbacks):
        direct = _convert(inputs, folder / "direct.xml", direct=True)
    return typed, direct, fallbacks.count


def _json_of(xml: Path, folder: Path) -> Path:
    """The JSON the typed path writes for an IATI file (2.01/2.02 upgraded on the way)."""
    reader = IatiXmlReader(xml)
    path = folder / f"{xml.stem}.json"
    with path.open("wb") as handle:
        JsonWriter().write(handle, reader.records(), reader.header())
    return path


def _write_lines(path: Path, records: list[Any], *, ensure_ascii: bool = False) -> Path:
    body = ",\n".join(json.dumps(r, ensure_ascii=ensure_ascii) for r in records)
    # surrogatepass: a lone surrogate written raw makes the file invalid UTF-8, itself a case to compare
    path.write_bytes((HEADER + body + ("\n" if records else "") + "]}\n").encode("utf-8", "surrogatepass"))
    return path


# ---------------------------------------------------------------- real files


@pytest.mark.parametrize("xml", [*FILES_203, *FILES_OLDER], ids=lambda p: p.name)
def test_real_files_give_the_typed_bytes(xml: Path, tmp_path: Path) -> None:
    typed, direct, fallbacks = _both([_json_of(xml, tmp_path)], tmp_path)
    assert typed[0] == "ok", typed
    assert direct == typed, f"{xml.name}: the direct path wrote other bytes"
    if native_writer() is not None:
        assert fallbacks == 0  # every real record was written by the compiled walk, not handed back


def test_many_inputs_into_one_file(tmp_path: Path) -> None:
    inputs = [_json_of(xml, tmp_path) for xml in FILES_203[:4]]
    typed, direct, _ = _both(inputs, tmp_path)
    assert typed[0] == "ok" and typed[2] > 4
    assert direct == typed


def test_layouts_read_whole_and_escaped_lines(tmp_path: Path) -> None:
    """A list of records, one record, pretty-printed JSON, and lines of ``\\u`` escapes."""
    records = [node_to_record(a) for a in IatiXmlReader(FILES_203[0]).records()]
    cases = {
        "list.json": json.dumps(records, indent=2),
        "single.json": json.dumps(records[0]),
        "object.json": json.dumps({"iati-activities": {"version": "2.03"}, "activities": records}, indent=1),
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        typed, direct, _ = _both([path], tmp_path)
        assert typed[0] == "ok" and direct == typed, name
    escaped = _write_lines(tmp_path / "ascii.json", records, ensure_ascii=True)
    assert "\\u" in escaped.read_text(encoding="utf-8")
    typed, direct, fallbacks = _both([escaped], tmp_path)
    assert typed[0] == "ok" and direct == typed
    if native_writer() is not None:
        assert fallbacks == 0


# ---------------------------------------------------------------- generated records


@settings(max_examples=40, deadline=None, suppress_health_check=[*SLOW_OK, HealthCheck.function_scoped_fixture])
@given(activities=ACTIVITIES, ensure_ascii=st.booleans())
def test_generated_records(activities: list[Activity], ensure_ascii: bool, tmp_path: Path) -> None:
    path = _write_lines(tmp_path / "generated.json", [node_to_record(a) for a in activities],
                        ensure_ascii=ensure_ascii)
    typed, direct, _ = _both([path], tmp_path)
    assert typed[0] == "ok"
    assert direct == typed


# ---------------------------------------------------------------- broken records


def _record() -> dict[str, Any]:
    """A real record with attributes, narratives, children, extras and namespaced attributes."""
    for xml in FILES_203:
        for activity in IatiXmlReader(xml).records():
            record = node_to_record(activity)
            text = json.dumps(record)
            if '"extras"' in text and '"extra_attrs"' in text and '"transactions"' in text:
                return record
    raise AssertionError("no real record with extras, extra attributes and transactions")


RECORD = _record()


RECORD_PATHS = [p for p in value_paths(RECORD) if p]


def _first(kind: str) -> tuple[Any, ...]:
    """The path of the first key named ``kind`` in the record."""
    return next(p for p in RECORD_PATHS if p[-1] == kind)


BROKEN: dict[str, tuple[tuple[Any, ...], Any]] = {
    "unknown-key": (("colour",), "blue"),
    "unknown-nested-key": ((*_first("reporting_org"), "colour"), "blue"),
    "text-as-number": ((_first("iati_identifier")), 12),
    "attribute-as-list": ((*_first("reporting_org"), "ref"), ["GB"]),
    "child-as-text": (_first("reporting_org"), "GB-GOV-1"),
    "children-as-object": (_first("transactions"), {"value": "1"}),
    "child-item-null": ((*_first("transactions"), 0), None),
    "narratives-as-list": ((*_first("title"), "narratives"), ["a title"]),
    "narrative-as-number": ((*_first("title"), "narratives", ""), 3),
    "date-as-number": ((*_first("activity_dates"), 0, "iso_date"), 20200101),
    "bad-date-kept": ((*_first("activity_dates"), 0, "iso_date"), "2020-13-45"),
    "boolean-as-number": (("humanitarian",), 1),
    "boolean-native": (("humanitarian",), True),
    "integer-native": (("hierarchy",), 2),
    "integer-as-boolean": (("hierarchy",), True),
    "integer-as-float": (("hierarchy",), 2.0),
    "decimal-as-boolean": ((*_first("transactions"), 0, "value", "amount"), False),
    "decimal-as-float": ((*_first("transactions"), 0, "value", "amount"), 1234.5),
    "decimal-as-big-float": ((*_first("transactions"), 0, "value", "amount"), 1.5e300),
    "decimal-as-int": ((*_first("transactions"), 0, "value", "amount"), 10**30),
    "extras-null": ((*_first("extras")[:-1], "extras"), None),
    "extras-not-xml": (_first("extras"), ["<unclosed>"]),
    "extras-two-roots": (_first("extras"), ["<a/><b/>"]),
    "extras-bad-comment": (_first("extras"), ["<!-- a -- b -->"]),
    "extras-number": (_first("extras"), [5]),
    "extras-with-entities": (_first("extras"), ['<x:e xmlns:x="urn:x" a="&amp;&lt;">&gt; &amp;amp; R&amp;D</x:e>']),
    "extra-attrs-number": ((*_first("extra_attrs")[:-1], "extra_attrs"), {"{urn:x}a": 1}),
    "extra-attrs-list": ((*_first("extra_attrs")[:-1], "extra_attrs"), ["a"]),
    "extra-attrs-odd-name": ((*_first("extra_attrs")[:-1], "extra_attrs"), {"{urn:x&y}a": "v", "b<": "w"}),
    "extra-attrs-escapes": ((*_first("extra_attrs")[:-1], "extra_attrs"), {"{urn:z}a": 'q"\n\t&<>'}),
    "order-unknown-name": (("order",), ["title", "colour"]),
    "order-null": (("order",), None),
    "order-number": (("order",), [1]),
    "order-some": (("order",), ["+", "transactions", "title", "+", "participating_orgs", "reporting_org", "+"]),
    "order-empty": (("order",), []),
    "control-character": ((*_first("title"), "narratives", ""), "bell \x07 here"),
    "form-feed": ((*_first("title"), "narratives", ""), "page \x0c break"),
    "not-a-character": ((*_first("title"), "narratives", ""), "odd \ufffe"),
    "lone-surrogate": ((*_first("title"), "narratives", ""), "half \ud800 pair"),
    "quotes-and-blanks": ((*_first("reporting_org"), "ref"), 'a "quoted"\tref\r\nnext & <more>'),
    "language-with-quote": ((*_first("title"), "narratives"), {'e"n': "x", "fr\n": "y & z"}),
    "backslashes-in-text": ((*_first("title"), "narratives", ""), 'C:\\new\\"dir\\\\ \\t and\ta "q"'),
    "backslashes-in-attribute": ((*_first("reporting_org"), "ref"), 'C:\\new\\"dir\\\\ \\r\r'),
    "entities-in-text": ((*_first("title"), "narratives", ""), "&quot; &#10; &#9; &#13; &amp; \r\n"),
    "empty-amount": ((*_first("transactions"), 0, "value", "amount"), ""),
    "empty-record": ((), {}),
    "record-as-list": ((), [RECORD]),
}


@pytest.mark.parametrize("case", BROKEN, ids=str)
def test_broken_records_give_the_typed_answer(case: str, tmp_path: Path) -> None:
    path, value = BROKEN[case]
    record = replace_at(RECORD, path, value)
    for ensure_ascii in (False, True):
        json_path = _write_lines(tmp_path / "broken.json", [RECORD, record, RECORD], ensure_ascii=ensure_ascii)
        typed, direct, _ = _both([json_path], tmp_path)
        assert direct == typed, f"{case} (ensure_ascii={ensure_ascii})"


json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
    | st.sampled_from(["&", "<b>", "a\\b", '"', "\n", "\u0007", "2020-01-01", "1.5", "<!-- c -->", "+", "title"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=80, deadline=None, suppress_health_check=[*SLOW_OK, HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.sampled_from(RECORD_PATHS), json_value), min_size=1, max_size=3),
       ensure_ascii=st.booleans())
def test_randomly_broken_records(edits: list[tuple[tuple[Any, ...], Any]], ensure_ascii: bool,
                                 tmp_path: Path) -> None:
    record: Any = apply_edits(RECORD, edits)
    json_path = _write_lines(tmp_path / "fuzz.json", [record], ensure_ascii=ensure_ascii)
    typed, direct, _ = _both([json_path], tmp_path)
    assert direct == typed


# ---------------------------------------------------------------- numbers and JSON text


NUMBERS = ["1", "-0", "0.0", "-0.0", "1.50", "1e2", "1E-7", "1e400", "-1e400", "NaN", "Infinity", "-Infinity",
           "9223372036854775807", "9223372036854775808", "18446744073709551615", "18446744073709551616",
           "-9223372036854775809", "123456789012345678901234567890", "1.8446744073709552e19", "2.5e-320",
           "0.1000000000000000055511151231257827", "true", "null", "[]", "{}", '"12"']


@pytest.mark.parametrize("number", NUMBERS)
def test_numbers_read_as_the_standard_parser_reads_them(number: str, tmp_path: Path) -> None:
    """orjson reads big integers as floats and refuses NaN and out-of-range floats: neither may show."""
    marker = '"@@"'
    for where in (("hierarchy",), ("humanitarian",), (*_first("transactions"), 0, "value", "amount"),
                  (*_first("activity_dates"), 0, "iso_date")):
        record = replace_at(RECORD, where, "@@")
        text = json.dumps(record).replace(marker, number)
        path = tmp_path / "numbers.json"
        path.write_text(HEADER + text + "\n]}\n", encoding="utf-8")
        typed, direct, _ = _both([path], tmp_path)
        assert direct == typed, (number, where)


def test_invalid_json_lines_give_the_typed_error(tmp_path: Path) -> None:
    good = json.dumps(RECORD)
    for bad in ("{", good[:-1], good + " x", '{"a": 1,}', good.replace('"', "'", 2), "[" * 5000 + "]" * 5000):
        path = tmp_path / "invalid.json"
        path.write_text(HEADER + good + ",\n" + bad + "\n]}\n", encoding="utf-8")
        typed, direct, _ = _both([path], tmp_path)
        assert typed[0] == "error" and direct == typed, bad[:30]
    path.write_text(HEADER + good + ",\n", encoding="utf-8")  # no closing line
    typed, direct, _ = _both([path], tmp_path)
    assert typed[0] == "error" and direct == typed
