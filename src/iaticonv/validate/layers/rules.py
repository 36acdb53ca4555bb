"""Layer 4: the IATI rulesets (``rulesets/2.0x/standard.json``), per activity or organisation, by id.

The ruleset maps absolute context XPaths (``/iati-activities/iati-activity/transaction``) to rule
types and cases. They are rewritten once per version into paths relative to the record the walker
holds (``transaction``), grouped by record kind, and compiled; ``loop`` cases are expanded per value
of their ``foreach`` path at run time (compiled substitutions are cached). One finding per failing
case, as in the official report, located at the node the case blames.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from lxml import etree

from ...standard.store import require_store
from ..context import Hit, RecordContext, RecordKind
from .rule_types import RULE_TYPES, Env, Failure
from .rule_xpath import node_text, nodes, truthy

__all__ = ["CompiledContext", "check_record", "load_ruleset", "org_id_prefixes"]

ROOTS: dict[str, RecordKind] = {"/iati-activities/iati-activity": "activity",
                                "/iati-organisations/iati-organisation": "organisation"}


@dataclass(frozen=True, slots=True)
class CompiledContext:
    """One context of the ruleset: where (relative to the record) and which cases, in file order."""

    relative: str  # "." for the record itself
    cases: tuple[tuple[str, Mapping[str, Any]], ...]  # (rule type, case)


def _relative(context: str) -> dict[RecordKind, str]:
    """``/iati-activities/iati-activity/budget | …`` → {"activity": "budget | …"}; ``//title`` → both kinds."""
    if context.startswith("//"):
        return {"activity": "descendant::" + context[2:], "organisation": "descendant::" + context[2:]}
    out: dict[RecordKind, list[str]] = {}
    for part in (p.strip() for p in context.split("|")):
        for root, kind in ROOTS.items():
            if part == root:
                out.setdefault(kind, []).append(".")
            elif part.startswith((root + "/", root + "[")):
                rest = part[len(root):]
                out.setdefault(kind, []).append("self::node()" + rest if rest.startswith("[") else rest[1:])
    return {kind: " | ".join(parts) for kind, parts in out.items()}


@cache
def load_ruleset(version: str) -> dict[RecordKind, tuple[CompiledContext, ...]]:
    """The ruleset of ``version`` split by record kind (built and compiled once per version)."""
    data = json.loads((require_store() / "rulesets" / version / "standard.json").read_text(encoding="utf-8"))
    out: dict[RecordKind, list[CompiledContext]] = {"activity": [], "organisation": []}
    for context, rules in data.items():
        cases = tuple((name, case) for name, body in rules.items() for case in body.get("cases", ()))
        unknown = {name for name, _ in cases} - set(RULE_TYPES) - {"loop"}
        if unknown:
            raise ValueError(f"rulesets/{version}/standard.json: unknown rule types {sorted(unknown)}")
        for kind, relative in _relative(context).items():
            out[kind].append(CompiledContext(relative, cases))
    return {kind: tuple(items) for kind, items in out.items()}


@cache
def org_id_prefixes() -> frozenset[str]:
    """Confirmed registration-agency prefixes from org-id.guide (for ``ORG-ID-PREFIX``, rule 1.14.8)."""
    data = json.loads((require_store() / "org-id" / "org-id-lists.json").read_text(encoding="utf-8"))
    return frozenset(item["code"] for item in data.get("lists", ()) if item.get("confirmed") is True)


def _substitute(case: Mapping[str, Any], subs: list[str], value: str) -> dict[str, Any]:
    out = dict(case)
    for key in subs:
        if isinstance(out.get(key), str):
            out[key] = out[key].replace("$1", value)
        elif isinstance(out.get(key), list):
            out[key] = [item.replace("$1", value) for item in out[key]]
    return out


def _expand(name: str, case: Mapping[str, Any], element: etree._Element) -> Iterator[tuple[str, Mapping[str, Any]]]:
    if name != "loop":
        yield name, case
        return
    values = list(dict.fromkeys(node_text(n) for n in nodes(case["foreach"], element)))
    for sub_name, body in case.get("do", {}).items():
        for sub_case in body.get("cases", ()):
            for value in values:
                yield sub_name, _substitute(sub_case, list(case.get("subs", ())), value)


def _skipped(case: Mapping[str, Any], element: etree._Element, env: Env) -> bool:
    if "condition" in case and not truthy(case["condition"], element):
        return True
    condition = case.get("idCondition")
    if condition and env.registered_org_ids:
        texts = [node_text(n) for path in case.get("paths", ()) for n in nodes(path, element)]
        if condition == "NOT_EXISTING_ORG_ID":
            return any(text in env.registered_org_ids for text in texts)
        if condition == "NOT_EXISTING_ORG_ID_PREFIX":
            return any(text.startswith(org + "-") for text in texts for org in env.registered_org_ids)
    return False


def _hit(rule_id: str, failure: Failure, element: etree._Element) -> Hit:
    node = failure.node
    params = {"detail": failure.detail}
    if failure.value is not None and not failure.value.strip():
        failure = Failure(node, None, failure.detail)
    if node is None:
        return Hit(rule_id=rule_id, node=element, value=failure.value, params=params)
    if isinstance(node, etree._Element):
        return Hit(rule_id=rule_id, node=node, value=failure.value, params=params)
    parent = node.getparent()
    attribute = node.attrname if getattr(node, "is_attribute", False) else None
    return Hit(rule_id=rule_id, node=parent if parent is not None else element, attribute=attribute,
               value=failure.value, params=params)


def environment(ctx: RecordContext) -> Env:
    today = ctx.options.today
    now = dt.datetime.combine(today, dt.time(23, 59, 59), dt.UTC) if today else dt.datetime.now(dt.UTC)
    return Env(now=now, org_id_prefixes=org_id_prefixes(), registered_org_ids=ctx.options.registered_org_ids)


def check_record(ctx: RecordContext) -> Iterator[Hit]:
    """Every ruleset case of the record's kind, in ruleset order."""
    env = environment(ctx)
    for context in load_ruleset(ctx.version)[ctx.kind]:
        for element in nodes(context.relative, ctx.element):
            if not isinstance(element, etree._Element):
                continue
            for name, raw in context.cases:
                for rule_name, case in _expand(name, raw, element):
                    if _skipped(case, element, env):
                        continue
                    failure = RULE_TYPES[rule_name](case, element, env)
                    if failure is not None:
                        yield _hit(str(case["ruleInfo"]["id"]), failure, element)
