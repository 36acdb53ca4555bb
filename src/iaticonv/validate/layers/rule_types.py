"""The ruleset rule types (IATI-Rulesets ``SPEC.rst``), one small function each.

Each takes the case (its JSON, ``$1`` already substituted in loops), the context element and the
environment, and returns ``None`` when the case passes or a ``Failure`` naming the node to blame.
Semantics follow the official engine where the spec is silent: missing or unparsable dates pass,
empty strings pass regex and no-space checks, a strict sum is compared after rounding to 4 decimals,
a date rule reads only the first date its path finds.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from lxml import etree

from .rule_xpath import node_text, nodes, parse_date, to_number, truthy

__all__ = ["RULE_TYPES", "Env", "Failure"]

Case = Mapping[str, Any]
CURRENCY_HOLDERS = ("value", "forecast", "loan-status")


@dataclass(frozen=True, slots=True)
class Env:
    """What rules need besides the record: "now", the org-id prefixes, registered publisher ids."""

    now: dt.datetime
    org_id_prefixes: frozenset[str]
    registered_org_ids: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a case failed: the node to point at (None: the context element), its value, a detail."""

    node: Any = None
    value: str | None = None
    detail: str = ""


def _paths(case: Case, element: etree._Element) -> list[Any]:
    return [node for path in case.get("paths", ()) for node in nodes(path, element)]


def _first_date(path: str, element: etree._Element, env: Env) -> tuple[dt.datetime, Any] | None:
    if path == "NOW":
        return env.now, None
    found = nodes(path, element)
    if not found:
        return None
    parsed = parse_date(node_text(found[0]))
    return (parsed, found[0]) if parsed is not None else None


def no_more_than_one(case: Case, element: etree._Element, env: Env) -> Failure | None:
    found = _paths(case, element)
    return Failure(found[1], node_text(found[1]), f" ({len(found)} found)") if len(found) > 1 else None


def atleast_one(case: Case, element: etree._Element, env: Env) -> Failure | None:
    return None if _paths(case, element) else Failure(detail=f" (none of: {', '.join(case['paths'])})")


def dependent(case: Case, element: etree._Element, env: Env) -> Failure | None:
    """Spec only (the official engine does not implement it): if one path exists, all must."""
    present = [bool(nodes(path, element)) for path in case["paths"]]
    if any(present) and not all(present):
        missing = [path for path, here in zip(case["paths"], present, strict=True) if not here]
        return Failure(detail=f" (missing: {', '.join(missing)})")
    return None


def only_one_of(case: Case, element: etree._Element, env: Env) -> Failure | None:
    found = _paths(case, element)
    for excluded in case.get("excluded", ()):
        if nodes(excluded, element):
            if found:
                return Failure(found[0], node_text(found[0]), f" ({excluded} is present)")
        elif len(found) != 1:
            return Failure(found[1] if len(found) > 1 else None, detail=f" ({len(found)} found)")
    return None


def one_or_all(case: Case, element: etree._Element, env: Env) -> Failure | None:
    if nodes(case["one"], element):
        return None
    kind = case["all"]
    failing: list[etree._Element] = []
    if kind == "lang":
        failing = [n for n in nodes("descendant::narrative", element) if not nodes("@xml:lang", n)]
    elif kind == "sector":
        failing = [t for t in nodes("transaction", element) if not nodes("sector", t)]
    elif kind == "recipient-country|recipient-region":
        failing = [t for t in nodes("transaction", element) if not nodes("recipient-country|recipient-region", t)]
    elif kind == "currency":
        holders = [n for tag in CURRENCY_HOLDERS for n in nodes(f"descendant::{tag}", element)]
        failing = [n for n in holders if n.get("currency") is None]
    if not failing:
        return None
    more = f" ({len(failing)} elements)" if len(failing) > 1 else ""
    return Failure(failing[0], None, more)


def unique(case: Case, element: etree._Element, env: Env) -> Failure | None:
    seen: set[str] = set()
    for node in _paths(case, element):
        text = node_text(node)
        if text in seen:
            return Failure(node, text)
        seen.add(text)
    return None


def _sum(found: list[Any]) -> float:
    total = sum(to_number(node_text(node)) for node in found)
    return total if math.isnan(total) else round(total, 4)


def _vocabulary(owner: etree._Element) -> str:
    parent = owner.getparent()
    return owner.get("vocabulary") or (parent.get("vocabulary") if parent is not None else None) or ""


def strict_sum(case: Case, element: etree._Element, env: Env) -> Failure | None:
    found = _paths(case, element)
    total = _sum(found)
    if total == float(case["sum"]):
        return None
    owners = [n.getparent() if not isinstance(n, etree._Element) else n for n in found]
    names = ", ".join(dict.fromkeys(str(o.tag) for o in owners if o is not None))
    vocabularies = ", ".join(v for v in dict.fromkeys(_vocabulary(o) for o in owners if o is not None) if v)
    shown = f"{total:g}" if not math.isnan(total) else "not a number"
    where = f" in vocabulary {vocabularies}." if vocabularies else "."
    return Failure(found[0] if found else None, shown, f" The sum is {shown} for {names or 'nothing'}{where}")


def sum_rule(case: Case, element: etree._Element, env: Env) -> Failure | None:
    return strict_sum(case, element, env) if _paths(case, element) else None


def date_order(case: Case, element: etree._Element, env: Env) -> Failure | None:
    less, more = _first_date(case["less"], element, env), _first_date(case["more"], element, env)
    if less is None or more is None or less[0] <= more[0]:
        return None
    later = "now" if case["more"] == "NOW" else f"{case['more']} = {more[0].date()}"
    return Failure(less[1], node_text(less[1]), f" ({case['less']} = {less[0].date()} is later than {later})")


def date_now(case: Case, element: etree._Element, env: Env) -> Failure | None:
    found = _first_date(case["date"], element, env)
    if found is None or found[0] <= env.now:
        return None
    return Failure(found[1], node_text(found[1]), f" ({found[0].isoformat()} is in the future)")


def time_limit(case: Case, element: etree._Element, env: Env) -> Failure | None:
    start, end = _first_date(case["start"], element, env), _first_date(case["end"], element, env)
    if start is None or end is None or (end[0] - start[0]).days <= 365:
        return None
    days = (end[0] - start[0]).days
    return Failure(end[1], node_text(end[1]), f" ({start[0].date()} to {end[0].date()} is {days} days)")


def between_dates(case: Case, element: etree._Element, env: Env) -> Failure | None:
    date = _first_date(case["date"], element, env)
    start, end = _first_date(case["start"], element, env), _first_date(case["end"], element, env)
    if date is None or start is None or end is None or start[0] <= date[0] <= end[0]:
        return None
    period = f"{start[0].date()} to {end[0].date()}"
    return Failure(date[1], node_text(date[1]), f" ({date[0].date()} is not within {period})")


@lru_cache(maxsize=64)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _regex_rule(case: Case, element: etree._Element, expected: bool) -> Failure | None:
    pattern = _regex(case["regex"])
    for node in _paths(case, element):
        text = node_text(node)
        if text and (pattern.search(text) is not None) != expected:
            return Failure(node, text)
    return None


def regex_matches(case: Case, element: etree._Element, env: Env) -> Failure | None:
    return _regex_rule(case, element, True)


def regex_no_matches(case: Case, element: etree._Element, env: Env) -> Failure | None:
    return _regex_rule(case, element, False)


def startswith(case: Case, element: etree._Element, env: Env) -> Failure | None:
    found = _paths(case, element)
    prefixes = case["prefix"]
    if prefixes == "ORG-ID-PREFIX" or list(prefixes) == ["ORG-ID-PREFIX"]:
        for node in found:
            parts = node_text(node).split("-")
            prefix = "-".join(parts[:2]) if len(parts) > 1 else f"{parts[0]}-"
            if prefix not in env.org_id_prefixes:
                return Failure(node, node_text(node), f" ('{prefix}' is not an org-id.guide agency prefix)")
        return None
    separator = case.get("separator", "")
    starts = [node_text(n) + separator for path in prefixes for n in nodes(path, element)]
    for node in found:
        text = node_text(node)
        if not any(text.startswith(start) for start in starts):
            expected = " or ".join(f"'{s}'" for s in starts) or "an organisation identifier (none given)"
            return Failure(node, text, f" (expected to start with {expected})")
    return None


def if_then(case: Case, element: etree._Element, env: Env) -> Failure | None:
    if truthy(case["if"], element) and not truthy(case["then"], element):
        found = _paths(case, element)
        return Failure(found[0] if found else None, node_text(found[0]) if found else None)
    return None


def range_rule(case: Case, element: etree._Element, env: Env) -> Failure | None:
    for node in _paths(case, element):
        number = to_number(node_text(node))
        low = float(case["min"]) if "min" in case else number
        high = float(case["max"]) if "max" in case else number
        if not low <= number <= high:
            return Failure(node, node_text(node))
    return None


def no_spaces(case: Case, element: etree._Element, env: Env) -> Failure | None:
    for node in _paths(case, element):
        text = node_text(node)
        if text != text.strip():
            return Failure(node, text)
    return None


RuleType = Callable[[Case, etree._Element, Env], Failure | None]

RULE_TYPES: dict[str, RuleType] = {
    "no_more_than_one": no_more_than_one,
    "atleast_one": atleast_one,
    "dependent": dependent,
    "only_one_of": only_one_of,
    "one_or_all": one_or_all,
    "unique": unique,
    "sum": sum_rule,
    "strict_sum": strict_sum,
    "date_order": date_order,
    "date_now": date_now,
    "time_limit": time_limit,
    "between_dates": between_dates,
    "regex_matches": regex_matches,
    "regex_no_matches": regex_no_matches,
    "startswith": startswith,
    "if_then": if_then,
    "range": range_rule,
    "no_spaces": no_spaces,
}
