"""Every rule id the validator can emit, declared once: the catalogue.

Official ids are not typed in here by hand: they are read from the installed rule data (the
rulesets' ``ruleInfo``, the codelist rules in ``rule_mapping.xml`` and ``advisoryDefinitions.json``,
for 2.01, 2.02 and 2.03), so the catalogue follows the installed Standard. Only the ids that live in
the official validator's *code* (0.1.1, 0.2.1, 0.3.1, 0.6.1, 1.1.2) and iaticonv's own checks are
declared below. Messages are templates rendered when a report is assembled (``RuleInfo.render``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from .._xml import parse_file
from ..standard.store import require_store
from ._own_rules import OWN_RULES
from ._table import Table
from .findings import SEVERITIES, Severity
from .ruleinfo import VERSIONS, RuleInfo, escape, standard_link

__all__ = ["VERSIONS", "Catalogue", "RuleInfo", "load_catalogue", "standard_link"]

LAYERS = ("wellformed", "schema", "codelists", "rules", "advisory", "extra")


class Catalogue(Table[RuleInfo]):
    """Rule id → ``RuleInfo``, in catalogue order (layer, then numeric id)."""

    def __init__(self, rules: Mapping[str, RuleInfo]) -> None:
        order = {name: index for index, name in enumerate(LAYERS)}
        super().__init__(dict(sorted(rules.items(), key=lambda item: (order[item[1].layer], _id_key(item[0])))))


def _id_key(rule_id: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in rule_id.split("."))


# Ids that the official validator emits from its code rather than from rule data.
CODE_RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        id="0.1.1", layer="wellformed", severity="critical", category="iati", official_id="0.1.1",
        title="Well-formed XML", template="The file is not well-formed XML: {detail}",
    ),
    RuleInfo(
        id="0.2.1", layer="wellformed", severity="critical", category="iati", official_id="0.2.1",
        title="IATI root element",
        template="The file is not an IATI file: its root element is <{root}>, "
        "expected <iati-activities> or <iati-organisations>.",
    ),
    RuleInfo(
        id="0.6.1", layer="wellformed", severity="critical", category="documents", official_id="0.6.1",
        title="Supported version",
        template="Version {version} of the IATI Standard is not supported. "
        "Supported versions: 2.01, 2.02, 2.03. {hint}",
        link="https://iatistandard.org/en/news/notice-iati-standard-version-1-is-deprecated/",
    ),
    RuleInfo(
        id="0.3.1", layer="schema", severity="critical", category="schema", official_id="0.3.1",
        title="XML Schema", template="{detail}",
    ),
    RuleInfo(
        id="1.1.2", layer="rules", severity="error", category="identifiers", official_id="1.1.2",
        title="Unique activity identifier",
        template="The activity identifier must be unique for each activity. "
        "'{value}' was first used at line {first_line}.",
        link=standard_link("activity-standard/iati-activities/iati-activity/iati-identifier/"),
    ),
)


def _rule_link(info: Mapping[str, Any]) -> str | None:
    link = info.get("link")
    if isinstance(link, dict):
        if link.get("url"):
            return str(link["url"])
        if link.get("path"):
            return standard_link(str(link["path"]))
    return None


def _ruleinfos(node: Any) -> Iterator[Mapping[str, Any]]:
    """Every ``ruleInfo`` in a ruleset, including those nested in ``loop`` cases."""
    if isinstance(node, dict):
        if "ruleInfo" in node and isinstance(node["ruleInfo"], dict):
            yield node["ruleInfo"]
        for value in node.values():
            yield from _ruleinfos(value)
    elif isinstance(node, list):
        for item in node:
            yield from _ruleinfos(item)


def _severity(text: str) -> Severity:
    value = text.strip().lower()
    for severity in SEVERITIES:
        if severity == value:
            return severity
    return "error"


def _from_rulesets(store: Path, rules: dict[str, RuleInfo], seen: dict[str, set[str]]) -> None:
    for version in VERSIONS:
        path = store / "rulesets" / version / "standard.json"
        if not path.is_file():
            continue
        for info in _ruleinfos(json.loads(path.read_text(encoding="utf-8"))):
            rule_id = str(info["id"])
            seen.setdefault(rule_id, set()).add(version)
            message = str(info.get("message", "")).strip()
            rules[rule_id] = RuleInfo(
                id=rule_id, layer="rules", severity=_severity(str(info.get("severity", "error"))),
                category=str(info.get("category", "iati")), title=message.split(".")[0][:80],
                template=escape(message) + "{detail}", official_id=rule_id, link=_rule_link(info),
            )


def _from_rule_mappings(store: Path, rules: dict[str, RuleInfo], seen: dict[str, set[str]]) -> None:
    # An id can be reused for two checks (2.03: 9.129.1 and 9.130.1 cover sector vocabulary 7/8 AND
    # transaction aid-type vocabulary 2/4); its template then takes the message from the finding.
    messages: dict[str, set[str]] = {}
    for version in VERSIONS:
        path = store / "validator" / version / "rule_mapping.xml"
        if not path.is_file():
            continue
        for mapping in parse_file(path).getroot().iterfind("mapping"):
            ref = mapping.find("codelist")
            codelist = ref.get("ref", "") if ref is not None else ""
            for rule in mapping.iterfind("validation-rules/validation-rule"):
                rule_id = (rule.findtext("id") or "").strip()
                if not rule_id:
                    continue
                seen.setdefault(rule_id, set()).add(version)
                message = (rule.findtext("message") or "").strip()
                if version == VERSIONS[-1] or rule_id not in messages:
                    messages.setdefault(rule_id, set()).add(message)
                shared = len(messages[rule_id]) > 1
                rules[rule_id] = RuleInfo(
                    id=rule_id, layer="codelists", severity=_severity(rule.findtext("severity") or "error"),
                    category=(rule.findtext("category") or "iati").strip(),
                    title=" / ".join(sorted(m.split(".")[0][:60] for m in messages[rule_id])),
                    template=("{rule_message}" if shared else escape(message))
                    + " '{value}' is not a code of the {codelist} codelist{vocab}.",
                    official_id=rule_id,
                    link=None if shared else standard_link(f"codelists/{codelist}/"),
                )


def _from_advisories(store: Path, rules: dict[str, RuleInfo], seen: dict[str, set[str]]) -> None:
    for version in VERSIONS:
        path = store / "validator" / version / "advisoryDefinitions.json"
        if not path.is_file():
            continue
        for item in json.loads(path.read_text(encoding="utf-8")):
            rule_id = str(item["id"])
            seen.setdefault(rule_id, set()).add(version)
            message = str(item.get("message", "")).strip()
            rules[rule_id] = RuleInfo(
                id=rule_id, layer="advisory", severity="advisory", category=str(item.get("category", "")),
                title=message.split(".")[0][:80],
                template=escape(message) + " '{value}' was not found in the files validated{where}.",
                official_id=rule_id, link=str(item.get("link") or "") or None,
            )


@cache
def _load(store: Path) -> Catalogue:
    rules: dict[str, RuleInfo] = {}
    seen: dict[str, set[str]] = {}
    # Later versions overwrite earlier ones, so the 2.03 wording wins for an id all versions share.
    _from_rulesets(store, rules, seen)
    _from_rule_mappings(store, rules, seen)
    _from_advisories(store, rules, seen)
    for rule_id, info in list(rules.items()):
        versions = tuple(v for v in VERSIONS if v in seen.get(rule_id, ()))
        rules[rule_id] = RuleInfo(**{**_fields(info), "versions": versions})
    for info in (*CODE_RULES, *OWN_RULES):
        rules[info.id] = info
    return Catalogue(rules)


def _fields(info: RuleInfo) -> dict[str, Any]:
    return {name: getattr(info, name) for name in RuleInfo.__dataclass_fields__}


def load_catalogue() -> Catalogue:
    """The catalogue for the installed Standard (built once per store)."""
    return _load(require_store())
