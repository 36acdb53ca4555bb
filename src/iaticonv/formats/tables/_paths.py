"""Row paths (``result 2 / indicator 1 / period 3``) and child-order hints, written and parsed.

A path names a row's element from the activity down, numbering each repeated element by its
position among its siblings and naming each 0..1 element plainly (``transaction 3 / provider-org /
narrative 1``). The numbers give the order when the tables are read back; they need not be
contiguous (deleting a row leaves a gap, an added row may take any unused number), but they must be
unique under one parent.
"""

from __future__ import annotations

import re

from ...model import EXTRA_KEY, Kind, Node, plan_for

__all__ = ["PathError", "decode_order", "encode_order", "fit_order", "join", "parse_path"]

_SEGMENT = re.compile(r"\s*([A-Za-z_][\w.\-]*)(?:\s+(\d+))?\s*\Z")

Step = tuple[str, int | None]


class PathError(ValueError):
    """A path or order hint that cannot be understood; the caller adds sheet, row and column."""


def join(base: str, segment: str) -> str:
    return f"{base} / {segment}" if base else segment


def parse_path(text: str | None) -> tuple[Step, ...]:
    """``"result 2 / title"`` → ``(("result", 2), ("title", None))``; ``""`` → ``()`` (the activity)."""
    if text is None or not text.strip():
        return ()
    steps: list[Step] = []
    for part in text.split("/"):
        match = _SEGMENT.match(part)
        if match is None:
            raise PathError(f"{part.strip()!r} is not an element name optionally followed by a number")
        number = int(match[2]) if match[2] is not None else None
        if number == 0:
            raise PathError(f"{part.strip()!r}: positions start at 1")
        steps.append((match[1], number))
    return tuple(steps)


def encode_order(cls: type[Node], order: list[str]) -> str:
    """A child-order hint as XML names with run lengths: ``iati-identifier title description*2 +``."""
    plan = plan_for(cls)
    tokens = [key if key == EXTRA_KEY else plan.by_name[key].xml for key in order]
    out: list[str] = []
    index = 0
    while index < len(tokens):
        end = index
        while end < len(tokens) and tokens[end] == tokens[index]:
            end += 1
        count = end - index
        out.append(tokens[index] if count == 1 else f"{tokens[index]}*{count}")
        index = end
    return " ".join(out)


def decode_order(cls: type[Node], text: str) -> list[str]:
    """The inverse of :func:`encode_order`; unknown names raise :class:`PathError`."""
    plan = plan_for(cls)
    order: list[str] = []
    for token in text.split():
        name, _, count = token.partition("*")
        if name == EXTRA_KEY:
            key = EXTRA_KEY
        else:
            fplan = plan.by_tag.get(name)
            if fplan is None:
                raise PathError(f"{name!r} is not a child element of <{_tag_of(cls)}>")
            key = fplan.name
        if count and not count.isdigit():
            raise PathError(f"{token!r}: the repeat count after '*' must be a number")
        order.extend([key] * (int(count) if count else 1))
    return order


def fit_order(node: Node) -> list[str]:
    """``node.order`` made to match the children the node now has, after rows were added or deleted.

    The hint records the input's child order; an edit may add a child (a new sector row) or delete
    one. Surplus entries are dropped; a missing child is placed right after the last child of the
    same kind, or — when there is none — before the first child that the standard's sequence puts
    after it, so an added row lands where the XML schema expects it.
    """
    plan = plan_for(type(node))
    counts: dict[str, int] = {EXTRA_KEY: len(node.extras)}
    for fplan in plan.children:
        value = getattr(node, fplan.name)
        counts[fplan.name] = len(value) if fplan.many or fplan.kind is Kind.NARRATIVES else int(value is not None)
    seen: dict[str, int] = {}
    fitted: list[str] = []
    for key in node.order or ():
        if seen.get(key, 0) < counts.get(key, 0):
            fitted.append(key)
            seen[key] = seen.get(key, 0) + 1
    rank = {fplan.name: fplan.index for fplan in plan.children}
    for key in [*rank, EXTRA_KEY]:
        missing = counts[key] - seen.get(key, 0)
        if missing <= 0:
            continue
        if key in fitted:
            at = len(fitted) - fitted[::-1].index(key)
        elif key == EXTRA_KEY:
            at = len(fitted)
        else:
            later = [i for i, other in enumerate(fitted) if rank.get(other, -1) > rank[key]]
            at = later[0] if later else len(fitted)
        fitted[at:at] = [key] * missing
    return fitted


def _tag_of(cls: type[Node]) -> str:
    return cls.__name__
