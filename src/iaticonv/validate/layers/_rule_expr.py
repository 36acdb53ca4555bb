"""The rulesets' small XPath expressions (``if``, ``then``, ``condition``) as the compiled module takes them.

``if_then`` cases and the conditions of sums test expressions such as ``count(sector[@vocabulary='1'])
> 1``, ``recipient-country or recipient-region`` or ``not(P) or P = 100``. This parser takes the
XPath 1.0 subset they are written in: plain paths (``_rule_plans.parse_path``), number literals,
``count()``, ``number()``, ``not()``, ``boolean()``, ``+``, comparisons, ``and``/``or``, parentheses.
It returns None for anything else (strings at the top level, other functions, ``|``, ``-``, a path
compared with anything but a number), and the case keeps its XPath. ``_rule_native`` evaluates the
result with XPath's conversions and comparisons, and is tested against libxml on every context.
Nodes name their kind and comparison (``EXPRESSIONS``, ``COMPARISONS``); ``_rule_plans`` gives them
the codes of the compiled module's ``Expression`` and ``Comparison`` enums.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["COMPARISONS", "EXPRESSIONS", "Compiled", "compile_expression"]

EXPRESSIONS = ("path", "count", "number_of", "literal", "not", "boolean", "and", "or", "add", "compare")
COMPARISONS = {"=": "equal", "!=": "unequal", "<": "less", ">": "more", "<=": "at_most", ">=": "at_least"}
NUMERIC = {"count", "number_of", "literal", "add"}

_TOKEN = re.compile(
    r"\s*(?:(?P<number>[0-9]+(?:\.[0-9]+)?)(?![A-Za-z_])"
    r"|(?P<function>(?:count|not|boolean|number)\s*\()"
    r"|(?P<operator><=|>=|!=|=|<|>|\+|\(|\))"
    r"|(?P<path>[@A-Za-z_](?:[A-Za-z0-9_.\-/@]|\[[^\]]*\])*))"
)

# One expression node: (kind, comparison, left, right, path index, number); -1 for no operand or path.
Node = tuple[str, str, int, int, int, float]


@dataclass(slots=True)
class Compiled:
    """Expression nodes over ``paths``, shared by the expressions of one case (each has a root index)."""

    parse_path: Callable[[str], object | None]
    nodes: list[Node] = field(default_factory=list)
    paths: list[object] = field(default_factory=list)

    def add(self, op: str, *, compare: str = "equal", left: int = -1, right: int = -1, path: int = -1,
            number: float = 0.0) -> int:
        if op not in EXPRESSIONS:
            raise ValueError(f"unknown expression node {op!r}")
        self.nodes.append((op, compare, left, right, path, number))
        return len(self.nodes) - 1

    def path(self, text: str) -> int:
        parsed = self.parse_path(text)
        if parsed is None:
            raise _Unsupported(text)
        self.paths.append(parsed)
        return len(self.paths) - 1


class _Unsupported(Exception):
    """The expression is outside the subset (internal: ``compile_expression`` returns None)."""


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    at = 0
    text = text.rstrip()
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None or match.end() == at:
            raise _Unsupported(text[at:])
        kind = match.lastgroup or ""
        value = match[kind].strip()
        if kind == "path" and value in ("or", "and"):
            kind = "operator"
        elif kind == "function":
            value = value[:-1].strip()
        out.append((kind, value))
        at = match.end()
    return out


class _Parser:
    def __init__(self, text: str, into: Compiled) -> None:
        self.tokens = _tokens(text)
        self.at = 0
        self.into = into

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (value is not None and token[1] != value):
            raise _Unsupported(f"expected {value!r}")
        self.at += 1
        return token

    def operator(self, *values: str) -> str | None:
        token = self.peek()
        if token is not None and token[0] == "operator" and token[1] in values:
            self.at += 1
            return token[1]
        return None

    def joined(self, operator: str, node: str, operand: Callable[[], int]) -> int:
        """``operand (operator operand)*``, left to right."""
        left = operand()
        while self.operator(operator):
            left = self.into.add(node, left=left, right=operand())
        return left

    def compared(self, operators: tuple[str, ...], operand: Callable[[], int]) -> int:
        """``operand (comparison operand)*``, left to right."""
        left = operand()
        while (found := self.operator(*operators)) is not None:
            left = self.compare(found, left, operand())
        return left

    def either(self) -> int:
        return self.joined("or", "or", self.both)

    def both(self) -> int:
        return self.joined("and", "and", self.equality)

    def equality(self) -> int:
        return self.compared(("=", "!="), self.relation)

    def relation(self) -> int:
        return self.compared(("<=", ">=", "<", ">"), self.sum)

    def compare(self, operator: str, left: int, right: int) -> int:
        kinds = {self.into.nodes[left][0], self.into.nodes[right][0]}
        if "path" in kinds and not kinds - {"path"} <= NUMERIC:
            raise _Unsupported("a path compared with something other than a number")
        if kinds == {"path"}:
            raise _Unsupported("two paths compared")
        return self.into.add("compare", compare=COMPARISONS[operator], left=left, right=right)

    def sum(self) -> int:
        return self.joined("+", "add", self.primary)

    def primary(self) -> int:
        kind, value = self.take()
        if kind == "number":
            return self.into.add("literal", number=float(value))
        if kind == "path":
            return self.into.add("path", path=self.into.path(value))
        if kind == "function":
            if value in ("count", "number"):
                path_kind, path = self.take()
                if path_kind != "path":
                    raise _Unsupported(f"{value}() of something other than a path")
                self.take(")")
                return self.into.add("count" if value == "count" else "number_of", path=self.into.path(path))
            inner = self.either()
            self.take(")")
            return self.into.add(value, left=inner)
        if value == "(":
            inner = self.either()
            self.take(")")
            return inner
        raise _Unsupported(value)


def compile_expression(text: str, into: Compiled) -> int | None:
    """Add ``text`` to ``into``; its root node's index, or None when it is outside the subset (``into``
    may then hold unused nodes: callers drop it)."""
    try:
        parser = _Parser(text, into)
        root = parser.either()
        if parser.peek() is not None:
            return None
    except _Unsupported:
        return None
    return root
