"""The model covers the IATI 2.03 activity XSD, and its JSON Schema is generated, committed and honest."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import xmlschema

from conftest import ROOT, STANDARD_MIRROR
from iati_files import activity_files
from iaticonv.formats.iati_xml.xml_io import IatiXmlReader
from iaticonv.formats.records.record import node_to_record
from iaticonv.model import XML_LANG, Activity, Kind, Node, plan_for
from iaticonv.model.jsonschema import record_schema, schema_text

XSD = STANDARD_MIRROR / "schemas" / "2.03" / "iati-activities-schema.xsd"
SCHEMA_FILE = ROOT / "schemas" / "activity-record.schema.json"


def _xsd_paths() -> dict[str, set[str]]:
    """element path → attribute names, walked from the official XSD (independent of the model)."""
    schema = xmlschema.XMLSchema(str(XSD))
    found: dict[str, set[str]] = {}

    def walk(element: Any, path: str) -> None:
        kind = element.type
        found[path] = {name for name in getattr(kind, "attributes", {}) if name}
        if kind.is_simple() or kind.has_simple_content():
            return
        for sub in kind.content.iter_elements():
            if getattr(sub, "local_name", None):
                walk(sub, f"{path}/{sub.local_name}")

    walk(schema.elements["iati-activities"].type.content[0], "iati-activity")
    return found


def _model_paths(cls: type[Node], path: str, found: dict[str, set[str]]) -> None:
    plan = plan_for(cls)
    found[path] = {f.xml for f in plan.attrs}
    for fplan in plan.children:
        if fplan.kind is Kind.CHILD:
            assert fplan.cls is not None
            _model_paths(fplan.cls, f"{path}/{fplan.xml}", found)
        elif fplan.kind is Kind.NARRATIVES:
            found[f"{path}/narrative"] = {XML_LANG}
        else:
            found[f"{path}/{fplan.xml}"] = set()


def test_model_types_every_element_and_attribute_of_the_203_xsd() -> None:
    model: dict[str, set[str]] = {}
    _model_paths(Activity, "iati-activity", model)
    xsd = _xsd_paths()
    assert sorted(set(xsd) - set(model)) == []
    assert sorted(set(model) - set(xsd)) == []
    # shared classes may type a few more attributes than one context allows (validation polices that)
    missing = {path: xsd[path] - model[path] for path in xsd if xsd[path] - model[path]}
    assert missing == {}


def test_child_fields_follow_the_xsd_sequence() -> None:
    schema = xmlschema.XMLSchema(str(XSD))
    activity = schema.elements["iati-activities"].type.content[0]
    xsd_order = [e.local_name for e in activity.type.content.iter_elements() if getattr(e, "local_name", None)]
    assert [f.xml for f in plan_for(Activity).children] == xsd_order


def test_committed_schema_equals_a_fresh_generation() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "regenerate with: python -m iaticonv.model.jsonschema schemas/activity-record.schema.json"
    )


def test_records_of_real_files_validate_against_the_schema() -> None:
    validator = jsonschema.Draft202012Validator(record_schema())
    checked = 0
    for path in activity_files("2.03"):
        for activity in list(IatiXmlReader(path).records())[::5]:  # every file, a fifth of its records
            errors = list(validator.iter_errors(node_to_record(activity)))
            assert not errors, f"{path.name}: {errors[0].json_path}: {errors[0].message}"
            checked += 1
    assert checked > 250


def test_schema_rejects_an_unknown_field() -> None:
    validator = jsonschema.Draft202012Validator(record_schema())
    assert not validator.is_valid({"iati_identifier": "X", "budget": []})
    assert validator.is_valid(json.loads(json.dumps({"iati_identifier": "X", "budgets": [{"type": "1"}]})))
