"""XPath as the official rules engine sees it: compiled once, evaluated with its truthiness.

The official engine evaluates ruleset XPaths with a JavaScript XPath library and tests results with
JavaScript truthiness: a node-set is an array, and every array is true, even an empty one. So an
``if``/``then``/``condition`` written as a path (``"@value"``, ``"transaction[recipient-country]"``)
is always true there. ``truthy`` reproduces that, so iaticonv gives the same verdicts.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache
from typing import Any

from lxml import etree

__all__ = ["NS", "compile_xpath", "node_text", "nodes", "parse_date", "to_number", "truthy"]

NS = {"xml": "http://www.w3.org/XML/1998/namespace"}


@lru_cache(maxsize=4096)
def compile_xpath(expression: str) -> etree.XPath:
    """A compiled XPath (cached: loop substitutions reuse the few vocabulary values there are)."""
    return etree.XPath(expression, namespaces=NS)


def nodes(expression: str, element: etree._Element) -> list[Any]:
    """The nodes a path selects: elements, or attribute/text results (lxml "smart" strings)."""
    result = compile_xpath(expression)(element)
    return result if isinstance(result, list) else []


def truthy(expression: str, element: etree._Element) -> bool:
    """The official engine's truth of an XPath: node-sets are always true; 0, NaN and "" are false."""
    result = compile_xpath(expression)(element)
    if isinstance(result, list):
        return True
    if isinstance(result, bool):
        return result
    if isinstance(result, float):
        return not (result == 0 or math.isnan(result))
    return bool(result)


def node_text(node: Any) -> str:
    """An element's text content (descendants included) or an attribute/text value."""
    if isinstance(node, etree._Element):
        return "".join(str(text) for text in node.itertext())
    return str(node)


def to_number(text: str) -> float:
    """JavaScript ``Number(text)``: blank is 0, anything unparsable is NaN."""
    stripped = text.strip()
    if not stripped:
        return 0.0
    try:
        return float(stripped)
    except ValueError:
        return math.nan


def parse_date(text: str) -> dt.datetime | None:
    """An ISO date or date-time as an aware datetime (UTC when no zone), or None when unparsable.

    Unparsable dates make the official date rules pass silently; returning None keeps that.
    """
    value = text.strip()
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = dt.datetime.combine(dt.date.fromisoformat(value[:10]), dt.time())
        except ValueError:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
