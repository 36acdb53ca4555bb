"""The compiled XML → JSON walk writes exactly the line the typed path's record encodes to (issue 3).

:mod:`iaticonv.formats.iati_xml._xml_record_native` is an optional build (setup.py). Where it is built, every
activity is compared with the typed path (``node_to_record(element_to_node(...))`` through
:func:`encode_record`): every real file, the official example, every schema-test file, the example
mutated into the shapes the walk hands to the typed mapper, and text and attributes made of the node
kinds a parser can produce (CDATA, entity references, character references, comments, processing
instructions).
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import EXAMPLE_ACTIVITY, SCHEMA_TESTS, compiled_off, real_files
from iaticonv.formats.iati_xml._typed_read import element_to_node
from iaticonv.formats.iati_xml._xml_record_plans import activity_json, activity_record, native_available
from iaticonv.formats.records.json_yaml import encode_record
from iaticonv.formats.records.record import node_to_record
from iaticonv.model import Activity
from test_direct_xml_json import _EXAMPLE_ROOT, MUTATION_STEPS, _mutate
from test_model_properties import SLOW_OK

pytestmark = pytest.mark.skipif(not native_available(),
                                reason=compiled_off("formats.iati_xml._xml_record_native"))

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, load_dtd=False)


def _activities(root: Any) -> list[Any]:
    return list(root.iter("iati-activity"))


def _typed_record(element: Any) -> dict[str, Any]:
    node = element_to_node(element, Activity, top=True)
    assert node is not None
    return node_to_record(node)


def _assert_walk_is_typed(element: Any, where: str) -> None:
    expected = encode_record(_typed_record(element))
    line = activity_json(element)
    if line is None:  # orjson refuses a value: the caller encodes the record, through the same fallback
        assert expected == encode_record(activity_record(element)), where
        return
    assert line == expected, f"{where}: {_first_difference(line, expected)}"
    assert encode_record(activity_record(element)) == expected, where


def _first_difference(got: bytes, expected: bytes) -> str:
    at = next((i for i, (a, b) in enumerate(zip(got, expected, strict=False)) if a != b), min(len(got), len(expected)))
    return f"at byte {at}: got {got[max(0, at - 60):at + 60]!r}, expected {expected[max(0, at - 60):at + 60]!r}"


def _files() -> list[Path]:
    return [EXAMPLE_ACTIVITY, *real_files(), *sorted(SCHEMA_TESTS.rglob("*.xml"))]


def test_every_activity_of_every_file_gives_the_typed_line() -> None:
    count = 0
    for path in _files():
        try:
            root = etree.parse(str(path), _PARSER).getroot()
        except etree.XMLSyntaxError:
            continue  # schema tests that are not well-formed: nothing to map
        for number, element in enumerate(_activities(root)):
            _assert_walk_is_typed(element, f"{path.name} activity {number}")
            count += 1
    assert count > 2000


@settings(max_examples=200, deadline=None, suppress_health_check=SLOW_OK)
@given(steps=MUTATION_STEPS)
def test_mutated_activities_give_the_typed_line(steps: list[tuple[str, int, int]]) -> None:
    root = copy.deepcopy(_EXAMPLE_ROOT)
    _mutate(root, steps)
    for number, element in enumerate(_activities(root)):
        _assert_walk_is_typed(element, f"activity {number} after {steps}")


def _activity(body: str, doctype: str = "") -> Any:
    text = (f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<iati-activities version="2.03">'
            f'<iati-activity default-currency="CAD"><iati-identifier>X-1</iati-identifier>{body}'
            f"</iati-activity></iati-activities>")
    root = etree.fromstring(text.encode("utf-8"), _PARSER)
    return _activities(root)[0]


ENTITIES = '<!DOCTYPE iati-activities [<!ENTITY org "Alinea &amp; Co"><!ENTITY pct "50">]>'

NODE_KINDS = {
    "escapes": ('<title><narrative>quote " backslash \\ tab\t cr&#13; lf&#10; &lt;&amp;&gt; é ✓ \U0001f30d'
                "</narrative></title>"),
    "cdata": "<title><narrative>a<![CDATA[ <b>&</b> ]]>z</narrative></title>",
    "cdata-only": "<description><narrative><![CDATA[x]]></narrative></description>",
    "entity-in-text": "<title><narrative>by &org; ltd</narrative></title>",
    "entity-in-attribute": '<sector code="15112" percentage="&pct;"/>',
    "entity-in-text-child": "<contact-info><email>a&org;@b</email></contact-info>",
    "char-ref-attribute": '<sector code="15112" percentage="1&#48;0"/>',
    "comment-in-narrative": "<title><narrative>a<!-- c -->b</narrative></title>",
    "pi-in-activity": "<?pi data?><title><narrative>t</narrative></title>",
    "text-in-activity": "loose<title><narrative>t</narrative></title>",
    "text-in-title": "<title>loose<narrative>t</narrative></title>",
    "tail-in-title": "<title><narrative>t</narrative>tail</title>",
    "blank-tails": "<title>\n  <narrative>t</narrative>\n \t\r\n</title>",
    "nbsp-tail": "<title><narrative>t</narrative>\u00a0</title>",
    "empty-narrative": "<title><narrative/></title>",
    "lang-empty": '<title><narrative xml:lang="">t</narrative></title>',
    "two-langs": '<title><narrative xml:lang="en">a</narrative><narrative xml:lang="fr">b</narrative></title>',
    "same-lang-twice": '<title><narrative xml:lang="en">a</narrative><narrative xml:lang="en">b</narrative></title>',
    "same-lang-twice-then-more": ('<title><narrative>a</narrative><narrative>b</narrative>'
                                  '<narrative xml:lang="fr">c</narrative></title>'),
    "many-langs": "<title>" + "".join(f'<narrative xml:lang="l{i}">{i}</narrative>' for i in range(80)) + "</title>",
    "foreign-attribute": '<title xmlns:x="urn:x" x:a="1" b="2"><narrative>t</narrative></title>',
    "foreign-child-ns": '<x:thing xmlns:x="urn:x" a="1"><x:inner>v</x:inner></x:thing>',
    "default-ns-child": '<title xmlns="urn:other"><narrative>t</narrative></title>',
    "bool-attribute": ('<activity-scope code="3"/><budget type="1" status="2">'
                       '<value value-date="2011-01-01">1e3</value></budget>'),
    "big-integer": '<result type="1" aggregation-status="true"><title><narrative>r</narrative></title>'
                   '<indicator measure="1" ascending="TRUE"><title><narrative>i</narrative></title>'
                   '<baseline year="99999999999999999999999" value="1"/></indicator></result>',
    "int-values": '<result type="1"><title><narrative>r</narrative></title><indicator measure="1">'
                  '<title><narrative>i</narrative></title><baseline year="007" value="1"/></indicator></result>',
    "empty-attribute": '<activity-status code=""/>',
    "text-child-attribute": '<contact-info><email kind="x">a@b</email></contact-info>',
    "text-child-twice": "<contact-info><email>a@b</email><email>c@d</email><telephone>1</telephone></contact-info>",
    "out-of-order": "<activity-status code=\"2\"/><title><narrative>t</narrative></title>",
    "second-title": "<title><narrative>a</narrative></title><title><narrative>b</narrative></title>",
    "known-after-unknown": '<title><narrative>a</narrative></title><x:y xmlns:x="urn:x"/><activity-status code="2"/>',
}


@pytest.mark.parametrize("kind", sorted(NODE_KINDS))
def test_node_kinds_give_the_typed_line(kind: str) -> None:
    doctype = ENTITIES if "entity" in kind else ""
    _assert_walk_is_typed(_activity(NODE_KINDS[kind], doctype), kind)


def test_entity_references_stay_references() -> None:
    """With entities not expanded the walk meets entity-reference nodes; the typed mapper decides those."""
    element = _activity(NODE_KINDS["entity-in-text"], ENTITIES)
    narrative = element.find("title/narrative")
    assert any(child.tag is etree.Entity for child in narrative)
    _assert_walk_is_typed(element, "entity")


def test_a_refused_value_leaves_the_encoding_to_the_caller() -> None:
    element = _activity(NODE_KINDS["big-integer"])
    assert activity_json(element) is None
    assert b"99999999999999999999999" in encode_record(activity_record(element))


XML_TEXT = st.lists(st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
                            max_size=6) | st.sampled_from(["\t", "\n", "\r", '"', "\\", "&", "<", "]]>"]),
                    max_size=5).map("".join)


@settings(max_examples=200, deadline=None)
@given(text=XML_TEXT, attribute=XML_TEXT, lang=XML_TEXT)
def test_any_text_gives_the_typed_line(text: str, attribute: str, lang: str) -> None:
    """Whatever characters the text and attribute values hold, the JSON escaping is orjson's."""
    root = copy.deepcopy(_EXAMPLE_ROOT)
    element = _activities(root)[0]
    narrative = element.find("title/narrative")
    narrative.text = text
    if lang:
        narrative.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
    element.set("default-currency", attribute)
    element.find("iati-identifier").text = text
    # serialized and parsed again, as a file would be, so the text nodes are the parser's own
    reparsed = etree.fromstring(etree.tostring(root), _PARSER)
    _assert_walk_is_typed(_activities(reparsed)[0], repr((text, attribute, lang)))


US_GOVERNMENT = [p for p in real_files() if "US-GOV" in p.name][:1]  # unknown usg: elements: raw_xml


@pytest.mark.parametrize("path", [EXAMPLE_ACTIVITY, *US_GOVERNMENT], ids=lambda p: p.name)
def test_the_command_writes_the_same_bytes_with_the_walks_turned_off(path: Path, tmp_path: Path) -> None:
    """``IATICONV_PURE_PYTHON=1`` runs the typed path: XML → json → XML give the same bytes."""
    command = str(Path(sys.executable).with_name("iaticonv"))

    def run(source: Path, target: Path, pure: bool) -> bytes:
        env = {**os.environ, "IATICONV_PURE_PYTHON": "1" if pure else ""}
        subprocess.run([command, "convert", str(source), "-o", str(target), "--quiet"], check=True, env=env,
                       capture_output=True)
        return target.read_bytes()

    probe = "from iaticonv.formats.iati_xml._xml_record_plans import native_available as n; print(n())"
    used = [subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True,
                           env={**os.environ, "IATICONV_PURE_PYTHON": flag}).stdout.strip() for flag in ("", "1")]
    assert used == ["True", "False"]  # the variable does switch the walks off
    outputs = []
    for pure in (False, True):
        json_bytes = run(path, tmp_path / f"{pure}.json", pure)
        outputs.append((json_bytes, run(tmp_path / f"{pure}.json", tmp_path / f"{pure}.xml", pure)))
    assert outputs[0] == outputs[1]
