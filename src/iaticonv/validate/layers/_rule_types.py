"""The ruleset rule types (IATI-Rulesets ``SPEC.rst``), each defined once: ``RULE_TYPES``.

A rule type is its check and its prefilter. The check takes the case (its JSON, ``$1`` already
substituted in loops), the context element and the environment, and returns ``None`` when the case
passes or a ``Failure`` naming the node to blame; it is the reference. Semantics follow the official
engine where the spec is silent: missing or unparsable dates pass, empty strings pass regex and
no-space checks, a strict sum is compared after rounding to 4 decimals, a date rule reads only the
first date its path finds. The prefilter says, as a ``Prefilter`` (one of the tests in
``TESTS``), what must hold for a context to fail; ``_rule_prefilter`` writes it as an XPath and
``_rule_plans`` as the compiled module's plan, so neither knows a rule type by name, and a new rule
type is one entry here. The module is over 250 lines because it holds all 18 rule types, each a
few lines, and splitting them would part a check from its prefilter.
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

from ._rule_xpath import node_text, nodes, parse_date, to_number, truthy

__all__ = ["ALWAYS", "ONE_OR_ALL_FAILING", "RULE_TYPES", "TESTS", "Env", "Failure", "Prefilter", "RuleType",
           "loop_prefilter"]

Case = Mapping[str, Any]
ORG_ID_PREFIX = "ORG-ID-PREFIX"  # the prefix that stands for the org-id.guide agency codes

# What ``one_or_all`` lists as failing, per kind of "all": paths from the context, read in this order.
ONE_OR_ALL_FAILING: dict[str, tuple[str, ...]] = {
    "lang": ("descendant::narrative[not(@xml:lang)]",),
    "sector": ("transaction[not(sector)]",),
    "recipient-country|recipient-region": ("transaction[not(recipient-country|recipient-region)]",),
    "currency": ("descendant::value[not(@currency)]", "descendant::forecast[not(@currency)]",
                 "descendant::loan-status[not(@currency)]"),
}

# The tests a prefilter can ask for, and what each selects (a context that fails its case always
# passes the test). ``_rule_native``'s ``Op`` enum has a code ``OP_<TEST>`` for each test it runs.
TESTS: dict[str, str] = {
    "always": "every context",
    "exists": "a value on some path",
    "none": "no value on any path",
    "many": "more than one value, all paths together",
    "unique": "two equal texts",
    "no_spaces": "a text that starts or ends with a space",
    "chars": "a text holding one of ``chars``",
    "range": "a value that is not a number in [low, high]",
    "date_order": "the first date of path 0 not before the first of path 1 (``NOW``: now)",
    "time_limit": "more than a year from the first date of path 0 to the first of path 1",
    "starts": "a text not starting with a text of ``prefixes`` followed by ``separator``",
    "org_prefix": "a text whose agency prefix (up to its second '-') is not an org-id.guide one",
    "sum": "values whose numbers do not add up to ``low`` (no value at all passes)",
    "strict_sum": "values whose numbers do not add up to ``low``",
    "if_then": "``expressions[0]`` true and ``expressions[1]`` (when given) false, as the official engine "
               "tests them (a node-set is true)",
}


@dataclass(frozen=True, slots=True)
class Prefilter:
    """What a context must show to fail a case: one of ``TESTS`` on paths taken from the case."""

    test: str
    paths: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    separator: str = ""
    chars: str = ""
    low: float = 0.0
    high: float = 0.0
    expressions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.test not in TESTS:
            raise ValueError(f"unknown prefilter test {self.test!r}")


ALWAYS = Prefilter("always")


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
    failing = [node for path in ONE_OR_ALL_FAILING.get(case["all"], ()) for node in nodes(path, element)]
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


def _org_id_prefix(case: Case) -> bool:
    return case["prefix"] == ORG_ID_PREFIX or list(case["prefix"]) == [ORG_ID_PREFIX]


def startswith(case: Case, element: etree._Element, env: Env) -> Failure | None:
    found = _paths(case, element)
    prefixes = case["prefix"]
    if _org_id_prefix(case):
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


Check = Callable[[Case, etree._Element, Env], Failure | None]


@dataclass(frozen=True, slots=True)
class RuleType:
    """A rule type: its check (the reference) and the prefilter of a case of it."""

    check: Check
    prefilter: Callable[[Case], Prefilter]


def _on_paths(test: str) -> Callable[[Case], Prefilter]:
    return lambda case: Prefilter(test, tuple(case["paths"]))


def _sums(test: str) -> Callable[[Case], Prefilter]:
    return lambda case: Prefilter(test, tuple(case["paths"]), low=float(case["sum"]))


def _one_or_all_prefilter(case: Case) -> Prefilter:
    failing = ONE_OR_ALL_FAILING.get(str(case["all"]), ())
    found = f" and boolean({' | '.join(failing)})" if failing else ""
    return Prefilter("if_then", expressions=(f"not({case['one']}){found}",))


def _regex_prefilter(case: Case) -> Prefilter:
    """A ``^[^...]+$`` regex (the only shape the rulesets use) fails on a text holding one of its
    characters; any other regex on any value."""
    chars = _negated_class(str(case["regex"]))
    return Prefilter("exists", tuple(case["paths"])) if chars is None else Prefilter("chars", tuple(case["paths"]),
                                                                                        chars=chars)


def _negated_class(regex: str) -> str | None:
    """The characters of a ``^[^...]+$`` regex, else None."""
    if not (regex.startswith("^[^") and regex.endswith("]+$")):
        return None
    body, chars, escaped = regex[3:-3], [], False
    for char in body:
        if escaped or char != "\\":
            if char in "]^-" and not escaped:
                return None
            chars.append(char)
            escaped = False
        else:
            escaped = True
    return "".join(chars) if chars and "'" not in chars else None


def _startswith_prefilter(case: Case) -> Prefilter:
    if _org_id_prefix(case):
        return Prefilter("org_prefix", tuple(case["paths"]))
    return Prefilter("starts", tuple(case["paths"]), prefixes=tuple(case["prefix"]),
                     separator=str(case.get("separator", "")))


def _range_prefilter(case: Case) -> Prefilter:
    if "min" not in case or "max" not in case:
        return Prefilter("exists", tuple(case["paths"]))
    return Prefilter("range", tuple(case["paths"]), low=float(case["min"]), high=float(case["max"]))


def loop_prefilter(case: Case) -> Prefilter:
    """A ``loop`` (not a rule type: its sub-cases run per value of ``foreach``) has nothing to fail
    on a context without a value."""
    return Prefilter("exists", (str(case["foreach"]),))


RULE_TYPES: dict[str, RuleType] = {
    "no_more_than_one": RuleType(no_more_than_one, _on_paths("many")),
    "atleast_one": RuleType(atleast_one, _on_paths("none")),
    "dependent": RuleType(dependent, lambda case: ALWAYS),
    "only_one_of": RuleType(only_one_of, lambda case: ALWAYS),
    "one_or_all": RuleType(one_or_all, _one_or_all_prefilter),
    "unique": RuleType(unique, _on_paths("unique")),
    "sum": RuleType(sum_rule, _sums("sum")),
    "strict_sum": RuleType(strict_sum, _sums("strict_sum")),
    "date_order": RuleType(date_order, lambda case: Prefilter("date_order", (case["less"], case["more"]))),
    "date_now": RuleType(date_now, lambda case: Prefilter("date_order", (case["date"], "NOW"))),
    "time_limit": RuleType(time_limit, lambda case: Prefilter("time_limit", (case["start"], case["end"]))),
    "between_dates": RuleType(between_dates, lambda case: Prefilter("exists", (case["date"],))),
    "regex_matches": RuleType(regex_matches, _regex_prefilter),
    "regex_no_matches": RuleType(regex_no_matches, _on_paths("exists")),
    "startswith": RuleType(startswith, _startswith_prefilter),
    "if_then": RuleType(if_then, lambda case: Prefilter("if_then", expressions=(case["if"], case["then"]))),
    "range": RuleType(range_rule, _range_prefilter),
    "no_spaces": RuleType(no_spaces, _on_paths("no_spaces")),
}
