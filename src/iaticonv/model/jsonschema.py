"""The JSON Schema of the activity record, generated from the model's field metadata.

One source of truth: the committed ``schemas/activity-record.schema.json`` is this module's output,
and a test fails when the two differ. Regenerate with ``python -m iaticonv.model.jsonschema``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .._kinds import ACTIVITY
from ._meta import Kind, Node, plan_for
from .activity import Activity

__all__ = ["SCHEMA_ID", "record_schema", "schema_text"]

SCHEMA_ID = "https://iaticonv.example/schemas/activity-record.schema.json"

_NARRATIVES = {
    "type": "object",
    "description": "language code → text; the key \"\" is a narrative without xml:lang",
    "additionalProperties": {"type": "string"},
}


def _base_properties(cls: type[Node]) -> dict[str, Any]:
    names = [f.name for f in plan_for(cls).children]
    return {
        "extra_attrs": {
            "type": "object",
            "description": "attributes the model does not type, {namespace}local → exact value",
            "additionalProperties": {"type": "string"},
        },
        "extras": {
            "type": "array",
            "description": "child nodes the model does not type, as verbatim XML, in document order",
            "items": {"type": "string"},
        },
        "order": {
            "type": "array",
            "description": "input order of the children when it is not the XSD order ('+' = next extra)",
            "items": {"enum": [*names, "+"]},
        },
    }


def _class_schema(cls: type[Node], defs: dict[str, Any]) -> dict[str, str]:
    name = cls.__name__
    if name not in defs:
        defs[name] = {}  # reserve the name first: the model's classes are shared, never recursive
        properties: dict[str, Any] = {}
        for fplan in plan_for(cls).fields:
            if fplan.kind is Kind.CHILD:
                assert fplan.cls is not None
                item: dict[str, Any] = _class_schema(fplan.cls, defs)
            else:
                item = dict(_NARRATIVES if fplan.kind is Kind.NARRATIVES else fplan.scalar.json_schema)
                where = "@" + fplan.xml if fplan.kind is Kind.ATTR else fplan.xml or "text()"
                item["description"] = f"{where}: {item.get('description', fplan.scalar.name)}"
            properties[fplan.name] = {"type": "array", "items": item} if fplan.many else item
        properties.update(_base_properties(cls))
        doc = (cls.__doc__ or name).strip().splitlines()[0]
        defs[name] = {"type": "object", "description": doc, "properties": properties,
                      "additionalProperties": False}
    return {"$ref": f"#/$defs/{name}"}


def record_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one activity record, with the file layout in ``$defs``."""
    defs: dict[str, Any] = {}
    root = _class_schema(Activity, defs)
    defs["FileHeader"] = {
        "type": "object",
        "description": "the iati-activities root: attributes and namespace declarations",
        "properties": {
            "version": {"type": "string"},
            "generated_datetime": {"type": "string"},
            "linked_data_default": {"type": "string"},
            "extra_attrs": {"type": "object", "additionalProperties": {"type": "string"}},
            "nsmap": {"type": "object", "additionalProperties": {"type": "string"}},
        },
        "additionalProperties": False,
    }
    defs["RecordFile"] = {
        "type": "object",
        "description": "a JSON file of many records, as iaticonv writes it",
        "properties": {
            ACTIVITY.root_tag: {"$ref": "#/$defs/FileHeader"},
            "activities": {"type": "array", "items": root},
        },
        "additionalProperties": False,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "iaticonv activity record (IATI 2.03 activity)",
        **root,
        "$defs": dict(sorted(defs.items())),
    }


def schema_text() -> str:
    """The schema as the exact text committed to ``schemas/``."""
    return json.dumps(record_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # pragma: no cover - a developer tool
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    if target is None:
        sys.stdout.write(schema_text())
    else:
        target.write_text(schema_text(), encoding="utf-8")
