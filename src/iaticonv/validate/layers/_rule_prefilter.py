"""Prefilters as XPath: for each ruleset case, a predicate that is true for every context that can fail.

A prefilter may be true for contexts that pass (the Python rule then decides), but it must never be
false for one that fails; that is the whole contract, and each test below keeps to it. With it,
one XPath per case per chunk of records finds the few contexts worth a closer look, instead of
several XPath calls per case per record. What a case's prefilter tests is its rule type's
(``_rule_types.RULE_TYPES``); this module only writes each test of ``_rule_types.TESTS`` in XPath.

Dates are compared as ``yyyymmdd`` numbers taken from the first 10 characters (equal days and
anything unparsable go to the Python rule, which compares full date-times as the official engine
does); sums are compared with a tolerance wider than the official rounding to 4 decimals.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from lxml import etree

from ._rule_types import RULE_TYPES, Prefilter, loop_prefilter
from ._rule_xpath import NS

__all__ = ["WHITESPACE", "XPATH_TESTS", "js_truthy", "prefilter", "prefilter_of"]

Case = Mapping[str, Any]

# Every character Python's str.strip() removes (a superset of JavaScript's trim()). Characters not
# allowed in XML (most C0 controls) cannot occur in values, so they are left out. All of them lie in
# the Basic Multilingual Plane, so only it is scanned (the whole of Unicode took 0.12 s at every
# start); a test checks the whole range.
WHITESPACE = "".join(chr(c) for c in range(0x10000) if chr(c).isspace() and (c >= 0x20 or chr(c) in "\t\n\r"))
TRUE = "true()"


@cache
def _is_node_set(expression: str) -> bool:
    """XPath 1.0 result types are static: evaluate once on an empty element to learn it."""
    result = etree.XPath(expression, namespaces=NS)(etree.Element("x"))
    return isinstance(result, list)


def js_truthy(expression: str) -> str:
    """``expression`` as the official engine tests it: a node-set is always true (a JS array)."""
    return TRUE if _is_node_set(expression) else f"boolean({expression})"


def _union(paths: tuple[str, ...]) -> str:
    return "(" + " | ".join(paths) + ")" if len(paths) > 1 else paths[0]


def _count(test: Prefilter) -> str:
    return " + ".join(f"count({path})" for path in test.paths)


def _day(path: str, today: int) -> str:
    if path == "NOW":
        return str(today)
    return f"number(translate(substring(string({path}), 1, 10), '-', ''))"


def _exists(path: str) -> str:
    return TRUE if path == "NOW" else f"boolean({path})"


def _sum(test: Prefilter) -> str:
    total = " + ".join(f"sum({path})" for path in test.paths)
    return f"not(({total}) > {test.low - 0.00001!r} and ({total}) < {test.low + 0.00001!r})"


def _chars(test: Prefilter) -> str:
    tests = " or ".join(f"contains(., '{char}')" for char in test.chars)
    return f"boolean({_union(test.paths)}[{tests}])"


def _starts(test: Prefilter) -> str:
    if len(test.paths) != 1:
        return f"boolean({_union(test.paths)})"
    path, first = test.paths[0], test.prefixes[0]
    return (f"count({path}) > 1 or (count({path}) = 1 and "
            f"not(starts-with(string({path}), concat(string({first}), '{test.separator}'))))")


def _range(test: Prefilter) -> str:
    return f"boolean({_union(test.paths)}[not(number(.) >= {test.low!r} and number(.) <= {test.high!r})])"


def _no_spaces(test: Prefilter) -> str:
    first, last = "substring(., 1, 1)", "substring(., string-length(.), 1)"
    ends = f"contains('{WHITESPACE}', {first}) or contains('{WHITESPACE}', {last})"
    return f"boolean({_union(test.paths)}[string-length(.) > 0][{ends}])"


def _unique(test: Prefilter) -> str:
    """Two equal texts: within one path (more than one node), or across two paths (``=`` on node-sets
    is true when some pair of string values is equal)."""
    paths = test.paths
    tests = [f"count({path}) > 1" for path in paths]
    tests += [f"({a}) = ({b})" for i, a in enumerate(paths) for b in paths[i + 1:]]
    return " or ".join(tests)


def _date_order(test: Prefilter, today: int) -> str:
    """Later first date, or the same day (the rule compares full date-times); not when both texts are
    identical, which parse to the same instant and pass.

    Date tests put the comparison first: ``and`` is pure in XPath, so the order does not change the
    result, but nearly every context has its dates in order, and then libxml stops after evaluating
    each path once instead of twice (a missing date gives NaN, so the comparison does not hide it).
    """
    less, more = test.paths
    order = " and ".join([f"not({_day(less, today)} < {_day(more, today)})",
                          *(_exists(path) for path in (less, more) if path != "NOW")])
    if "NOW" in (less, more):
        return order
    return f"{order} and not(string({less}) = string({more}))"


def _time_limit(test: Prefilter, today: int) -> str:  # comparison first, as in _date_order
    start, end = test.paths
    return (f"not({_day(end, today)} - {_day(start, today)} < 8000) and "
            f"{_exists(start)} and {_exists(end)}")


def _if_then(test: Prefilter) -> str:
    first = js_truthy(test.expressions[0])
    return first if len(test.expressions) < 2 else f"{first} and not({js_truthy(test.expressions[1])})"


# Each test of ``_rule_types.TESTS`` as an XPath predicate (``today`` as yyyymmdd, for NOW).
XPATH_TESTS: dict[str, Callable[[Prefilter, int], str]] = {
    "always": lambda test, today: TRUE,
    "exists": lambda test, today: f"boolean({_union(test.paths)})",
    "none": lambda test, today: f"not({_union(test.paths)})",
    "many": lambda test, today: f"{_count(test)} > 1",
    "unique": lambda test, today: _unique(test),
    "no_spaces": lambda test, today: _no_spaces(test),
    "chars": lambda test, today: _chars(test),
    "range": lambda test, today: _range(test),
    "date_order": _date_order,
    "time_limit": _time_limit,
    "starts": lambda test, today: _starts(test),
    # the org-id.guide prefixes (565) as one string for contains(): libxml's search in it costs
    # more than the Python rule on every reference (measured), so every reference goes there
    "org_prefix": lambda test, today: f"boolean({_union(test.paths)})",
    "sum": lambda test, today: f"boolean({_union(test.paths)}) and {_sum(test)}",
    "strict_sum": lambda test, today: _sum(test),
    "if_then": lambda test, today: _if_then(test),
}


def prefilter_of(name: str, case: Case) -> Prefilter:
    """The prefilter of a case of rule type ``name`` (or of a ``loop``), as its rule type defines it."""
    return loop_prefilter(case) if name == "loop" else RULE_TYPES[name].prefilter(case)


def prefilter(name: str, case: Case, today: int) -> str:
    """The XPath predicate for one case (``today`` as yyyymmdd for rules that compare with NOW)."""
    test = prefilter_of(name, case)
    body = XPATH_TESTS[test.test](test, today)
    condition = case.get("condition")
    if condition and name != "loop":
        guard = js_truthy(str(condition))
        if guard != TRUE:
            return f"({guard}) and ({body})"
    return body
