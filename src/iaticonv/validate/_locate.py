"""Where a hit is: the one place that turns a check's ``Hit`` into a located ``Finding``.

XPaths carry a position on every step below the root (``/iati-activities/iati-activity[3]/sector[2]/@code``),
so a path names exactly one node even in files with thousands of records. Paths are computed only
for hits, never for the elements that pass.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from lxml import etree

from .._kinds import by_name
from .._speedups import compiled
from .catalogue import Catalogue
from .context import Hit, RecordContext, Spots
from .findings import Finding, located_finding, truncate
from .ruleinfo import RuleInfo

__all__ = ["element_name", "locate_all", "record_base", "relative_path", "source_line", "spot_findings", "to_finding"]

def element_name(element: etree._Element) -> str:
    """A tag as an XPath step: plain for IATI elements, ``prefix:name`` for foreign ones."""
    qname = etree.QName(element)
    if qname.namespace is None:
        return qname.localname
    return f"{element.prefix}:{qname.localname}" if element.prefix else f"*[local-name()='{qname.localname}']"


def _counted_path(node: etree._Element, record: etree._Element) -> str:
    """The positional path, counted in Python step by step (every node, any namespace)."""
    steps: list[str] = []
    current: etree._Element | None = node
    while current is not None and current is not record:
        index = 1 + sum(1 for _ in current.itersiblings(current.tag, preceding=True))
        steps.append(f"{element_name(current)}[{index}]")
        current = current.getparent()
    return "".join("/" + step for step in reversed(steps))


def _indexed(tail: str) -> str:
    """libxml's path below the record with ``[1]`` put back on the steps it left without a position.

    ``/title/narrative[2]`` → ``/title[1]/narrative[2]``: three C-level replaces (a NUL cannot occur
    in an element name), several times cheaper than a regex or a split and join.
    """
    marked = (tail[1:] + "/").replace("]/", "]\0").replace("/", "[1]/").replace("\0", "/")
    return "/" + marked[:-1]


def relative_path(node: etree._Element, record: etree._Element, head: str | None = None) -> str:
    """The positional path from ``record`` down to ``node`` (empty when ``node`` is the record).

    libxml computes the path in C (``getpath``), counting same-named element siblings as the Python
    count does, but it leaves out ``[1]`` on an only child of its name and writes namespaced steps its
    own way. The first is put back; a path with a namespaced step (``:`` or ``*``), or a node outside
    ``record``, is counted in Python instead. ``head`` is the record's own libxml path, when the caller
    keeps it (one per record, however many findings it has).
    """
    if node is record:
        return ""
    tree = record.getroottree()
    if head is None:
        head = tree.getpath(record)
    full = tree.getpath(node)
    if not full.startswith(head + "/"):
        return _counted_path(node, record)
    tail = full[len(head):]
    if ":" in tail or "*" in tail:
        return _counted_path(node, record)
    return _indexed(tail)


@functools.cache
def _native_path() -> Callable[[etree._Element, etree._Element], str | None] | None:
    """The compiled ``relative_path`` (``_locate_native``) when it is built for this lxml and not
    turned off with ``IATICONV_PURE_PYTHON``; else None."""
    native = compiled("validate._locate_native")
    if native is None:
        return None
    found: Callable[[etree._Element, etree._Element], str | None] = native.relative_path
    return found


def record_base(ctx: RecordContext) -> str:
    """The record's own XPath (kept on the context: a record may have hundreds of findings)."""
    if ctx.base is None:
        position = ctx.position + (ctx.placement.positions if ctx.placement is not None else 0)
        ctx.base = f"{by_name(ctx.kind).record_path}[{position}]"
    return ctx.base


def source_line(element: etree._Element) -> int | None:
    """The element's line (lxml types it loosely)."""
    line = element.sourceline
    return line if isinstance(line, int) else None


def _libxml_tail(path: str) -> str:
    """libxml's path of an error inside a record validated alone starts at the record: drop that step."""
    parts = path.split("/", 2)
    return "/" + parts[2] if len(parts) > 2 and parts[2] else ""


_Rendered = tuple[str, str | None, Mapping[str, Any]]  # message, value, params


class _Shared:
    """Identical findings share their message, value and params objects.

    Big files repeat the same problem thousands of times (``xml:lang="EN"`` on every narrative, one
    wrong currency in every transaction); sharing the rendered text keeps a report of 200 000
    findings within a few tens of MB. Bounded, and dropped whole when full. The shared params are
    plain dicts (picklable, for batch workers); nothing mutates a finding's params.
    """

    LIMIT = 50_000

    def __init__(self) -> None:
        self.cache: dict[tuple[Any, ...], _Rendered] = {}

    def get(self, info: RuleInfo, value: str | None, params: Mapping[str, Any]) -> _Rendered:
        try:
            key = (info.id, value, *params.items())
            found = self.cache.get(key)
        except TypeError:  # an unhashable parameter: render it on its own
            return info.render({"value": value or "", **params}), truncate(value), dict(params)
        if found is None:
            if len(self.cache) >= self.LIMIT:
                self.cache.clear()
            found = (info.render({"value": value or "", **params}), truncate(value), dict(params))
            self.cache[key] = found
        return found


_SHARED = _Shared()


def to_finding(hit: Hit, ctx: RecordContext, catalogue: Catalogue) -> Finding:
    """Attach file, line, XPath and identifier to a hit, and render its message from the catalogue."""
    info = catalogue[hit.rule_id]
    base = record_base(ctx)
    line = hit.line
    if hit.node is not None:
        native = _native_path()
        tail = native(hit.node, ctx.element) if native is not None else None
        if tail is None:
            if ctx.path_head is None:
                ctx.path_head = ctx.element.getroottree().getpath(ctx.element)
            tail = relative_path(hit.node, ctx.element, ctx.path_head)
        xpath = base + tail
        line = line or source_line(hit.node)
    elif hit.relpath is not None:
        xpath = base + _libxml_tail(hit.relpath)
    else:
        xpath = base
    if hit.attribute:
        xpath += "/@" + hit.attribute
    message, value, params = _SHARED.get(info, hit.value, hit.params)
    line = line or source_line(ctx.element)
    if ctx.placement is not None:
        line = ctx.placement.line(line)
    return located_finding(hit.rule_id, info.severity, info.category, message, ctx.file, line, hit.column, xpath,
                           ctx.identifier, value, params)


def spot_findings(spots: Spots, ctx: RecordContext, catalogue: Catalogue) -> list[Finding]:
    """``to_finding`` for each of a record's spots: the same findings, with the message rendered once
    per distinct value instead of once per spot."""
    info = catalogue[spots.rule_id]
    base, suffix = record_base(ctx), f"/@{spots.attribute}" if spots.attribute else ""
    rendered: dict[str, _Rendered] = {}
    placement, file, identifier = ctx.placement, ctx.file, ctx.identifier
    record_line: int | None = None
    out: list[Finding] = []
    for line, path, value in spots.places:
        found = rendered.get(value)
        if found is None:
            found = rendered[value] = _SHARED.get(info, value, spots.params(value))
        if line is None:
            record_line = record_line or source_line(ctx.element)
            line = record_line
        if placement is not None:
            line = placement.line(line)
        out.append(located_finding(spots.rule_id, info.severity, info.category, found[0], file, line, None,
                                   base + path + suffix, identifier, found[1], found[2]))
    return out


def locate_all(found: Iterable[tuple[RecordContext, Hit | Spots]], catalogue: Catalogue, out: list[Finding]) -> None:
    """Every hit (or record's spots) of a layer, located, appended to ``out``."""
    for ctx, hit in found:
        if isinstance(hit, Spots):
            out += spot_findings(hit, ctx, catalogue)
        else:
            out.append(to_finding(hit, ctx, catalogue))
