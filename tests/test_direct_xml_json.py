"""The direct XML → JSON/YAML path writes exactly the typed path's bytes, notes and errors (issue 3).

``convert`` takes the direct path (:mod:`iaticonv.formats.iati_xml._direct_xml_json`) for iati-xml → json/yaml;
the typed path is the reader's typed records through the same writer. Both are run on every real
file, on generated records, on real activities mutated into the odd shapes the compiled walk
hands to the typed mapper (children out of order, unknown children between known ones, repeated
0..1 children, stray text, odd narratives and scalars), and on broken files.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import EXAMPLE_ACTIVITY, real_files
from hostile import corpus
from iaticonv.errors import InputError
from iaticonv.formats._direct import direct_path
from iaticonv.formats.convert import convert
from iaticonv.formats.iati_xml._typed_read import element_to_node
from iaticonv.formats.iati_xml._xml_record_plans import activity_record
from iaticonv.formats.iati_xml.xml_io import IatiXmlReader, IatiXmlWriter
from iaticonv.formats.records.json_yaml import JsonWriter, YamlWriter, encode_record
from iaticonv.formats.records.record import node_to_record
from iaticonv.model import Activity
from test_model_properties import ACTIVITIES, SLOW_OK

ACTIVITY_FILES = [EXAMPLE_ACTIVITY, *(p for p in real_files() if b"<iati-activities" in p.read_bytes()[:4000])]
WRITERS = {"json": JsonWriter, "yaml": YamlWriter}


def _typed(path: Path, target: str, upgrade: bool = True) -> tuple[bytes, list[Any]]:
    """What the typed path writes for ``path``: typed records through the target's writer."""
    reader = IatiXmlReader(path, upgrade=upgrade)
    buffer = io.BytesIO()
    WRITERS[target]().write(buffer, reader.records(), reader.header())
    return buffer.getvalue(), reader.notes


def _direct(path: Path, target: str, upgrade: bool = True) -> tuple[bytes, list[Any]]:
    output = path.with_name(f"{path.name}.direct.{target}")
    result = convert([path], output, target=target, overwrite=True, reader_options={"upgrade": upgrade})
    data = output.read_bytes()
    output.unlink()
    return data, result.notes


def _assert_same(path: Path, target: str = "json", upgrade: bool = True) -> None:
    typed, direct = _typed(path, target, upgrade), _direct(path, target, upgrade)
    assert direct[0] == typed[0], f"{path.name} → {target}: bytes differ"
    assert direct[1] == typed[1], f"{path.name} → {target}: notes differ"


def test_the_pairs_have_a_direct_path() -> None:
    assert direct_path("iati-xml", "json") is not None
    assert direct_path("iati-xml", "yaml") is not None


@pytest.mark.parametrize("path", ACTIVITY_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("target", ["json", "yaml"])
def test_real_files_give_the_typed_bytes_and_notes(path: Path, target: str, tmp_path: Path) -> None:
    copy = tmp_path / path.name  # same name, so the notes (which name the file) can be compared
    copy.write_bytes(path.read_bytes())
    _assert_same(copy, target)


@pytest.mark.parametrize("path", [p for p in ACTIVITY_FILES if b'version="2.0' in p.read_bytes()[:4000]
                                  and b'version="2.03"' not in p.read_bytes()[:4000]], ids=lambda p: p.name)
def test_old_versions_without_upgrade(path: Path, tmp_path: Path) -> None:
    copy = tmp_path / path.name
    copy.write_bytes(path.read_bytes())
    _assert_same(copy, "json", upgrade=False)


def test_every_real_activity_maps_to_its_typed_record() -> None:
    """Element by element (not only whole files)."""
    count = 0
    for path in ACTIVITY_FILES:
        for element in IatiXmlReader(path, upgrade=False).activity_elements():
            typed = element_to_node(element, Activity, top=True)
            assert typed is not None
            assert json.dumps(activity_record(element)) == json.dumps(node_to_record(typed)), path.name
            count += 1
    assert count > 1500


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW_OK)
@given(activities=ACTIVITIES)
def test_generated_records_give_the_typed_bytes(activities: list[Activity], tmp_path_factory: Any) -> None:
    path: Path = tmp_path_factory.mktemp("direct") / "generated.xml"
    buffer = io.BytesIO()
    IatiXmlWriter().write(buffer, activities)
    path.write_bytes(buffer.getvalue())
    _assert_same(path, "json")


# --- real activities mutated into the shapes the converters hand back to the typed mapper ---------

# The example without its comments: a comment among an element's children sends the whole element to
# the typed mapper, which would hide the converters' own handling of every other mutation.
_EXAMPLE_ROOT = etree.parse(str(EXAMPLE_ACTIVITY), etree.XMLParser(remove_comments=True)).getroot()
_MUTATIONS = ("reverse", "swap", "comment", "pi", "foreign", "foreign-tail", "duplicate", "text", "tail", "attr",
              "lang", "narrative-child", "narrative-attr", "bool", "int", "decimal", "empty-text", "text-child-attr")
_ODD_VALUES = ("1e5", "1E+3", "007", "-0", "TRUE", "1", " 10 ", "", "x", "2011-07-20Z", "0", "-12", "٣",
               "true", "false", "1.50", "9" * 30)


def _mutate(root: Any, steps: list[tuple[str, int, int]]) -> None:
    """Apply ``steps`` (mutation, which element, which variant) to the activities under ``root``."""
    for kind, which, variant in steps:
        elements = [e for e in root.iter() if isinstance(e.tag, str) and e.tag != "iati-activities"]
        element = elements[which % len(elements)]
        children = [c for c in element if isinstance(c.tag, str)]
        value = _ODD_VALUES[variant % len(_ODD_VALUES)]
        if kind == "reverse" and len(children) > 1:
            for child in children:
                element.remove(child)
            for child in reversed(children):
                element.append(child)
        elif kind == "swap" and len(children) > 1:
            first, second = children[variant % len(children)], children[(variant + 1) % len(children)]
            first.addprevious(second) if first is not second else None
        elif kind == "comment":
            element.insert(variant % (len(element) + 1), etree.Comment(" note "))
        elif kind == "pi":
            element.insert(variant % (len(element) + 1), etree.ProcessingInstruction("pi", "x"))
        elif kind == "foreign":
            element.insert(variant % (len(element) + 1), etree.Element("{urn:x}extra", k="v"))
        elif kind == "foreign-tail":  # an unknown child followed by text: mixed content
            extra = etree.Element("{urn:x}extra")
            extra.tail = value or "z"
            element.insert(variant % (len(element) + 1), extra)
        elif kind == "duplicate" and children:
            import copy

            child = children[variant % len(children)]
            child.addnext(copy.deepcopy(child))
        elif kind == "text":
            element.text = value or "x"
        elif kind == "tail" and children:
            children[variant % len(children)].tail = value or "y"
        elif kind == "attr":
            element.set("{urn:y}odd" if variant % 2 else "odd", value)
        elif kind == "lang" and element.tag == "narrative":
            element.set("{http://www.w3.org/XML/1998/namespace}lang", value)
        elif kind == "narrative-child" and element.tag == "narrative":
            etree.SubElement(element, "b").text = value
        elif kind == "narrative-attr" and element.tag == "narrative":
            element.set("kind", value)
        elif kind in ("bool", "int", "decimal"):
            names = {"bool": ("humanitarian", "significance", "secondary-reporter", "ascending", "attached"),
                     "int": ("hierarchy", "level", "year"), "decimal": ("percentage", "value")}[kind]
            for name in names:
                if element.get(name) is not None:
                    element.set(name, value)
            if kind == "decimal" and element.tag == "value" and not len(element):
                element.text = value
        elif kind == "empty-text" and not len(element):
            element.text = None
        elif kind == "text-child-attr" and element.tag in ("email", "telephone", "website"):
            element.set("type", value)


MUTATION_STEPS = st.lists(st.tuples(st.sampled_from(_MUTATIONS), st.integers(0, 10_000), st.integers(0, 50)),
                          min_size=1, max_size=6)


@settings(max_examples=150, deadline=None, suppress_health_check=SLOW_OK)
@given(steps=MUTATION_STEPS)
def test_mutated_activities_give_the_typed_bytes(steps: list[tuple[str, int, int]],
                                                  tmp_path_factory: Any) -> None:
    import copy

    root = copy.deepcopy(_EXAMPLE_ROOT)
    _mutate(root, steps)
    path: Path = tmp_path_factory.mktemp("mutated") / "mutated.xml"
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    _assert_same(path, "json")


@pytest.mark.parametrize("kind", _MUTATIONS)
def test_each_mutation_on_every_element(kind: str, tmp_path: Path) -> None:
    """Every mutation once on every element of the example (hypothesis samples; this sweeps)."""
    import copy

    count = sum(1 for e in _EXAMPLE_ROOT.iter() if isinstance(e.tag, str)) - 1
    path = tmp_path / "swept.xml"
    for which in range(0, count, 3):
        root = copy.deepcopy(_EXAMPLE_ROOT)
        _mutate(root, [(kind, which, which)])
        path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
        _assert_same(path, "json")


# --- errors --------------------------------------------------------------------------------------------

def _error(run: Any) -> str:
    with pytest.raises(InputError) as caught:
        run()
    return str(caught.value)


@pytest.mark.parametrize("case", sorted(corpus.BROKEN))
def test_broken_files_fail_with_the_typed_message(case: str, tmp_path: Path) -> None:
    path = corpus.BROKEN[case](tmp_path)
    try:
        typed = _typed(path, "json")
    except InputError as exc:
        assert _error(lambda: _direct(path, "json")) == str(exc)
        return
    assert _direct(path, "json") == typed  # readable after all (a BOM, UTF-16...): the same output


def test_stray_root_children_and_no_version_give_the_typed_notes(tmp_path: Path) -> None:
    path = tmp_path / "odd.xml"
    path.write_bytes(b'<?xml version="1.0"?>\n<iati-activities>\n<!-- c --><other/>\n'
                     b'<iati-activity><iati-identifier>A</iati-identifier></iati-activity>\n'
                     b'<x:iati-activity xmlns:x="urn:x"/>\n'
                     b'<iati-activity><iati-identifier>B</iati-identifier></iati-activity>\n<after/>\n'
                     b'</iati-activities>\n')
    _assert_same(path, "json")
    _assert_same(path, "yaml")
    notes = _direct(path, "json")[1]
    assert [n.code for n in notes] == ["read.no-version", *["read.not-an-activity"] * 3]


# --- the JSON encoder -------------------------------------------------------------------------------

JSON_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
JSON_VALUES = st.recursive(
    JSON_TEXT | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(JSON_TEXT, inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(record=st.dictionaries(JSON_TEXT, JSON_VALUES, max_size=4))
def test_encode_record_is_the_standard_compact_json(record: dict[str, Any]) -> None:
    """orjson's bytes are the standard library's compact ones (big integers go through the latter)."""
    expected = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert encode_record(record) == expected
    assert json.loads(encode_record(record)) == record


def test_encode_record_refuses_a_lone_surrogate_as_before() -> None:
    with pytest.raises(UnicodeEncodeError):
        encode_record({"title": "\ud800"})
