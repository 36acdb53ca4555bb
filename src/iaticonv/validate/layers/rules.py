"""Layer 4: the IATI rulesets (``rulesets/2.0x/standard.json``), per activity or organisation, by id.

The ruleset maps absolute context XPaths (``/iati-activities/iati-activity/transaction``) to rule
types and cases. Once per version, each case gets a prefilter that selects, across a whole chunk of
records, the contexts that might fail: compiled from its plain paths where the optional compiled
module is built (``_rule_plans``, run for all such cases together, record by record), otherwise one
chunk-level XPath (``_rule_prefilter``: the context rewritten below the record step, filtered by the
predicate). Only those contexts run the Python rule (``_rule_types``), which decides and says why.
``loop`` cases are expanded per value of their ``foreach`` path on the contexts that have one, each
sub-case tried against its own compiled prefilter first. One finding per failing case, as in the
official report, located at the node the case blames.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from lxml import etree

from ..._kinds import KINDS, KindName, by_name
from ...standard.store import require_store
from ..context import Chunk, Hit, RecordContext
from ._rule_plans import ChunkPrefilter, chunk_prefilter, native_plan
from ._rule_prefilter import prefilter
from ._rule_types import RULE_TYPES, Env, Failure
from ._rule_xpath import NS, node_text, nodes, truthy

__all__ = [
    "CompiledCase",
    "check_chunk",
    "chunk_xpath",
    "environment",
    "id_condition_rule_ids",
    "load_ruleset",
    "org_id_prefixes",
    "ruleset",
    "today_number",
]



@dataclass(frozen=True, slots=True)
class CompiledCase:
    """One case: its rule type and JSON, and the chunk-level XPath selecting contexts that may fail."""

    name: str
    case: Mapping[str, Any]
    candidates: etree.XPath
    contexts: tuple[str, ...]  # the context paths below the record, without the prefilter
    native: Any = None  # the same prefilter compiled (``_rule_plans.native_plan``), when it takes the case


@dataclass(frozen=True, slots=True)
class Ruleset:
    """The compiled cases of one version and record kind, and their compiled prefilters run together."""

    cases: tuple[CompiledCase, ...]
    native: ChunkPrefilter | None

    def candidates(self, root: etree._Element) -> Iterator[tuple[CompiledCase, Any]]:
        """Each case with the chunk's contexts that may fail it (compiled where it can judge, else XPath)."""
        found = self.native(root) if self.native is not None else [None] * len(self.cases)
        for compiled, native in zip(self.cases, found, strict=True):
            yield compiled, native if native is not None else compiled.candidates(root)


def _relative(context: str) -> dict[KindName, list[str]]:
    """``/iati-activities/iati-activity/budget | …`` → {"activity": ["budget", …]}; ``//title`` → both kinds."""
    if context.startswith("//"):
        return {"activity": ["descendant::" + context[2:]], "organisation": ["descendant::" + context[2:]]}
    out: dict[KindName, list[str]] = {}
    for part in (p.strip() for p in context.split("|")):
        for record in KINDS:
            root = record.record_path
            if part == root:
                out.setdefault(record.name, []).append(".")
            elif part.startswith(root + "/"):
                out.setdefault(record.name, []).append(part[len(root) + 1:])
    return out


def chunk_xpath(kind: KindName, parts: list[str] | tuple[str, ...], predicate: str) -> str:
    """The chunk-level XPath of context ``parts`` (relative to the record), filtered by ``predicate``."""
    step = by_name(kind).record_tag
    full = [step if part == "." else f"{step}/{part}" for part in parts]
    if len(full) == 1:
        return f"{full[0]}[{predicate}]"
    return "(" + " | ".join(full) + f")[{predicate}]"


def today_number(now: dt.datetime) -> int:
    return now.year * 10000 + now.month * 100 + now.day


def _ymd(today: int) -> tuple[int, int, int]:
    return today // 10000, today // 100 % 100, today % 100


@cache
def _data(version: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((require_store() / "rulesets" / version / "standard.json").read_text("utf-8"))
    return data


@cache
def ruleset(version: str, kind: KindName, today: int) -> Ruleset:
    """``load_ruleset`` with the compiled prefilters of the cases they take (``_rule_plans``)."""
    cases = load_ruleset(version, kind, today)
    return Ruleset(cases, chunk_prefilter([case.native for case in cases], by_name(kind).record_tag))


@cache
def load_ruleset(version: str, kind: KindName, today: int) -> tuple[CompiledCase, ...]:
    """Compiled cases of ``version`` for one record kind (``today`` is yyyymmdd, for NOW rules)."""
    compiled: list[CompiledCase] = []
    for context, rules in _data(version).items():
        parts = _relative(context).get(kind)
        if not parts:
            continue
        for name, body in rules.items():
            if name not in RULE_TYPES and name != "loop":
                raise ValueError(f"rulesets/{version}/standard.json: unknown rule type {name!r}")
            for case in body.get("cases", ()):
                xpath = chunk_xpath(kind, parts, prefilter(name, case, today))
                native = native_plan(name, case, tuple(parts), _ymd(today), org_prefixes=org_id_prefixes())
                compiled.append(CompiledCase(name, case, etree.XPath(xpath, namespaces=NS), tuple(parts), native))
    return tuple(compiled)


@cache
def id_condition_rule_ids(version: str) -> frozenset[str]:
    """The ids of the cases the official validator skips for registered publishers (``idCondition``)."""
    found: set[str] = set()
    for rules in _data(version).values():
        for body in rules.values():
            found.update(str(case["ruleInfo"]["id"]) for case in body.get("cases", ()) if case.get("idCondition"))
    return frozenset(found)


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
    """The cases to run on a context: the case itself, or a loop's sub-cases, one per ``foreach`` value."""
    for sub_name, sub_case, _origin in _expanded(name, case, element):
        yield sub_name, sub_case


Origin = tuple[Mapping[str, Any], str]  # a loop sub-case's template and the value put in for $1


Expansion = list[tuple[str, Mapping[str, Any], Origin | None]]


def _expanded(name: str, case: Mapping[str, Any], element: etree._Element, plan: Any = None) -> Expansion:
    """``_expand``, with where each loop sub-case comes from (None for a case that is not in a loop).
    A loop's sub-cases for one set of ``foreach`` values are built once (``_EXPANSIONS``): a big file
    has tens of thousands of contexts with the same few vocabularies. ``plan``: the loop's compiled
    prefilter, which reads the ``foreach`` values itself when they are plain."""
    if name != "loop":
        return [(name, case, None)]
    found = plan.values(element) if plan is not None else None
    values = tuple(found if found is not None else dict.fromkeys(node_text(n) for n in nodes(case["foreach"], element)))
    expansion: Expansion = _EXPANSIONS.get(case, values, lambda: _substituted(case, values))
    return expansion


def _substituted(case: Mapping[str, Any], values: tuple[str, ...]) -> Expansion:
    subs = list(case.get("subs", ()))
    return [(sub_name, _substitute(sub_case, subs, value), (sub_case, value))
            for sub_name, body in case.get("do", {}).items()
            for sub_case in body.get("cases", ())
            for value in values]


class _PerCase:
    """What is built from a case and a key, kept for the next context that needs it. Bounded, and
    dropped whole when full; an entry serves only the very case object it was built from (the key
    holds the case's id, which a later object may reuse)."""

    LIMIT = 4096

    def __init__(self) -> None:
        self.entries: dict[tuple[int, Any], tuple[Mapping[str, Any], Any]] = {}

    def get(self, case: Mapping[str, Any], key: Any, build: Callable[[], Any]) -> Any:
        found = self.entries.get((id(case), key))
        if found is None or found[0] is not case:
            if len(self.entries) >= self.LIMIT:
                self.entries.clear()
            found = (case, build())
            self.entries[(id(case), key)] = found
        return found[1]


_EXPANSIONS = _PerCase()


class _SubPlans:
    """Compiled prefilters of loop sub-cases, per template and substituted value (a few vocabularies
    each), built on first use."""

    def __init__(self) -> None:
        self.plans = _PerCase()

    def get(self, name: str, origin: Origin, case: Mapping[str, Any], today: int) -> Any:
        template, value = origin
        return self.plans.get(template, (value, today), lambda: native_plan(name, case, (".",), _ymd(today)))


_SUB_PLANS = _SubPlans()


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
    node, value = failure.node, failure.value
    if value is not None and not value.strip():
        value = None
    params = {"detail": failure.detail}
    if node is None or isinstance(node, etree._Element):
        return Hit(rule_id=rule_id, node=element if node is None else node, value=value, params=params)
    parent = node.getparent()
    attribute = node.attrname if getattr(node, "is_attribute", False) else None
    return Hit(rule_id=rule_id, node=parent if parent is not None else element, attribute=attribute,
               value=value, params=params)


def environment(options_today: dt.date | None, registered: frozenset[str]) -> Env:
    now = (dt.datetime.combine(options_today, dt.time(23, 59, 59), dt.UTC) if options_today
           else dt.datetime.now(dt.UTC))
    return Env(now=now, org_id_prefixes=org_id_prefixes(), registered_org_ids=registered)


def check_chunk(chunk: Chunk) -> Iterator[tuple[RecordContext, Hit]]:
    """Every ruleset case on every context of the chunk's records that its prefilter selects."""
    env = environment(chunk.options.today, chunk.options.registered_org_ids)
    today = today_number(env.now)
    for compiled, found in ruleset(chunk.version, chunk.kind, today).candidates(chunk.root):
        if not isinstance(found, list):
            continue
        for element in found:
            if not isinstance(element, etree._Element):
                continue
            for rule_name, case, origin in _expanded(compiled.name, compiled.case, element, compiled.native):
                if origin is not None:  # a loop's sub-case: its compiled prefilter first, when it has one
                    plan = _SUB_PLANS.get(rule_name, origin, case, today)
                    if plan is not None and not plan.may_fail(element):
                        continue
                if _skipped(case, element, env):
                    continue
                failure = RULE_TYPES[rule_name].check(case, element, env)
                if failure is None:
                    continue
                record = chunk.record_of(element)
                if record is not None:
                    yield record, _hit(str(case["ruleInfo"]["id"]), failure, element)
