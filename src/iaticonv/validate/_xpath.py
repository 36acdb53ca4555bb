"""Typed helpers over compiled ``lxml.etree.XPath`` results (which lxml types as a wide union)."""

from __future__ import annotations

from lxml import etree

__all__ = ["elements"]


def elements(xpath: etree.XPath, node: etree._Element) -> list[etree._Element]:
    """The element nodes an XPath selects from ``node`` (anything else it returns is dropped)."""
    result = xpath(node)
    if isinstance(result, list):
        return [item for item in result if isinstance(item, etree._Element)]
    return []
