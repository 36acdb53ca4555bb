"""The small types checks share: options, the record being checked, and a raw ``Hit``.

A check sees one activity or organisation (``RecordContext``) and yields ``Hit``s: the rule id, the
element (still alive at that moment) and the values for the message. The walker turns hits into
``Finding``s at one place, attaching the file, line, XPath and identifier, so checks never compute
locations themselves and never keep an element past the record they were given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from lxml import etree

from .._kinds import KindName

__all__ = [
    "ActivityLookup",
    "Check",
    "Chunk",
    "ChunkCheck",
    "Hit",
    "Placement",
    "RecordContext",
    "Spots",
    "ValidateOptions",
]

class ActivityLookup(Protocol):
    """Answers "does this activity identifier exist somewhere?" for the 1000.0.* advisories.

    The default answers from the files given to one run only; a caller can plug a local index or
    a Datastore client in. It receives every unresolved identifier at once, so batching is easy.
    """

    def existing(self, identifiers: Iterable[str]) -> set[str]:
        """The subset of ``identifiers`` that exist."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ValidateOptions:
    """How to validate.

    ``fiscal_year_start`` (month, day) turns on the fiscal-year budget check (2005.1.1);
    ``extra=False`` keeps to the official validator's checks only (no 2000.* findings);
    ``today`` fixes "now" for the date checks (reproducible reports); ``lookup`` resolves activity
    links the files themselves do not hold (advisories); ``registered_org_ids`` are IATI publisher
    ids that the identifier rules with an ``idCondition`` grandfather (the official validator fetches
    them from the registry; offline the set is empty, so those rules always run).
    """

    fiscal_year_start: tuple[int, int] | None = None
    extra: bool = True
    today: dt.date | None = None
    lookup: ActivityLookup | None = None
    registered_org_ids: frozenset[str] = frozenset()
    # Stop a file's walk after the chunk that gave its first blocking finding (``is_valid``): the
    # findings so far are kept and the report says it stopped early (``FileReport.stopped``).
    stop_at_blocking: bool = False

    def now(self) -> dt.date:
        return self.today or dt.datetime.now(dt.UTC).date()


@dataclass(slots=True, kw_only=True)
class Hit:
    """A raw finding from a check, before the walker locates it.

    Give ``node`` (and ``attribute`` for ``@name``) so the walker computes the XPath and line, or
    give ``line`` and ``relpath`` (a path below the record, e.g. from libxml) when there is no node.
    """

    rule_id: str
    node: etree._Element | None = None
    attribute: str | None = None
    value: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    line: int | None = None
    column: int | None = None
    relpath: str | None = None


@dataclass(frozen=True, slots=True)
class Spots:
    """Many hits of one rule in one record, each already placed by a compiled walk.

    A big file repeats some problems on every narrative (``xml:lang="EN"``): a hundred thousand hits
    of one rule. A walk that already knows each one's line and path below the record hands them over
    as plain tuples, so no element proxy, ``Hit`` or path search is paid per hit (``_locate.spot_findings``).
    """

    rule_id: str
    attribute: str | None  # each spot names this attribute of its element
    places: list[tuple[int | None, str, str]]  # (line, positional path below the record, value)
    params: Callable[[str], Mapping[str, Any]]  # a value's message parameters


@dataclass(slots=True, kw_only=True)
class RecordContext:
    """One activity or organisation while it is checked (the element is cleared right after)."""

    element: etree._Element
    kind: KindName
    position: int
    identifier: str
    version: str
    file: str
    options: ValidateOptions
    root_attrib: Mapping[str, str] = field(default_factory=dict)
    base: str | None = None  # the record's own XPath when it is not under the usual root
    path_head: str | None = None  # libxml's path of the element in its chunk, kept by ``_locate``
    placement: Placement | None = None  # where the walk's range sits in its whole file (``ranges``)


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a range of a file, walked as a file of its own, sits in the whole file, and where a piece
    of the walked file parsed as a document of its own sits in it: the findings of its records are
    born with the whole file's name, lines and record positions (``ranges``, ``_pieces``), instead of
    being moved there afterwards one by one."""

    file: str
    header_line: int  # lines from this one on are the range's own: they shift by ``lines``
    lines: int
    positions: int  # records before the range
    # the part of ``lines`` that moves a piece (``_pieces``) within the walked file; the rest moves
    # the walked file (a range) within the whole file
    piece_lines: int = 0

    def line(self, line: int | None) -> int | None:
        return line + self.lines if line is not None and line >= self.header_line else line

    def walk_line(self, line: int) -> int:
        """A line of a piece as a line of the walked file (what ``WalkResult.first_seen`` keeps)."""
        return line + self.piece_lines if line >= self.header_line else line

    def from_walk(self, line: int) -> int:
        """A line of the walked file as a line of the whole file."""
        return line + self.lines - self.piece_lines if line >= self.header_line else line


Check = Callable[[RecordContext], Iterable[Hit]]


@dataclass(slots=True, kw_only=True)
class Chunk:
    """A run of consecutive records under ``root``, checked together before they are released.

    Layers evaluate each compiled XPath once per chunk (``record_step`` + a path below the record),
    not once per record: lxml's per-call cost dwarfs the work on one small activity, so batching is
    what makes the validator fast. ``record_of`` maps any node back to the record that holds it.
    """

    root: etree._Element
    records: list[RecordContext]
    kind: KindName
    version: str
    options: ValidateOptions
    record_step: str  # the kind's record tag: selects exactly the chunk's records
    by_element: dict[etree._Element, RecordContext] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_element = {record.element: record for record in self.records}

    def record_of(self, node: etree._Element) -> RecordContext | None:
        """The record holding ``node`` (None when the node is outside every record of the chunk)."""
        current: etree._Element | None = node
        while current is not None:
            found = self.by_element.get(current)
            if found is not None:
                return found
            current = current.getparent()
        return None

    def path(self, relative: str) -> str:
        """A chunk-level XPath for a path relative to the record ("." for the record itself)."""
        if relative in (".", ""):
            return self.record_step
        parts = [part.strip() for part in relative.split("|")]
        if len(parts) == 1:
            return f"{self.record_step}/{relative}"
        return " | ".join(f"{self.record_step}/{part}" for part in parts)


ChunkCheck = Callable[[Chunk], Iterable[tuple[RecordContext, Hit | Spots]]]
