"""Safe XML parsing settings, declared once.

IATI files come from strangers. Every parser iaticonv builds refuses to resolve entities, to load a
DTD, to touch the network or to expand XInclude, so a hostile file can neither exfiltrate a local
file nor blow up memory with nested entities. ``huge_tree`` stays on because real IATI files hold
text nodes and trees bigger than libxml2's defensive defaults, and streaming keeps memory flat anyway.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from lxml import etree

__all__ = ["SAFE_PARSER_OPTIONS", "iterparse", "parse_bytes", "parse_file", "safe_parser"]

SAFE_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": True,
    "remove_comments": False,
    "remove_pis": False,
}


def safe_parser(**overrides: Any) -> etree.XMLParser:
    """A fresh ``XMLParser`` with the safe defaults (parsers are not thread-safe, so never shared)."""
    options = {**SAFE_PARSER_OPTIONS, **overrides}
    return etree.XMLParser(**options)


def parse_bytes(data: bytes, *, base_url: str | None = None) -> etree._Element:
    """Parse a whole document held in memory; raises ``etree.XMLSyntaxError`` on bad XML."""
    if base_url is None:
        return etree.fromstring(data, parser=safe_parser())
    return etree.fromstring(data, parser=safe_parser(), base_url=base_url)


def parse_file(path: str | Path) -> etree._ElementTree:
    """Parse a whole (small) file from disk with the safe settings."""
    return etree.parse(str(path), parser=safe_parser())


def iterparse(
    source: str | Path | IO[bytes],
    *,
    events: tuple[str, ...] = ("end",),
    tag: str | list[str] | None = None,
) -> Iterator[tuple[str, Any]]:
    """``lxml.etree.iterparse`` with the safe settings: the streaming entry point for big files."""
    src = str(source) if isinstance(source, Path) else source
    return etree.iterparse(  # type: ignore[no-any-return]
        src,
        events=events,
        tag=tag,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=True,
    )
