"""The compiled codelist walk finds exactly what the Python walk finds (#5).

:mod:`iaticonv.validate.layers._codelists_native` is an optional build (setup.py). Where it is built,
both walks run on every record of every real file, the official examples and every schema-test file,
under each version's rules, with and without iaticonv's own checks (withdrawn codes); then on the
example with codes, vocabularies and attribute values replaced at random (valid, withdrawn, unknown,
blank, entity references, namespaced look-alikes). The hits compared are their rule, element, line,
attribute, value and message parameters, in order.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import EXAMPLE_ACTIVITY, EXAMPLE_ORGANISATION, SCHEMA_TESTS, compiled_off, real_files
from iaticonv.validate.context import Hit
from iaticonv.validate.layers.codelists import compiled_module, compiled_walk_available, record_hits
from test_model_properties import SLOW_OK

pytestmark = pytest.mark.skipif(not compiled_walk_available(),
                                reason=compiled_off("validate.layers._codelists_native"))

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, load_dtd=False)
RECORDS = {"iati-activities": ("iati-activity", "activity"),
           "iati-organisations": ("iati-organisation", "organisation")}


def _key(hit: Hit) -> tuple[Any, ...]:
    node = hit.node
    assert node is not None
    return (hit.rule_id, node.sourceline, node.getroottree().getpath(node), hit.attribute, hit.value,
            sorted(hit.params.items()))


def _assert_same(root: Any, where: str, versions: tuple[str, ...] = ("2.03",)) -> int:
    step, kind = RECORDS[root.tag]
    found = 0
    for number, record in enumerate(root.iter(step)):
        for version in versions:
            for extra in (False, True):
                compiled = [_key(hit) for hit in record_hits(record, version, kind, extra)]
                python = [_key(hit) for hit in record_hits(record, version, kind, extra, compiled=False)]
                assert compiled == python, f"{where} record {number}, {version}, extra={extra}"
                found += len(compiled)
    return found


def test_every_record_of_every_file_gives_the_python_hits() -> None:
    found = 0
    for path in [EXAMPLE_ACTIVITY, EXAMPLE_ORGANISATION, *real_files(), *sorted(SCHEMA_TESTS.rglob("*.xml"))]:
        try:
            root = etree.parse(str(path), _PARSER).getroot()
        except etree.XMLSyntaxError:
            continue
        if root.tag in RECORDS:
            found += _assert_same(root, path.name, ("2.01", "2.02", "2.03"))
    assert found > 10_000  # the comparison covers findings, not only clean records


_EXAMPLE_ROOT = etree.parse(str(EXAMPLE_ACTIVITY), _PARSER).getroot()
_VALUES = ["1", "2", "99", "98", "10", "15112", "11110", "11321", "A01", "B02", "GBP", "CAD", "XXX", "en", "fr",
           "EN", "", " ", " 1 ", "1e1", "D01", "110", "40", "2", "3", "x" * 40]


@settings(max_examples=150, deadline=None, suppress_health_check=SLOW_OK)
@given(edits=st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(["code", "vocabulary", "type", "currency",
                                                                         "role", "text", "{urn:x}code", "remove"]),
                                st.sampled_from(_VALUES)), min_size=1, max_size=12))
def test_random_codes_give_the_python_hits(edits: list[tuple[int, str, str]]) -> None:
    root = copy.deepcopy(_EXAMPLE_ROOT)
    elements = [e for e in root.iter() if isinstance(e.tag, str) and e.tag != "iati-activities"]
    for which, attribute, value in edits:
        element = elements[which % len(elements)]
        if attribute == "text":
            if not len(element):
                element.text = value
        elif attribute == "remove":
            element.attrib.pop("code", None)
            element.attrib.pop("vocabulary", None)
        else:
            element.set(attribute, value)
    _assert_same(root, repr(edits))


def test_entity_references_in_values_give_the_python_hits(tmp_path: Path) -> None:
    """An attribute made of an entity reference is read by Python (lxml), as before."""
    text = EXAMPLE_ACTIVITY.read_text(encoding="utf-8").replace(
        "<iati-activities", '<!DOCTYPE iati-activities [<!ENTITY c "15112">]>\n<iati-activities', 1)
    text = text.replace('<sector vocabulary="2" code="111"', '<sector vocabulary="2" code="&c;"', 1)
    text = text.replace('<sector vocabulary="2" code="112"', '<sector vocabulary="2" code="1&c;"', 1)
    root = etree.fromstring(text.encode("utf-8"), _PARSER)
    sectors = [s for s in root.iter("sector") if "&c;" in etree.tostring(s, encoding="unicode")]
    assert [s.get("code") for s in sectors] == ["15112", "115112"]  # references kept, values expanded by lxml
    assert _assert_same(root, "entities") > 0  # 15112 is no code of vocabulary 2 (SectorCategory): hits


def _languages_by_xpath(record: etree._Element, version: str) -> list[tuple[etree._Element, str]]:
    from iaticonv.validate.layers import extra

    codes = extra._language_codes(version)
    found = extra._LANGS(record)
    assert isinstance(found, list)
    return [(value.getparent(), str(value)) for value in found if str(value) not in codes]  # type: ignore[union-attr]


ODD_LANGUAGES = b"""<iati-activities version="2.03" xmlns:x="urn:x"><iati-activity xml:lang="EN">
<title><narrative xml:lang="">a</narrative><narrative xml:lang="fr">b</narrative>
<narrative xml:lang=" en ">c</narrative></title>
<x:ext xml:lang="zz"><x:in xml:lang="es"/><x:in xml:lang="q&#233;"/></x:ext><description lang="xx"/>
<!-- xml:lang="no" --><sector code="1"><narrative xml:lang="EN-gb">d</narrative></sector></iati-activity>
</iati-activities>"""


def test_compiled_language_check_finds_what_the_xpath_finds(tmp_path: Path) -> None:
    from iaticonv.validate.layers import extra

    odd = tmp_path / "odd-languages.xml"
    odd.write_bytes(ODD_LANGUAGES)
    checked = 0
    for path in [*real_files(), EXAMPLE_ACTIVITY, EXAMPLE_ORGANISATION, odd]:
        root = etree.parse(str(path), _PARSER).getroot()
        step, _kind = RECORDS.get(str(root.tag), ("iati-activity", "activity"))
        version = root.get("version") if root.get("version") in ("2.01", "2.02", "2.03") else "2.03"
        for record in root.iterfind(step):
            compiled = extra._language_misses(record, str(version))
            assert compiled == _languages_by_xpath(record, str(version))
            checked += len(compiled)
    assert checked > 1000
    odd_record = etree.parse(str(odd), _PARSER).getroot()[0]
    assert [value for _element, value in extra._language_misses(odd_record, "2.03")] == [
        "EN", "", " en ", "zz", "qé", "EN-gb"]


def test_compiled_language_spots_are_placed_as_locate_places_them(tmp_path: Path) -> None:
    """Each compiled spot (line, path below the record, value) is what ``_locate`` gives the element;
    a record it cannot place plainly (namespaced elements) is left to the Python walk (None)."""
    from iaticonv.validate._locate import relative_path, source_line
    from iaticonv.validate.layers import extra

    native = compiled_module()
    odd = tmp_path / "odd-languages.xml"
    odd.write_bytes(ODD_LANGUAGES)
    placed = declined = 0
    for path in [*real_files(), EXAMPLE_ACTIVITY, EXAMPLE_ORGANISATION, odd]:
        root = etree.parse(str(path), _PARSER).getroot()
        step, _kind = RECORDS.get(str(root.tag), ("iati-activity", "activity"))
        version = str(root.get("version") if root.get("version") in ("2.01", "2.02", "2.03") else "2.03")
        for record in root.iterfind(step):
            spots = native.language_spots(record, extra._language_codes(version))
            expected = [(source_line(element), relative_path(element, record), value)
                        for element, value in extra._language_misses(record, version)]
            if spots is None:
                declined += 1
                assert any(":" in path or "*" in path for _line, path, _value in expected)
                continue
            assert spots == expected
            placed += len(spots)
            assert extra._language_spots(record, version) == expected
    assert placed > 1000
    assert declined >= 1  # the odd record's namespaced x:ext


ODD_LINKS = b"""<iati-activities version="2.03" xmlns:x="urn:x"><iati-activity><iati-identifier>A</iati-identifier>
<related-activity ref=" B-1 " type="1"/><related-activity ref="" type="2"/><related-activity ref="   " type="2"/>
<x:related-activity ref="NOT-A-LINK"/><participating-org role="1" activity-id="C-1"/>
<transaction><provider-org provider-activity-id="D-1"/><receiver-org receiver-activity-id="E-1"/></transaction>
<transaction><provider-org provider-activity-id="D-1"/></transaction>
<planned-disbursement><provider-org provider-activity-id="F-\xc3\xa9"/></planned-disbursement>
</iati-activity></iati-activities>"""


def test_compiled_links_are_the_xpath_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every activity link (1000.0.*) the compiled walk places is the one the advisories' XPaths find:
    same target, same finding, same order, on every real file and on odd links (blank, spaced,
    namespaced, repeated, non-ASCII)."""
    from iaticonv.validate import ValidateOptions
    from iaticonv.validate.layers import advisory
    from test_validate_rules import _chunks_of

    odd = tmp_path / "odd-links.xml"
    odd.write_bytes(ODD_LINKS)
    compared = 0
    for path in [*real_files(), EXAMPLE_ACTIVITY, odd]:
        for chunk in _chunks_of(path, ValidateOptions()):
            compiled = list(advisory.collect_chunk(chunk))
            with monkeypatch.context() as patch:
                patch.setattr(advisory, "compiled_module", lambda: None)
                by_xpath = list(advisory.collect_chunk(chunk))
            assert compiled == by_xpath, path.name
            compared += len(compiled)
    assert compared > 1000
    odd_chunk = _chunks_of(odd, ValidateOptions())[0]
    assert [link.target for link in advisory.collect_chunk(odd_chunk)] == ["C-1", "F-é", "D-1", "D-1", "E-1", "B-1"]
