"""Label columns: the codelist name written beside a code, for people (``@code (name)``).

A label is a reading aid, never data: the reader ignores label columns, so a person who changes a
code without updating its name still gets the code they typed (the validator checks codes). Which
codelist applies comes from the standard's ``mapping.xml`` — including vocabulary-dependent ones
(``sector/@code`` is a DAC 5-digit code under vocabulary 1, a DAC 3-digit category under 2) — so no
table of codelists is written here by hand. Labels need the installed IATI Standard; without it
the label columns stay empty rather than failing a conversion that does not need them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...errors import EnvironmentProblem
from .layout import Column, Layout, TableKind

__all__ = ["LABEL_SUFFIX", "Labeller", "label_header"]

LABEL_SUFFIX = " (name)"
# codes people read without help, or whose names add nothing beside them
_SKIPPED = frozenset({"Currency", "Language", "Version", "FileFormat"})


def label_header(header: str) -> str:
    return header + LABEL_SUFFIX


@dataclass(frozen=True, slots=True)
class _Rule:
    codelist: str
    vocabulary: str | None
    is_default: bool


class Labeller:
    """Looks up names for coded columns; ``has_label(column)`` decides the layout, ``label`` the text."""

    def __init__(self, layout: Layout, *, enabled: bool = True) -> None:
        self._rules: dict[str, list[_Rule]] = {}
        self._names: dict[str, dict[str, str]] = {}
        self._available = False
        try:
            from ...standard.codelists import load_codelists
            from ...standard.mapping import load_mappings

            mappings = load_mappings()
            self._codelists: Any = load_codelists()
            self._available = enabled
        except (EnvironmentProblem, OSError, ValueError):
            mappings = ()
        wanted = {c.codelist_path for t in layout.tables if t.kind in (TableKind.ACTIVITY, TableKind.ELEMENT)
                  for c in t.columns if c.codelist_path}
        for mapping in mappings:
            if mapping.path in wanted and mapping.codelist not in _SKIPPED and not mapping.vocabulary_on_parent:
                self._rules.setdefault(mapping.path, []).append(
                    _Rule(mapping.codelist, mapping.vocabulary, mapping.is_default))

    def has_label(self, column: Column) -> bool:
        return column.codelist_path in self._rules

    def labeller(self, column: Column) -> Callable[[Any, str | None], str | None]:
        """A function (holder node, code) → name, for a column that ``has_label``."""
        rules = self._rules[column.codelist_path or ""]

        def label(holder: Any, code: str | None) -> str | None:
            if not self._available or not code:
                return None
            vocabulary = getattr(holder, "vocabulary", None)
            for rule in rules:
                if rule.vocabulary is None or rule.vocabulary == vocabulary or (
                        not vocabulary and rule.is_default):
                    return self._name(rule.codelist, code)
            return None

        return label

    def _name(self, codelist: str, code: str) -> str | None:
        names = self._names.get(codelist)
        if names is None:
            names = {}
            if codelist in self._codelists:
                names = {item.code: item.name for item in self._codelists[codelist]}
            self._names[codelist] = names
        return names.get(code)
