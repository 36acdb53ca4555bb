"""Upgrading IATI 2.01/2.02 activities to 2.03, and reporting what cannot be upgraded.

2.03 is, element by element, a superset of 2.01 and 2.02: every element and attribute those versions
allow keeps its place and meaning (2.03 adds elements such as ``tag`` and ``humanitarian-scope``,
allows repetition of ``default-aid-type``/``baseline``/``target``/``actual``, and makes
``baseline/@value`` and ``policy-marker/@significance`` optional). So the upgrade itself is the
version number: nothing is renamed, moved or dropped, and nothing is invented.

What 2.03 requires and an old file lacks (the classic case: a 2.01 ``result`` without ``indicator``,
which GAC published) cannot be filled in without making data up. Such an activity is passed on as it
is, and every place where it falls short of the 2.03 schema is reported as a note — the specific
known gaps with their own codes, anything else the 2.03 XSD rejects as ``upgrade.schema``.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from lxml import etree

from ..._kinds import ACTIVITY
from ...standard.store import require_store

__all__ = ["UPGRADABLE", "activity_schema", "upgrade_activity"]

UPGRADABLE = frozenset({"2.01", "2.02"})


@functools.cache
def activity_schema() -> etree.XMLSchema:
    """The 2.03 activity XSD from the installed standard, loaded once per process."""
    path = require_store() / "schemas" / "2.03" / ACTIVITY.schema_file
    return etree.XMLSchema(etree.parse(str(path)))


def upgrade_activity(element: Any, version: str) -> list[tuple[str, str]]:
    """Upgrade one ``iati-activity`` element in place; return (code, message) notes on what 2.03 misses."""
    notes: list[tuple[str, str]] = []
    known: set[str] = set()
    for position, result in enumerate(element.iterchildren("result"), start=1):
        if result.find("indicator") is None:
            known.add("result")
            notes.append((
                "upgrade.result-without-indicator",
                f"result {position} (line {result.sourceline}) has no indicator, which IATI 2.03 requires; "
                f"it is kept as published in {version} (an indicator cannot be derived from the data)",
            ))
    for error in _schema_errors(element):
        if any(f"Element '{tag}'" in error.message for tag in known):
            continue
        notes.append(("upgrade.schema", f"line {error.line}: {error.message} (not valid IATI 2.03 after upgrade)"))
    return notes


def _schema_errors(element: Any) -> list[Any]:
    """The 2.03 XSD errors of one activity, validated inside a minimal ``iati-activities`` wrapper."""
    wrapper = etree.Element(ACTIVITY.root_tag, version="2.03")
    wrapper.append(copy.deepcopy(element))
    schema = activity_schema()
    if schema.validate(etree.ElementTree(wrapper)):
        return []
    log: Any = schema.error_log
    return list(log)
