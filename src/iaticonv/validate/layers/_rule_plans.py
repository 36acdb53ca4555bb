"""Plans for the compiled prefilters (``_rule_native``, optional): which cases it takes, and how.

What a case's prefilter tests is its rule type's (``_rule_types``: a ``Prefilter``, one of
``_rule_types.TESTS``); here each test becomes the compiled module's plan (``PLANS``), with the codes
of its ``cpdef enum``s, read from the built module by name (``code``). A case is taken when every
path its test reads is plain: child steps by name, each with at most a predicate of attribute tests
joined by ``or`` (``@a='v'``, ``@a!='v'``, ``@a=98``, ``@a!=1``, ``not(@a)``, ``not(@a='v')``, with
XPath's meaning), then an optional ``@attribute`` (else the element's text); its contexts are such
paths below the record; its ``condition``, if any, is such a predicate (it becomes the last context
step's) or an expression ``_rule_expr`` compiles. Everything else (positions, ``..``,
``descendant::``, other expressions) keeps the XPath prefilter of ``_rule_prefilter``. The compiled
test of a case must be true for every context the Python rule fails, like the XPath one; it may be
true more often (whenever a value is not plainly readable), never less.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Any

from ..._speedups import compiled
from ._rule_expr import Compiled, compile_expression
from ._rule_prefilter import prefilter_of
from ._rule_types import Prefilter

__all__ = ["PLANS", "PREDICATES", "ChunkPrefilter", "chunk_prefilter", "code", "expression_nodes", "native_module",
           "native_plan", "parse_path"]

ChunkPrefilter = Callable[[Any], list[list[Any] | None]]
# A path as the compiled module takes it: ([(name, [test, …], negated), …], attribute or None, NOW?)
PathPlan = tuple[list["Step"], bytes | None, bool]
DESCENDANT = "descendant::"

# The tests of a predicate step (the compiled module's ``Predicate`` enum: ``TEST_`` and the name).
PREDICATES = ("equal", "unequal", "absent", "not_equal", "number", "not_number", "present", "child")

_NAME = r"[A-Za-z_][A-Za-z0-9_.\-]*"
_KEYWORD = r"(?:or|and|not)(?![A-Za-z0-9_.\-])"
_LITERAL = r"'[^']*'|-?[0-9]+(?:\.[0-9]+)?"
_ONE_TEST = re.compile(rf"\s*(?:@({_NAME})\s*(!?=)\s*({_LITERAL})|not\(\s*@({_NAME})\s*(?:=\s*'([^']*)'\s*)?\)"
                       rf"|@({_NAME})|(?!{_KEYWORD})({_NAME}))\s*")
_OR = re.compile(r"or(?=[\s@])\s*")
_NEGATED = re.compile(r"\s*not\((.*)\)\s*")
_STEP = re.compile(rf"({_NAME})(?:\[([^\[\]]*)\])?")
_ATTRIBUTE = re.compile(rf"@({_NAME})")

Test = tuple[bytes, int, bytes, float]  # attribute, Predicate code, string compared with, number compared with
Step = tuple[bytes, list[Test], bool, bool]  # element name, the predicate's tests (any true), negated, descendant::


@functools.cache
def native_module() -> Any:
    """The compiled module when it is built for this lxml and not turned off (``IATICONV_PURE_PYTHON``)."""
    return compiled("validate.layers._rule_native")


@functools.cache
def code(enum: str, member: str) -> int:
    """A code of the compiled module: ``member`` of its ``cpdef enum`` ``enum``, the one declaration
    the C code reads too (only asked for when the module is built)."""
    return int(getattr(native_module(), enum)[member])


def _predicate(name: str) -> int:
    return code("Predicate", f"TEST_{name.upper()}")


def _test(match: re.Match[str]) -> Test:
    """One alternative of a predicate, with XPath's meaning: a quoted literal compares strings, a
    number literal compares ``number(@a)``; ``!=`` needs the attribute; ``not(...)`` negates; a bare
    ``@a`` needs the attribute, a bare name a child element."""
    attr, operator, literal, negated, negated_value, present, child = match.groups()
    if child is not None:
        return b"", _predicate("child"), child.encode(), 0.0
    if present is not None:
        return present.encode(), _predicate("present"), b"", 0.0
    if negated is not None:
        if negated_value is None:
            return negated.encode(), _predicate("absent"), b"", 0.0
        return negated.encode(), _predicate("not_equal"), negated_value.encode(), 0.0
    if literal.startswith("'"):
        return attr.encode(), _predicate("equal" if operator == "=" else "unequal"), literal[1:-1].encode(), 0.0
    return attr.encode(), _predicate("number" if operator == "=" else "not_number"), b"", float(literal)


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
        attribute = native_module().TEXT_NODES
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


def _dates(paths: tuple[str, ...]) -> list[PathPlan] | None:
    parsed = [parse_path(path) for path in paths]
    return None if any(path is None for path in parsed) else [path for path in parsed if path is not None]


Plan = dict[str, Any]  # ``CasePlan``'s arguments: "op" (a test's name), "paths", and the op's own


def _on_paths(test: Prefilter, into: Compiled, org_prefixes: frozenset[str] | None) -> Plan | None:
    paths = _all(test.paths)
    return None if paths is None else {"paths": paths}


def _chars(test: Prefilter, into: Compiled, org_prefixes: frozenset[str] | None) -> Plan | None:
    paths = _all(test.paths)
    return None if paths is None or not test.chars.isascii() else {"paths": paths, "chars": test.chars.encode()}


def _bounded(test: Prefilter, into: Compiled, org_prefixes: frozenset[str] | None) -> Plan | None:
    paths = _all(test.paths)
    return None if paths is None else {"paths": paths, "low": test.low, "high": test.high}


def _two_dates(test: Prefilter, into: Compiled, org_prefixes: frozenset[str] | None) -> Plan | None:
    dates = _dates(test.paths)
    return None if dates is None else {"paths": dates}


def _starts(test: Prefilter, into: Compiled, org_prefixes: frozenset[str] | None) -> Plan | None:
    paths, starts = _all(test.paths), _all(test.prefixes)
    if paths is None or starts is None:
        return None
    return {"paths": paths, "prefixes": starts, "separator": test.separator.encode()}


def _org_prefix(test: Prefilter, into: Compiled, org_prefixes: frozenset[str] | None) -> Plan | None:
    paths = _all(test.paths)
    if paths is None:
        return None
    if org_prefixes is None:
        return {"op": "exists", "paths": paths}  # every value goes to the Python rule, as with the XPath
    return {"paths": paths, "known": sorted(code.encode("utf-8") for code in org_prefixes)}


def _if_then(test: Prefilter, into: Compiled, org_prefixes: frozenset[str] | None) -> Plan | None:
    roots = [compile_expression(str(expression), into) for expression in test.expressions]
    if None in roots:
        return None
    return {"paths": [], "first": roots[0], "second": roots[1] if len(roots) > 1 else -1}


# Each test of ``_rule_types.TESTS`` the compiled module runs (``OP_`` and its name in its ``Op``
# enum), as that module's arguments; None keeps the case's XPath. "always" has no plan: a walk
# selecting every context would not beat the XPath.
PLANS: dict[str, Callable[[Prefilter, Compiled, frozenset[str] | None], Plan | None]] = {
    "exists": _on_paths,
    "none": _on_paths,
    "many": _on_paths,
    "unique": _on_paths,
    "no_spaces": _on_paths,
    "chars": _chars,
    "range": _bounded,
    "date_order": _two_dates,
    "time_limit": _two_dates,
    "starts": _starts,
    "org_prefix": _org_prefix,
    "sum": _bounded,
    "strict_sum": _bounded,
    "if_then": _if_then,
}


def expression_nodes(compiled: Compiled) -> list[tuple[int, int, int, int, int, float]]:
    """``_rule_expr``'s nodes with the compiled module's codes for their kinds and comparisons."""
    return [(code("Expression", f"E_{op.upper()}"), code("Comparison", f"CMP_{compare.upper()}"), left, right, path,
             number) for op, compare, left, right, path, number in compiled.nodes]


def native_plan(name: str, case: Mapping[str, Any], contexts: tuple[str, ...], today: tuple[int, int, int], *,
                org_prefixes: frozenset[str] | None = None) -> Any:
    """The compiled prefilter of a case (a ``CasePlan``), or None to keep its XPath. ``org_prefixes``:
    the agency prefixes ``ORG-ID-PREFIX`` stands for (without them, every such value is selected)."""
    native = native_module()
    if native is None:
        return None
    test = prefilter_of(name, case)
    build = PLANS.get(test.test)
    condition = str(case.get("condition") or "") if name != "loop" else ""  # as in rule_prefilter.prefilter
    expressions = Compiled(parse_path)
    context_paths = _context_paths(contexts)
    condition_root = -1
    if condition:
        with_predicate = _with_condition(context_paths, condition)
        if with_predicate is not None:
            context_paths = with_predicate
        elif (root := compile_expression(condition, expressions)) is not None:
            condition_root = root
        else:
            return None
    plan = build(test, expressions, org_prefixes) if build is not None else None
    if context_paths is None or plan is None or len(context_paths) > native.Limit.MAX_CONTEXTS:
        return None
    op = code("Op", f"OP_{plan.get('op', test.test).upper()}")
    return native.CasePlan(op, context_paths, plan["paths"], plan.get("prefixes"), plan.get("chars", b""),
                           plan.get("separator", b""), plan.get("low", 0.0), plan.get("high", 0.0),
                           native.day_number(*today), expression_nodes(expressions), expressions.paths,
                           condition=condition_root, first=plan.get("first", -1), second=plan.get("second", -1),
                           known=plan.get("known"))


def chunk_prefilter(plans: list[Any], record_step: str) -> ChunkPrefilter | None:
    """One function for a ruleset: a chunk's root → for each case, its compiled candidates (None where
    the case has no plan, or the XPath must judge it on this chunk). None when no case has a plan."""
    native = native_module()
    taken = tuple(plan for plan in plans if plan is not None)
    if native is None or not taken:
        return None
    where = [index for index, plan in enumerate(plans) if plan is not None]
    record, size = record_step.encode(), len(plans)

    def candidates(root: Any) -> list[list[Any] | None]:
        out: list[list[Any] | None] = [None] * size
        for index, found in zip(where, native.chunk_candidates(taken, record, root), strict=True):
            out[index] = found
        return out

    return candidates
