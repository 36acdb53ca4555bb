"""Which codelist applies to which attribute, and under which vocabulary (IATI ``mapping.xml``).

The conditions in ``mapping.xml`` take few shapes: ``@vocabulary = 'N'``, optionally ``or
not(@vocabulary)`` (the vocabulary that applies when none is given), and ``../@vocabulary = 'N'``
(the parent's vocabulary, for ``country-budget-items/budget-item``). They are parsed into data here
so no XPath engine is needed to answer "which codelist is ``sector/@code`` under vocabulary 2?".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .._xml import parse_file
from .store import require_store

__all__ = ["CodelistMapping", "codelist_for", "load_mappings"]

_CONDITION = re.compile(r"^(?P<parent>\.\./)?@vocabulary = '(?P<vocab>[^']+)'(?P<default> or not\(@vocabulary\))?$")


@dataclass(frozen=True, slots=True, kw_only=True)
class CodelistMapping:
    """One mapping: ``path`` (as written, e.g. ``//iati-activity/sector/@code``) → ``codelist``.

    ``vocabulary`` is the vocabulary value the mapping needs (None: always applies);
    ``vocabulary_on_parent`` says the vocabulary attribute sits on the parent element;
    ``is_default`` says the mapping also applies when the vocabulary attribute is absent.
    """

    path: str
    codelist: str
    vocabulary: str | None = None
    vocabulary_on_parent: bool = False
    is_default: bool = False
    condition: str | None = None

    @property
    def attribute(self) -> str | None:
        last = self.path.rsplit("/", 1)[-1]
        return last[1:] if last.startswith("@") else None

    @property
    def element_path(self) -> str:
        """The path of the element holding the value (without ``/@attr`` or ``/text()``)."""
        head, _, last = self.path.rpartition("/")
        return head if last.startswith("@") or last == "text()" else self.path

    def applies(self, vocabulary: str | None) -> bool:
        """Whether this mapping governs a value whose vocabulary attribute is ``vocabulary``."""
        if self.vocabulary is None:
            return True
        if vocabulary is None or vocabulary == "":
            return self.is_default
        return vocabulary == self.vocabulary


def load_mappings(version: str = "2.03") -> tuple[CodelistMapping, ...]:
    """The mappings of one version, parsed once per store."""
    return _load_mappings_from(require_store(), version)


@cache
def _load_mappings_from(store: Path, version: str) -> tuple[CodelistMapping, ...]:
    root = parse_file(store / "codelists" / version / "mapping.xml").getroot()
    mappings: list[CodelistMapping] = []
    for item in root.iterfind("mapping"):
        path = (item.findtext("path") or "").strip()
        ref = item.find("codelist")
        if not path or ref is None:
            continue
        condition = (item.findtext("condition") or "").strip() or None
        vocabulary, on_parent, default = None, False, False
        if condition:
            parsed = _CONDITION.match(condition)
            if parsed is None:
                raise ValueError(f"mapping.xml {version}: unsupported condition {condition!r} on {path}")
            vocabulary = parsed["vocab"]
            on_parent = bool(parsed["parent"])
            default = bool(parsed["default"])
        mappings.append(
            CodelistMapping(
                path=path,
                codelist=ref.get("ref", ""),
                vocabulary=vocabulary,
                vocabulary_on_parent=on_parent,
                is_default=default,
                condition=condition,
            )
        )
    return tuple(mappings)


def codelist_for(path: str, vocabulary: str | None = None, *, version: str = "2.03") -> str | None:
    """The codelist governing ``path`` (e.g. ``//iati-activity/sector/@code``) under ``vocabulary``.

    Returns None when the vocabulary has no codelist (sector vocabulary 99: the publisher's own codes).
    ``path`` may be given without the leading ``//``.
    """
    wanted = path if path.startswith("//") else "//" + path
    for mapping in load_mappings(version):
        if mapping.path == wanted and mapping.applies(vocabulary):
            return mapping.codelist
    return None
