"""Prefilters: for each ruleset case, an XPath predicate that is true for every context that can fail.

A prefilter may be true for contexts that pass (the Python rule then decides), but it must never be
false for one that fails; that is the whole contract, and each builder below keeps to it. With it,
one XPath per case per chunk of records finds the few contexts worth a closer look, instead of
several XPath calls per case per record.

Dates are compared as ``yyyymmdd`` numbers taken from the first 10 characters (equal days and
anything unparsable go to the Python rule, which compares full date-times as the official engine
does); sums are compared with a tolerance wider than the official rounding to 4 decimals.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from lxml import etree

from .rule_xpath import NS

__all__ = ["ONE_OR_ALL_FAILING", "WHITESPACE", "js_truthy", "prefilter"]

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


def _union(case: Case, key: str = "paths") -> str:
    paths = list(case.get(key, ()))
    return "(" + " | ".join(paths) + ")" if len(paths) > 1 else paths[0]


def _count(case: Case) -> str:
    return " + ".join(f"count({path})" for path in case["paths"])


def _day(path: str, today: int) -> str:
    if path == "NOW":
        return str(today)
    return f"number(translate(substring(string({path}), 1, 10), '-', ''))"


def _exists(path: str) -> str:
    return TRUE if path == "NOW" else f"boolean({path})"


def _sum(case: Case) -> str:
    total = " + ".join(f"sum({path})" for path in case["paths"])
    target = float(case["sum"])
    return f"not(({total}) > {target - 0.00001!r} and ({total}) < {target + 0.00001!r})"


def _negated_class(regex: str) -> str | None:
    """The characters of a ``^[^...]+$`` regex (the only shape the rulesets use), else None."""
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


def _regex(case: Case) -> str:
    chars = _negated_class(str(case["regex"]))
    if chars is None:
        return f"boolean({_union(case)})"
    tests = " or ".join(f"contains(., '{char}')" for char in chars)
    return f"boolean({_union(case)}[{tests}])"


def _startswith(case: Case) -> str:
    prefixes, paths = case["prefix"], list(case["paths"])
    if prefixes == "ORG-ID-PREFIX" or list(prefixes) == ["ORG-ID-PREFIX"] or len(paths) != 1:
        # the org-id.guide prefixes (565) as one string for contains(): libxml's search in it costs
        # more than the Python rule on every reference (measured), so every reference goes there
        return f"boolean({_union(case)})"
    path, first = paths[0], next(iter(prefixes))
    separator = str(case.get("separator", ""))
    return (f"count({path}) > 1 or (count({path}) = 1 and "
            f"not(starts-with(string({path}), concat(string({first}), '{separator}'))))")


def _range(case: Case) -> str:
    if "min" not in case or "max" not in case:
        return f"boolean({_union(case)})"
    low, high = float(case["min"]), float(case["max"])
    return f"boolean({_union(case)}[not(number(.) >= {low!r} and number(.) <= {high!r})])"


def _no_spaces(case: Case) -> str:
    first, last = "substring(., 1, 1)", "substring(., string-length(.), 1)"
    ends = f"contains('{WHITESPACE}', {first}) or contains('{WHITESPACE}', {last})"
    return f"boolean({_union(case)}[string-length(.) > 0][{ends}])"


def _unique(case: Case) -> str:
    """Two equal texts: within one path (more than one node), or across two paths (``=`` on node-sets
    is true when some pair of string values is equal)."""
    paths = list(case["paths"])
    tests = [f"count({path}) > 1" for path in paths]
    tests += [f"({a}) = ({b})" for i, a in enumerate(paths) for b in paths[i + 1:]]
    return " or ".join(tests)


# What ``rule_types.one_or_all`` lists as failing, per kind of "all", as a path from the context.
ONE_OR_ALL_FAILING = {
    "lang": "descendant::narrative[not(@xml:lang)]",
    "sector": "transaction[not(sector)]",
    "recipient-country|recipient-region": "transaction[not(recipient-country|recipient-region)]",
    "currency": "(descendant::value | descendant::forecast | descendant::loan-status)[not(@currency)]",
}


def _one_or_all(case: Case) -> str:
    failing = ONE_OR_ALL_FAILING.get(str(case["all"]))
    return f"not({case['one']})" + (f" and boolean({failing})" if failing else "")


def _date_order(case: Case, today: int) -> str:
    """Later first date, or the same day (the rule compares full date-times); not when both texts are
    identical, which parse to the same instant and pass.

    Date tests put the comparison first: ``and`` is pure in XPath, so the order does not change the
    result, but nearly every context has its dates in order, and then libxml stops after evaluating
    each path once instead of twice (a missing date gives NaN, so the comparison does not hide it).
    """
    less, more = case["less"], case["more"]
    order = f"not({_day(less, today)} < {_day(more, today)}) and {_exists(less)} and {_exists(more)}"
    if "NOW" in (less, more):
        return order
    return f"{order} and not(string({less}) = string({more}))"


BUILDERS: dict[str, Callable[[Case, int], str]] = {
    "atleast_one": lambda case, today: f"not({_union(case)})",
    "no_more_than_one": lambda case, today: f"{_count(case)} > 1",
    "unique": lambda case, today: _unique(case),
    "one_or_all": lambda case, today: _one_or_all(case),
    "strict_sum": lambda case, today: _sum(case),
    "sum": lambda case, today: f"boolean({_union(case)}) and {_sum(case)}",
    "date_order": _date_order,
    "date_now": lambda case, today: f"not({_day(case['date'], today)} < {today}) and {_exists(case['date'])}",
    "time_limit": lambda case, today: (  # comparison first, as in _date_order
        f"not({_day(case['end'], today)} - {_day(case['start'], today)} < 8000) and "
        f"{_exists(case['start'])} and {_exists(case['end'])}"
    ),
    "between_dates": lambda case, today: _exists(case["date"]),
    "regex_matches": lambda case, today: _regex(case),
    "regex_no_matches": lambda case, today: f"boolean({_union(case)})",
    "startswith": lambda case, today: _startswith(case),
    "if_then": lambda case, today: f"{js_truthy(case['if'])} and not({js_truthy(case['then'])})",
    "range": lambda case, today: _range(case),
    "no_spaces": lambda case, today: _no_spaces(case),
    "loop": lambda case, today: f"boolean({case['foreach']})",
}


def prefilter(name: str, case: Case, today: int) -> str:
    """The predicate for one case (``today`` as yyyymmdd for rules that compare with NOW)."""
    builder = BUILDERS.get(name)
    body = builder(case, today) if builder is not None else TRUE
    condition = case.get("condition")
    if condition and name != "loop":
        guard = js_truthy(str(condition))
        if guard != TRUE:
            return f"({guard}) and ({body})"
    return body
