"""Plans for the compiled prefilters (``_rule_native``, optional): which cases it takes, and how.

A case is taken when every path it reads is plain: child steps by name, each with at most a predicate
of attribute tests joined by ``or`` (``@a='v'``, ``@a!='v'``, ``@a=98``, ``@a!=1``, ``not(@a)``,
``not(@a='v')``, with XPath's meaning), then an optional ``@attribute`` (else the element's text); its
contexts are such paths below the record; its ``condition``, if any, is such a predicate (it becomes
the last context step's); and its rule type has a test here. A ``loop`` case is taken by its
``foreach`` path: its prefilter is that the path finds a value (its sub-cases keep their conditions).
Everything else (``if_then``, sums, other conditions, positions, ``..``, ``descendant::``, ``text()``)
keeps the XPath prefilter of ``rule_prefilter``. The compiled test of a case must be true for every
context the Python rule fails, like the XPath one; it may be true more often (whenever a value is not
plainly readable), never less.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Any

from ..._speedups import compiled
from .rule_expr import Compiled, compile_expression
from .rule_prefilter import ONE_OR_ALL_FAILING, _negated_class

__all__ = ["ChunkPrefilter", "chunk_prefilter", "native_module", "native_plan", "parse_path"]

ChunkPrefilter = Callable[[Any], list[list[Any] | None]]
MAX_CONTEXTS = 32  # a bit each in the compiled walk
# A path as the compiled module takes it: ([(name, [test, …], negated), …], attribute or None, NOW?)
PathPlan = tuple[list["Step"], bytes | None, bool]

OPS = {"exists": 0, "none": 1, "many": 2, "unique": 3, "no_spaces": 4, "chars": 5, "range": 6,
       "date_order": 7, "time_limit": 8, "starts": 9, "if_then": 10, "sum": 11, "strict_sum": 12,
       "org_prefix": 13}
RECORD_STEP = {"activity": b"iati-activity", "organisation": b"iati-organisation"}
TEXT_NODES = b"text()"  # the attribute of a path whose final step is text() (as ``_rule_native`` reads it)
DESCENDANT = "descendant::"

TESTS = {"equal": 0, "unequal": 1, "absent": 2, "not_equal": 3, "number": 4, "not_number": 5, "present": 6,
         "child": 7}

_NAME = r"[A-Za-z_][A-Za-z0-9_.\-]*"
_KEYWORD = r"(?:or|and|not)(?![A-Za-z0-9_.\-])"
_LITERAL = r"'[^']*'|-?[0-9]+(?:\.[0-9]+)?"
_ONE_TEST = re.compile(rf"\s*(?:@({_NAME})\s*(!?=)\s*({_LITERAL})|not\(\s*@({_NAME})\s*(?:=\s*'([^']*)'\s*)?\)"
                       rf"|@({_NAME})|(?!{_KEYWORD})({_NAME}))\s*")
_OR = re.compile(r"or(?=[\s@])\s*")
_NEGATED = re.compile(r"\s*not\((.*)\)\s*")
_STEP = re.compile(rf"({_NAME})(?:\[([^\[\]]*)\])?")
_ATTRIBUTE = re.compile(rf"@({_NAME})")

Test = tuple[bytes, int, bytes, float]  # attribute, TESTS code, string compared with, number compared with
Step = tuple[bytes, list[Test], bool, bool]  # element name, the predicate's tests (any true), negated, descendant::


def _test(match: re.Match[str]) -> Test:
    """One alternative of a predicate, with XPath's meaning: a quoted literal compares strings, a
    number literal compares ``number(@a)``; ``!=`` needs the attribute; ``not(...)`` negates; a bare
    ``@a`` needs the attribute, a bare name a child element."""
    attr, operator, literal, negated, negated_value, present, child = match.groups()
    if child is not None:
        return b"", TESTS["child"], child.encode(), 0.0
    if present is not None:
        return present.encode(), TESTS["present"], b"", 0.0
    if negated is not None:
        if negated_value is None:
            return negated.encode(), TESTS["absent"], b"", 0.0
        return negated.encode(), TESTS["not_equal"], negated_value.encode(), 0.0
    if literal.startswith("'"):
        return attr.encode(), TESTS["equal" if operator == "=" else "unequal"], literal[1:-1].encode(), 0.0
    return attr.encode(), TESTS["number" if operator == "=" else "not_number"], b"", float(literal)


def _alternatives(text: str) -> list[Test] | None:
    """``test or test or …``, read test by test from the start (never searched for inside a literal)."""
    tests: list[Test] = []
    at = 0
    while True:
        match = _ONE_TEST.match(text, at)
        if match is None:
            return None
        tests.append(_test(match))
        at = match.end()
        if at == len(text):
            return tests
        separator = _OR.match(text, at)
        if separator is None:
            return None
        at = separator.end()


def _tests(predicate: str) -> tuple[list[Test], bool] | None:
    """A predicate's tests and whether it is ``not(...)`` of them; None when it is not that plain."""
    tests = _alternatives(predicate)
    if tests is not None:
        return tests, False
    negated = _NEGATED.fullmatch(predicate)
    if negated:
        inner = _alternatives(negated[1])
        return None if inner is None else (inner, True)
    return None


def _split(path: str) -> list[str] | None:
    """``a[@x='1']/b/@c`` → its steps; None when a ``/`` may sit inside a predicate."""
    steps = path.split("/")
    return None if any(step.count("[") != step.count("]") for step in steps) else steps


def parse_path(path: str, *, context: bool = False) -> PathPlan | None:
    """A plain path's plan, or None when the path is not plain (``NOW`` is the date rules' literal).

    A final ``text()`` selects the element's text nodes. A context path (``context``) may also be a
    single ``descendant::name`` step (the ``//title`` contexts)."""
    if path == "NOW":
        return [], None, True
    parts = _split(path.strip())
    if not parts:
        return None
    attribute: bytes | None = None
    if _ATTRIBUTE.fullmatch(parts[-1]):
        attribute = parts.pop()[1:].encode()
    elif parts[-1] == "text()" and len(parts) > 1:
        attribute = TEXT_NODES
        parts.pop()
    anywhere = context and len(parts) == 1 and parts[0].startswith(DESCENDANT)
    if anywhere:
        parts[0] = parts[0][len(DESCENDANT):]
    steps: list[Step] = []
    for part in parts:
        match = _STEP.fullmatch(part)
        if match is None or match[1] in ("or", "and", "not"):
            return None
        predicate = _tests(match[2]) if match[2] is not None else ([], False)
        if predicate is None:
            return None
        steps.append((match[1].encode(), *predicate, anywhere))
    return steps, attribute, False


def _context_paths(parts: tuple[str, ...]) -> list[PathPlan] | None:
    paths: list[PathPlan] = []
    for part in parts:
        if part == ".":
            paths.append(([], None, False))
            continue
        parsed = parse_path(part, context=True)
        if parsed is None or parsed[1] is not None:
            return None
        paths.append(parsed)
    if len(paths) > 1 and any(steps and steps[0][3] for steps, _attribute, _now in paths):
        return None  # a descendant:: context is walked on its own
    return paths


def _with_condition(paths: list[PathPlan] | None, condition: Any) -> list[PathPlan] | None:
    """The context paths with the case's ``condition`` as the predicate of their last step, when it is
    plain tests and the step has none (a context it rejects is one the rule skips), else None."""
    if not condition or paths is None:
        return paths
    predicate = _tests(str(condition))
    if predicate is None or any(not steps or steps[-1][1] for steps, _attribute, _now in paths):
        return None
    return [([*steps[:-1], (steps[-1][0], *predicate, steps[-1][3])], attribute, now)
            for steps, attribute, now in paths]


def _all(paths: Any) -> list[PathPlan] | None:
    parsed = [parse_path(str(path)) for path in paths]
    if not parsed or any(path is None or path[2] for path in parsed):
        return None
    return [path for path in parsed if path is not None]


def _dates(*paths: str) -> list[PathPlan] | None:
    parsed = [parse_path(path) for path in paths]
    return None if any(path is None for path in parsed) else [path for path in parsed if path is not None]


def _op(name: str, case: Mapping[str, Any], org_prefixes: frozenset[str] | None = None) -> dict[str, Any] | None:
    """The compiled test of a case: its op and arguments, or None to keep the XPath prefilter."""
    if name in ("atleast_one", "no_more_than_one", "unique", "no_spaces", "regex_no_matches"):
        paths = _all(case["paths"])
        op = {"atleast_one": "none", "no_more_than_one": "many", "regex_no_matches": "exists"}.get(name, name)
        return None if paths is None else {"op": op, "paths": paths}
    if name == "regex_matches":
        chars, paths = _negated_class(str(case["regex"])), _all(case["paths"])
        if chars is None or paths is None or not chars.isascii():
            return None
        return {"op": "chars", "paths": paths, "chars": chars.encode()}
    if name == "range":
        paths = _all(case["paths"])
        if paths is None or "min" not in case or "max" not in case:
            return None
        return {"op": "range", "paths": paths, "low": float(case["min"]), "high": float(case["max"])}
    if name in ("date_order", "date_now", "time_limit"):
        pair = {"date_order": ("less", "more"), "time_limit": ("start", "end")}.get(name)
        dates = _dates(case[pair[0]], case[pair[1]]) if pair else _dates(case["date"], "NOW")
        return None if dates is None else {"op": "time_limit" if name == "time_limit" else "date_order",
                                            "paths": dates}
    if name == "startswith":
        return _startswith(case, org_prefixes)
    if name in ("strict_sum", "sum"):
        paths = _all(case["paths"])
        return None if paths is None else {"op": name, "paths": paths, "low": float(case["sum"])}
    if name == "loop":  # its sub-cases run per value of ``foreach``: a context without one has none to fail
        paths = _all([case["foreach"]])
        return None if paths is None else {"op": "exists", "paths": paths}
    return None


def _startswith(case: Mapping[str, Any], org_prefixes: frozenset[str] | None) -> dict[str, Any] | None:
    paths = _all(case["paths"])
    prefixes = case["prefix"]
    if paths is None:
        return None
    if prefixes == "ORG-ID-PREFIX" or list(prefixes) == ["ORG-ID-PREFIX"]:
        if org_prefixes is None:
            return {"op": "exists", "paths": paths}  # every value goes to the Python rule, as with the XPath
        return {"op": "org_prefix", "paths": paths, "known": sorted(code.encode("utf-8") for code in org_prefixes)}
    starts = _all(prefixes)
    if starts is None:
        return None
    return {"op": "starts", "paths": paths, "prefixes": starts, "separator": str(case.get("separator", "")).encode()}


@functools.cache
def native_module() -> Any:
    """The compiled module when it is built for this lxml and not turned off (``IATICONV_PURE_PYTHON``)."""
    return compiled("validate.layers._rule_native")


def native_plan(name: str, case: Mapping[str, Any], contexts: tuple[str, ...], today: tuple[int, int, int], *,
                org_prefixes: frozenset[str] | None = None) -> Any:
    """The compiled prefilter of a case (a ``CasePlan``), or None to keep its XPath. ``org_prefixes``:
    the agency prefixes ``ORG-ID-PREFIX`` stands for (without them, every such value is selected)."""
    native = native_module()
    if native is None:
        return None
    condition = str(case.get("condition") or "") if name != "loop" else ""  # as in rule_prefilter.prefilter
    expressions = Compiled(parse_path)
    context_paths = _context_paths(contexts)
    roots = {"condition": -1, "first": -1, "second": -1}
    if condition:
        with_predicate = _with_condition(context_paths, condition)
        if with_predicate is not None:
            context_paths = with_predicate
        elif (root := compile_expression(condition, expressions)) is not None:
            roots["condition"] = root
        else:
            return None
    if name == "if_then":
        first, second = compile_expression(str(case["if"]), expressions), compile_expression(str(case["then"]),
                                                                                              expressions)
        if first is None or second is None:
            return None
        roots["first"], roots["second"] = first, second
        test: dict[str, Any] | None = {"op": "if_then", "paths": []}
    elif name == "one_or_all":  # the XPath prefilter's own test, when its "failing" path is plain
        failing = ONE_OR_ALL_FAILING.get(str(case["all"]))
        root = compile_expression(f"not({case['one']}) and {failing}", expressions) if failing else None
        if root is None:
            return None
        roots["first"] = root
        test = {"op": "if_then", "paths": []}
    else:
        test = _op(name, case, org_prefixes)
    if context_paths is None or test is None or len(context_paths) > MAX_CONTEXTS:
        return None
    return native.CasePlan(OPS[test["op"]], context_paths, test["paths"], test.get("prefixes"), test.get("chars", b""),
                           test.get("separator", b""), test.get("low", 0.0), test.get("high", 0.0),
                           native.day_number(*today), expressions.nodes, expressions.paths, **roots,
                           known=test.get("known"))


def chunk_prefilter(plans: list[Any], kind: str) -> ChunkPrefilter | None:
    """One function for a ruleset: a chunk's root → for each case, its compiled candidates (None where
    the case has no plan, or the XPath must judge it on this chunk). None when no case has a plan."""
    native = native_module()
    taken = tuple(plan for plan in plans if plan is not None)
    if native is None or not taken:
        return None
    where = [index for index, plan in enumerate(plans) if plan is not None]
    record, size = RECORD_STEP[kind], len(plans)

    def candidates(root: Any) -> list[list[Any] | None]:
        out: list[list[Any] | None] = [None] * size
        for index, found in zip(where, native.chunk_candidates(taken, record, root), strict=True):
            out[index] = found
        return out

    return candidates
