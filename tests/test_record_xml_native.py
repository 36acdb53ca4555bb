"""The compiled json → XML walk writes exactly what the typed path writes, or declines (#3).

:mod:`iaticonv.formats.iati_xml._record_xml_native` is an optional build (setup.py). Where it is built, each
record goes through the walk the way :mod:`~iaticonv.formats.iati_xml._direct_json_xml` feeds it (the JSON line
parsed by orjson) and through the typed path (read by ``node_from_record``, written by
``activity_xml``): every record of every real file, the example's records mutated into the shapes that
carry order hints, verbatim extras and foreign attributes (elements the walk hands to the typed
writer), real records broken by hand and at random. The walk must write the typed bytes, and may
decline only where the typed path fails or the record holds a float (which orjson may have misread).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from iati_files import activity_files
from iaticonv.formats.iati_xml._record_xml_plans import native_writer
from iaticonv.formats.iati_xml._typed_read import element_to_node
from iaticonv.formats.iati_xml._typed_write import NamespaceContext
from iaticonv.formats.iati_xml.xml_io import IatiXmlReader, activity_xml
from iaticonv.formats.records.json_yaml import encode_record
from iaticonv.formats.records.record import node_from_record, node_to_record
from iaticonv.model import Activity
from record_edits import apply_edits, replace_at
from test_direct_json_xml import BROKEN, RECORD, RECORD_PATHS, json_value
from test_direct_xml_json import _EXAMPLE_ROOT, MUTATION_STEPS, _mutate
from test_model_properties import SLOW_OK

NATIVE = native_writer()
pytestmark = pytest.mark.skipif(NATIVE is None, reason="the compiled walk is not built here (setup.py could "
                                                       "not build it)")
HEADER_NS = {"usg": "http://www.foreignassistance.gov/web/IATI/usg-extension"}


def _outcomes(record: Any) -> tuple[tuple[Any, ...], tuple[Any, ...]] | None:
    """(typed, compiled) for one record, each ("ok", bytes) or ("declined",); None when orjson
    refuses its line (the direct path then takes the typed path without asking the walk)."""
    line = json.dumps(record, ensure_ascii=False)
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    try:
        typed: tuple[Any, ...] = ("ok", activity_xml(node_from_record(Activity, json.loads(line)),
                                                     NamespaceContext(HEADER_NS)).encode("utf-8"))
    except Exception:  # any failure: the direct path reports the typed path's
        typed = ("declined",)
    try:
        assert NATIVE is not None
        compiled: tuple[Any, ...] = ("ok", NATIVE(data, NamespaceContext(HEADER_NS)))
    except Exception:
        compiled = ("declined",)
    return typed, compiled


def _has_float(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_float(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_float(v) for v in value)
    return type(value) is float


def _assert_same(record: Any, where: str) -> None:
    outcomes = _outcomes(record)
    if outcomes is not None:
        typed, compiled = outcomes
        if compiled == ("declined",) and typed[0] == "ok":  # allowed for a float (as orjson read it) only
            assert _has_float(orjson.loads(json.dumps(record, ensure_ascii=False))), \
                f"{where}: the walk declined a record the typed path writes"
        else:
            assert compiled == typed, where


def test_every_real_record_gives_the_typed_bytes() -> None:
    count = 0
    for path in activity_files("2.01", "2.02", "2.03"):
        for number, activity in enumerate(IatiXmlReader(path).records()):
            record = node_to_record(activity)
            _assert_same(record, f"{path.name} activity {number}")
            count += 1
    assert count > 1400


def _mutated_records(steps: list[tuple[str, int, int]]) -> list[Any]:
    root = copy.deepcopy(_EXAMPLE_ROOT)
    _mutate(root, steps)
    records = []
    for element in root.iter("iati-activity"):
        node = element_to_node(element, Activity, top=True)
        if node is not None:
            records.append(node_to_record(node))
    return records


@settings(max_examples=150, deadline=None, suppress_health_check=SLOW_OK)
@given(steps=MUTATION_STEPS)
def test_mutated_records_give_the_typed_bytes(steps: list[tuple[str, int, int]]) -> None:
    """Order hints, verbatim extras, foreign attributes: the shapes handed to the typed writer."""
    for record in _mutated_records(steps):
        _assert_same(record, repr(steps))


def test_the_mutations_reach_the_shapes_handed_back() -> None:
    """The mutated records do hold order hints, extras and attributes in another namespace."""
    seen = set()
    for steps in ([("reverse", 0, 0)], [("foreign", 3, 1)], [("attr", 5, 1)], [("comment", 2, 0)]):
        for record in _mutated_records(steps):
            text = encode_record(record).decode("utf-8")
            seen.update(key for key in ('"order"', '"extras"', '"extra_attrs"', "{urn:y}odd") if key in text)
            _assert_same(record, repr(steps))
    assert seen == {'"order"', '"extras"', '"extra_attrs"', "{urn:y}odd"}


@pytest.mark.parametrize("case", BROKEN, ids=str)
def test_broken_records_give_the_typed_answer(case: str) -> None:
    path, value = BROKEN[case]
    _assert_same(replace_at(RECORD, path, value), case)


@settings(max_examples=150, deadline=None, suppress_health_check=SLOW_OK)
@given(edits=st.lists(st.tuples(st.sampled_from(RECORD_PATHS), json_value), min_size=1, max_size=3))
def test_randomly_broken_records_give_the_typed_answer(edits: list[tuple[tuple[Any, ...], Any]]) -> None:
    record: Any = apply_edits(RECORD, edits)
    _assert_same(record, repr(edits))


def test_a_foreign_attribute_is_declared_as_the_typed_writer_declares_it() -> None:
    """An attribute in a namespace the header does not declare: named as the typed writer names it."""
    element = etree.fromstring(b'<iati-activity xmlns:x="urn:x" x:odd="1"><iati-identifier>A</iati-identifier>'
                               b"</iati-activity>")
    node = element_to_node(element, Activity, top=True)
    assert node is not None
    record = node_to_record(node)
    outcomes = _outcomes(record)
    assert outcomes is not None
    typed, compiled = outcomes
    assert typed[0] == "ok" and b' xmlns:ns0="urn:x"' in typed[1]
    assert compiled == typed
