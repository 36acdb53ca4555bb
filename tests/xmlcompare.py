"""Compare two XML documents after canonicalisation and say WHAT differs and WHERE.

Equal means: the same elements (namespace + name) in the same order, the same attributes (namespaced
ones included) with the same lexical values, the same text and tails — where text that is only
whitespace between elements counts as absent, because indentation carries no data. Comments and
processing instructions are not compared; namespace *prefixes* are not compared either (only the
namespace URIs are), which is what XML means by "the same name".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree

from iaticonv._xml import parse_bytes

__all__ = ["assert_same_xml", "xml_differences"]


def _text(value: str | None) -> str:
    if value is None or value.isspace():
        return ""
    return value


def _elements(parent: Any) -> list[Any]:
    return [child for child in parent if isinstance(child.tag, str)]


def _label(element: Any, index: int) -> str:
    name = etree.QName(element).localname if "{" in element.tag else element.tag
    return f"{name}[{index}]"


def xml_differences(left: Any, right: Any, *, limit: int = 20) -> list[str]:
    """Differences between two elements (recursively), each as "path: what"; at most ``limit``."""
    found: list[str] = []
    _compare(left, right, "/" + _label(left, 1), found, limit)
    return found


def _compare(left: Any, right: Any, path: str, found: list[str], limit: int) -> None:
    if len(found) >= limit:
        return
    if left.tag != right.tag:
        found.append(f"{path}: element {left.tag!r} != {right.tag!r}")
        return
    if dict(left.attrib) != dict(right.attrib):
        keys = sorted(set(left.attrib) | set(right.attrib))
        for key in keys:
            a, b = left.get(key), right.get(key)
            if a != b:
                found.append(f"{path}/@{key}: {a!r} != {b!r}")
    if _text(left.text) != _text(right.text):
        found.append(f"{path}/text(): {_text(left.text)!r} != {_text(right.text)!r}")
    lkids, rkids = _elements(left), _elements(right)
    # tails of comments/PIs are text of the parent too: compare the concatenated mixed text
    ltails = [_text(c.tail) for c in left if _text(c.tail)]
    rtails = [_text(c.tail) for c in right if _text(c.tail)]
    if ltails != rtails:
        found.append(f"{path}: mixed text {ltails!r} != {rtails!r}")
    if len(lkids) != len(rkids):
        found.append(f"{path}: {len(lkids)} child elements != {len(rkids)}: "
                     f"{[c.tag for c in lkids][:12]} vs {[c.tag for c in rkids][:12]}")
    counts: dict[str, int] = {}
    for a, b in zip(lkids, rkids, strict=False):
        counts[a.tag] = counts.get(a.tag, 0) + 1
        _compare(a, b, f"{path}/{_label(a, counts[a.tag])}", found, limit)


def _root(source: bytes | Path | Any) -> Any:
    if isinstance(source, Path):
        return parse_bytes(source.read_bytes())
    if isinstance(source, bytes):
        return parse_bytes(source)
    return source


def assert_same_xml(expected: bytes | Path | Any, actual: bytes | Path | Any) -> None:
    """Fail with the list of differences (path: expected != actual) when the documents differ."""
    differences = xml_differences(_root(expected), _root(actual))
    assert not differences, "XML differs:\n  " + "\n  ".join(differences)
