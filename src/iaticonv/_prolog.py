"""The DOCTYPE of a document, read from its first bytes before libxml2 sees them.

iaticonv refuses a DOCTYPE that declares entities or names an external DTD. Checking the tree after
libxml2 parsed it works, but libxml2 reacts first to some of these documents with its own, changing
defences (since 2.13 an entity-amplification limit stops a "billion laughs" file before iaticonv's
check runs), so the same file was refused with different words depending on the libxml2 installed.
Reading the prolog ourselves makes the refusal, its words and its line the same everywhere.

The scan covers what may come before the root element (a byte-order mark, the XML declaration,
comments, processing instructions, white space, the DOCTYPE) and reads only the markup of the
DOCTYPE: its external identifier and the names of the entities its internal subset declares. It never
expands or resolves anything. Whatever it cannot read (an encoding that is not ASCII-compatible
without a byte-order mark, a prolog longer than ``PROLOG_LIMIT``) is left to the check that runs on
the parsed tree (``_xml.check_doctype``).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

__all__ = ["PROLOG_LIMIT", "Doctype", "decode_head", "read_doctype"]

# A prolog (everything before the root element) longer than this is not scanned here: real IATI files
# have a few hundred bytes of it.
PROLOG_LIMIT = 1 << 20

_NAME = re.compile(r"[^\s\[\]>\"'%]+")
_SPACE = re.compile(r"\s*")
_ENTITY = re.compile(r"<!ENTITY\s+(%\s+)?([^\s\"'>]+)")
_EXTERNAL = re.compile(r"(SYSTEM|PUBLIC)\s*(\"[^\"]*\"|'[^']*')(?:\s*(\"[^\"]*\"|'[^']*'))?")


@dataclass(frozen=True, slots=True)
class Doctype:
    """A DOCTYPE as written: its line, the external DTD it names (or None), the entities it declares."""

    line: int
    external: str | None
    entities: tuple[str, ...]


def decode_head(head: bytes) -> str | None:
    """The first bytes as text for the scan, or None when their encoding cannot be told without a
    declaration (then the tree check decides). Markup is ASCII, so any ASCII-compatible encoding
    reads right as Latin-1; UTF-16 is recognised by its byte-order mark or its first ``<``."""
    if head.startswith(codecs.BOM_UTF8):
        return head[len(codecs.BOM_UTF8):].decode("latin-1")
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return head[2:len(head) - len(head) % 2].decode(encoding, errors="replace")
    if head.startswith(b"<\x00"):
        return head[:len(head) - len(head) % 2].decode("utf-16-le", errors="replace")
    if head.startswith(b"\x00<"):
        return head[:len(head) - len(head) % 2].decode("utf-16-be", errors="replace")
    if head[:1] in (b"\x00", b"\xff", b"\xfe") or head.startswith(b"\x4c\x6f\xa7\x94"):  # UCS-4, EBCDIC
        return None
    return head.decode("latin-1")


def _skip(text: str, at: int, start: str, end: str) -> int | None:
    """The position after ``end`` when ``text[at:]`` starts with ``start``, -1 when it does but the end
    is not in ``text`` yet, None when it does not start so."""
    if not text.startswith(start, at):
        return None
    close = text.find(end, at + len(start))
    return -1 if close < 0 else close + len(end)


def _subset_end(text: str, at: int) -> int:
    """The position of the ``]`` that closes the internal subset opened before ``at`` (-1: not yet read).
    Quoted literals and comments may hold a ``]``; they are stepped over."""
    while at < len(text):
        char = text[at]
        if char == "]":
            return at
        if char in "\"'":
            close = text.find(char, at + 1)
            if close < 0:
                return -1
            at = close + 1
        elif text.startswith("<!--", at):
            close = text.find("-->", at + 4)
            if close < 0:
                return -1
            at = close + 3
        else:
            at += 1
    return -1


def read_doctype(text: str, *, complete: bool) -> Doctype | bool | None:
    """The DOCTYPE of the document that starts with ``text``: a ``Doctype``, None when the root element
    comes first (or there is neither), or False when ``text`` ends before the prolog does and more of
    the document is needed (``complete``: there is no more, so whatever is read is all there is)."""
    at = 0
    while True:
        at = _SPACE.match(text, at).end()  # type: ignore[union-attr]  # \s* always matches
        if at >= len(text):
            return None if complete else False
        for start, end in (("<?", "?>"), ("<!--", "-->")):
            after = _skip(text, at, start, end)
            if after is not None:
                break
        if after == -1:
            return None if complete else False
        if after is not None:
            at = after
            continue
        if not text.startswith("<!DOCTYPE", at):
            return None  # the root element (or something libxml2 will refuse): nothing declared before it
        return _doctype(text, at, complete=complete)


def _doctype(text: str, at: int, *, complete: bool) -> Doctype | bool | None:
    line = text.count("\n", 0, at) + 1
    cursor = _SPACE.match(text, at + len("<!DOCTYPE")).end()  # type: ignore[union-attr]
    name = _NAME.match(text, cursor)
    cursor = _SPACE.match(text, name.end() if name else cursor).end()  # type: ignore[union-attr]
    external = None
    ident = _EXTERNAL.match(text, cursor)
    if ident:
        external = (ident.group(3) or ident.group(2))[1:-1]
        cursor = _SPACE.match(text, ident.end()).end()  # type: ignore[union-attr]
    elif text.startswith(("SYSTEM", "PUBLIC"), cursor):
        if not complete and text.find(">", cursor) < 0:
            return False
        external = "?"  # an external identifier libxml2 will reject anyway: refused here all the same
    entities: tuple[str, ...] = ()
    if text.startswith("[", cursor):
        end = _subset_end(text, cursor + 1)
        if end < 0:
            if not complete:
                return False
            end = len(text)
        entities = tuple(match.group(2) for match in _ENTITY.finditer(_without_literals(text[cursor + 1:end])))
    elif cursor >= len(text) and not complete:
        return False
    return Doctype(line, external, entities)


def _without_literals(subset: str) -> str:
    """The internal subset with its quoted literals and comments blanked, so that an ``<!ENTITY`` written
    inside an entity's value is not counted as a declaration of its own."""
    return re.sub(r"<!--.*?-->|\"[^\"]*\"|'[^']*'", '""', subset, flags=re.DOTALL)
