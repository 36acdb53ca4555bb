"""The compiled json → XML writer writes exactly what the generated writer writes, or declines where it does (#3).

:mod:`iaticonv.formats._record_xml_native` is an optional build (setup.py). Where it is built, each
record goes through both writers the way :mod:`~iaticonv.formats.direct_json_xml` feeds them (the JSON
line pre-escaped, then parsed): every record of every real file, the example's records mutated into
the shapes that carry order hints, verbatim extras and foreign attributes (which the compiled writer
hands back to the generated one), real records broken by hand and at random. The outcome compared is
the bytes, or that both declined.
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
from iaticonv.formats.iati_xml import IatiXmlReader
from iaticonv.formats.iati_xml_read import element_to_node
from iaticonv.formats.iati_xml_write import NamespaceContext
from iaticonv.formats.json_yaml import encode_record
from iaticonv.formats.record import node_to_record
from iaticonv.formats.record_xml import ESCAPED, pre_escape
from iaticonv.formats.record_xml_gen import record_writer
from iaticonv.formats.record_xml_native import native_writer
from iaticonv.model import Activity
from record_edits import apply_edits, replace_at
from test_direct_json_xml import BROKEN, RECORD, RECORD_PATHS, json_value
from test_direct_xml_json import _EXAMPLE_ROOT, MUTATION_STEPS, _mutate
from test_model_properties import SLOW_OK

NATIVE = native_writer(Activity, "iati-activity", 1)
pytestmark = pytest.mark.skipif(NATIVE is None, reason="the compiled writer is not built here (setup.py could "
                                                       "not build it)")
GENERATED = record_writer(Activity, "iati-activity", 1, ESCAPED)
NS = NamespaceContext({"usg": "http://www.foreignassistance.gov/web/IATI/usg-extension"})


def _outcomes(record: Any) -> tuple[tuple[Any, ...], tuple[Any, ...]] | None:
    """(generated, compiled) for one record, fed as the direct path feeds them; None when its line is
    not for the escaped writers (it holds a \\u escape: the raw writer's job)."""
    escaped = pre_escape(json.dumps(record, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    if escaped is None:
        return None
    line, marks = escaped
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    out: list[str] = []
    try:
        GENERATED(data, out, NS, marks)
        generated: tuple[Any, ...] = ("ok", "".join(out).encode("utf-8"))
    except Exception:  # any failure is a decline for the direct path
        generated = ("declined",)
    try:
        assert NATIVE is not None
        compiled: tuple[Any, ...] = ("ok", NATIVE(data, NS, marks))
    except Exception:
        compiled = ("declined",)
    return generated, compiled


def _assert_same(record: Any, where: str) -> None:
    outcomes = _outcomes(record)
    if outcomes is not None:
        generated, compiled = outcomes
        assert compiled == generated, where


def test_every_real_record_gives_the_generated_bytes() -> None:
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
def test_mutated_records_give_the_generated_bytes(steps: list[tuple[str, int, int]]) -> None:
    """Order hints, verbatim extras, foreign attributes: the shapes handed back to the generated writer."""
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
def test_broken_records_give_the_generated_answer(case: str) -> None:
    path, value = BROKEN[case]
    _assert_same(replace_at(RECORD, path, value), case)


@settings(max_examples=150, deadline=None, suppress_health_check=SLOW_OK)
@given(edits=st.lists(st.tuples(st.sampled_from(RECORD_PATHS), json_value), min_size=1, max_size=3))
def test_randomly_broken_records_give_the_generated_answer(edits: list[tuple[tuple[Any, ...], Any]]) -> None:
    record: Any = apply_edits(RECORD, edits)
    _assert_same(record, repr(edits))


def test_a_foreign_attribute_is_declared_as_the_generated_writer_declares_it() -> None:
    """An attribute in a namespace the header does not declare: the generated writer names it."""
    element = etree.fromstring(b'<iati-activity xmlns:x="urn:x" x:odd="1"><iati-identifier>A</iati-identifier>'
                               b"</iati-activity>")
    node = element_to_node(element, Activity, top=True)
    assert node is not None
    record = node_to_record(node)
    outcomes = _outcomes(record)
    assert outcomes is not None
    generated, compiled = outcomes
    assert generated[0] == "ok" and b'="1"' in generated[1]
    assert compiled == generated
