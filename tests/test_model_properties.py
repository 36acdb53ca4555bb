"""Property tests: any record the model can hold survives record → XML → record and record → JSON → record.

Records are generated from the model's own metadata (every class, every field kind), so a new field is
covered without touching this file.
"""

from __future__ import annotations

import io
import json
from datetime import UTC
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iaticonv.formats.iati_xml.xml_io import IatiXmlReader, IatiXmlWriter
from iaticonv.formats.records.record import node_from_record, node_to_record
from iaticonv.model import BOOL, DATE, DATETIME, DECIMAL, INT, Activity, Kind, Node, Scalar, plan_for

XML_CHARS = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff") | st.sampled_from(
    ["\n", "\t", "\r", " ", "&", "<", '"']
)
TEXT = st.text(XML_CHARS, max_size=10)


def _non_canonical(scalar: Scalar) -> st.SearchStrategy[str]:
    """Text that stays text for ``scalar`` (what a messy file holds: '2011-07-20Z', ' 1000 ')."""
    return TEXT.filter(lambda s: isinstance(scalar.parse(s), str))


def _scalar(scalar: Scalar) -> st.SearchStrategy[Any]:
    typed: st.SearchStrategy[Any]
    if scalar is DECIMAL:
        typed = st.decimals(allow_nan=False, allow_infinity=False, places=4)
    elif scalar is DATE:
        typed = st.dates()
    elif scalar is DATETIME:
        typed = st.datetimes(timezones=st.none() | st.just(UTC))
    elif scalar is BOOL:
        typed = st.booleans()
    elif scalar is INT:
        typed = st.integers(min_value=-(10**12), max_value=10**12)
    else:
        return TEXT
    return typed | _non_canonical(scalar)


LANGS = st.sampled_from(["", "en", "fr", "es", "pt-BR"])
EXTRA_ATTRS = st.dictionaries(st.sampled_from(["{urn:x}a", "{urn:y}b", "{http://datastore.iatistandard.org/ns}c"]),
                              TEXT, max_size=2)
EXTRAS = st.lists(st.sampled_from(['<x:e xmlns:x="urn:x" k="v">t</x:e>', "<!-- a comment -->",
                                   '<y:f xmlns:y="urn:y"><y:g/></y:f>']), max_size=2)


def _node(cls: type[Node], depth: int) -> st.SearchStrategy[Node]:
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for fplan in plan_for(cls).fields:
        if fplan.kind is Kind.CHILD:
            assert fplan.cls is not None
            if depth <= 0:
                continue
            sub = st.deferred(lambda c=fplan.cls: _node(c, depth - 1))
            fields[fplan.name] = st.lists(sub, max_size=1) if fplan.many else st.none() | sub
        elif fplan.kind is Kind.NARRATIVES:
            fields[fplan.name] = st.dictionaries(LANGS, TEXT, max_size=3)
        elif fplan.kind is Kind.TEXT:
            # an empty element text reads back as absent, so the model never holds ""
            fields[fplan.name] = st.none() | _scalar(fplan.scalar).filter(lambda v: v != "")
        elif fplan.many:
            fields[fplan.name] = st.lists(_scalar(fplan.scalar), max_size=2)
        else:
            fields[fplan.name] = st.none() | _scalar(fplan.scalar)
    return st.builds(cls, extra_attrs=EXTRA_ATTRS, extras=EXTRAS, **fields)


SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
ACTIVITIES = st.lists(_node(Activity, 4), min_size=1, max_size=2)


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW_OK)
@given(activities=ACTIVITIES)
def test_record_xml_record_is_identity(activities: list[Activity], tmp_path_factory: Any) -> None:
    path: Path = tmp_path_factory.mktemp("prop") / "out.xml"
    buffer = io.BytesIO()
    IatiXmlWriter().write(buffer, activities)
    path.write_bytes(buffer.getvalue())
    assert list(IatiXmlReader(path).records()) == activities


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW_OK)
@given(activity=_node(Activity, 4))
def test_record_json_record_is_identity(activity: Activity) -> None:
    text = json.dumps(node_to_record(activity), ensure_ascii=False)
    assert node_from_record(Activity, json.loads(text)) == activity
