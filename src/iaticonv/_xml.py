"""Safe XML parsing settings and limits, declared once.

IATI files come from strangers. Every parser iaticonv builds refuses to resolve entities, to load a
DTD, to touch the network or to expand XInclude, so a hostile file can neither exfiltrate a local
file nor blow up memory with nested entities. On top of libxml2's own switches:

* a document whose DOCTYPE declares entities or points at an external DTD is refused outright
  (:class:`UnsafeXMLError`), from its first bytes, before libxml2 reads it (``check_prolog``), so the
  refusal is the same whatever libxml2's own limits; the parsed tree is checked again. IATI files need
  no DOCTYPE, and an unexpanded entity reference left in the tree would otherwise reach the XSD
  validator, which cannot handle one;
* ``huge_tree`` stays off, so libxml2 keeps its defensive limits: no text node or attribute over
  10 MB, no nesting deeper than 256. Real IATI files are far below both (the largest text in the
  published files we test with is 12 KB, the deepest nesting 8 levels); a file that breaks them is
  refused in the first megabytes instead of filling memory;
* libxml2's terse messages ("Start tag expected, '<' not found") are explained in plain words, with
  the original kept in brackets so nothing is lost. iterparse sometimes reports a failure with no
  position ("no element found"); the file is then re-scanned without building a tree to find the
  real error and its line.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from lxml import etree

from ._prolog import PROLOG_LIMIT, Doctype, decode_head, read_doctype

__all__ = [
    "SAFE_PARSER_OPTIONS",
    "UnsafeXMLError",
    "check_doctype",
    "check_prolog",
    "explain",
    "iterparse",
    "parse_bytes",
    "parse_file",
    "root_start",
    "safe_parser",
]

SAFE_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": False,
    "remove_pis": False,
}
_STREAM_OPTIONS = {k: SAFE_PARSER_OPTIONS[k] for k in ("resolve_entities", "no_network", "load_dtd",
                                                        "dtd_validation", "huge_tree")}

TRUNCATED = "the file ends before the XML is complete (a truncated download or copy?)"
PROLOG_BLOCK = 64 * 1024
NO_DOCTYPE_HINT = "IATI files need no DOCTYPE: remove it (iaticonv never expands entities nor loads DTDs)"

# (pattern in libxml2's message, plain explanation); the first match wins
_EXPLANATIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), text)
    for pattern, text in (
        (r"Document is empty|no element found",
         "the file is empty or holds no XML element"),
        (r"Start tag expected",
         "this is not XML: no element where the document should start (binary data, or the wrong file?)"),
        (r"Invalid bytes in character encoding|not proper UTF-8|Input is not proper",
         "bytes that are not valid in the file's encoding: save it as UTF-8, or declare its real "
         "encoding in the <?xml ... encoding=\"...\"?> line"),
        (r"Unsupported encoding|Unknown encoding",
         "the <?xml?> declaration names an encoding iaticonv cannot read: save the file as UTF-8"),
        (r"Excessive depth",
         "elements nested more than 256 levels deep: IATI needs about 10, so the file is refused "
         "(a deep-nesting attack or a broken export)"),
        (r"Text node too long|huge text node|Buffer size limit|Resource limit exceeded",
         "a single text or attribute value over 10 MB: refused to protect memory (no IATI field is that long)"),
        (r"amplification factor|entity loop|Detected an entity reference loop",
         "entities that expand exponentially (a 'billion laughs' attack): refused, nothing was expanded"),
        (r"Entity '[^']*' not defined",
         "an undefined entity reference: write a literal '&' as '&amp;'"),
        (r"Premature end of data|EndTag: '</' not found|expected '>'|Couldn't find end of Start Tag",
         "the file stops in the middle of an element (truncated download or copy?)"),
        (r"Extra content at the end of the document",
         "content after the root element has closed (two documents glued together?)"),
        (r"PCDATA invalid Char value|Char 0x[0-9A-Fa-f]+ out of allowed range|invalid character",
         "a control character XML 1.0 does not allow (remove it)"),
    )
)


class UnsafeXMLError(etree.XMLSyntaxError):
    """A document refused on purpose (entity declarations, external DTD), not merely malformed.

    It is an ``XMLSyntaxError`` so every caller that already turns syntax errors into a clear
    message or a 0.1.1 finding handles it too.
    """


def explain(message: str) -> str:
    """libxml2's message with a plain-words explanation in front (the original kept in brackets)."""
    for pattern, text in _EXPLANATIONS:
        if pattern.search(message):
            return f"{text} [libxml2: {message.strip()}]"
    return message


def safe_parser(**overrides: Any) -> etree.XMLParser:
    """A fresh ``XMLParser`` with the safe defaults (parsers are not thread-safe, so never shared)."""
    options = {**SAFE_PARSER_OPTIONS, **overrides}
    return etree.XMLParser(**options)


def check_doctype(tree: etree._ElementTree, line: int | None = None) -> None:
    """Refuse a DOCTYPE that declares entities or names an external DTD (raises :class:`UnsafeXMLError`).

    The second line of defence, on the tree libxml2 built: ``check_prolog`` has normally refused such a
    document before libxml2 read it."""
    info: Any = tree.docinfo  # lxml-stubs lack system_url and DTD.entities()
    internal = info.internalDTD
    names = [entity.name or "?" for entity in internal.entities()] if internal is not None else []
    _refuse_doctype(info.system_url or info.public_id, names, line or 1)


def check_prolog(read: Callable[[int], bytes]) -> None:
    """Refuse a DOCTYPE that declares entities or names an external DTD before libxml2 sees it.

    ``read`` gives the document's bytes from its start (a file's or a buffer's ``read``). The refusal's
    words and line are iaticonv's whatever libxml2's own limits would have said (see ``_prolog``).
    """
    head = b""
    while True:
        block = read(PROLOG_BLOCK)
        head += block
        text = decode_head(head)
        if text is None:
            return
        found = read_doctype(text, complete=not block)
        if found is False and len(head) < PROLOG_LIMIT:
            continue
        if isinstance(found, Doctype):
            _refuse_doctype(found.external, found.entities, found.line)
        return


def _refuse_doctype(external: str | None, names: Sequence[str], line: int) -> None:
    if external:
        raise _syntax_error(
            f"the DOCTYPE points at an external DTD ({external}), which iaticonv never loads; {NO_DOCTYPE_HINT}",
            line, unsafe=True)
    if names:
        shown = ", ".join(sorted(names)[:5]) + (" …" if len(names) > 5 else "")
        raise _syntax_error(
            f"the DOCTYPE declares {len(names)} entit{'y' if len(names) == 1 else 'ies'} ({shown}): a possible "
            f"entity-expansion or external-entity attack; {NO_DOCTYPE_HINT}", line, unsafe=True)


def _check_source(source: str | IO[bytes]) -> None:
    """``check_prolog`` on a path or on a seekable file left where it was (an unseekable stream is only
    checked on its tree)."""
    if isinstance(source, str):
        try:
            with open(source, "rb") as handle:  # noqa: PTH123 - a plain path string, as lxml takes it
                check_prolog(handle.read)
        except OSError:
            return  # lxml reports the unreadable file in its own words
        return
    if source.seekable():
        start = source.tell()
        check_prolog(source.read)
        source.seek(start)


def _friendly(exc: etree.XMLSyntaxError, *, truncated: bool = False) -> etree.XMLSyntaxError:
    """The same error with an explained message (an ``UnsafeXMLError`` is already plain)."""
    if isinstance(exc, UnsafeXMLError):
        return exc
    line, column = exc.position if exc.position else (exc.lineno or 0, 0)
    message = re.sub(r", line \d+, column \d+$", "", (exc.msg or str(exc)).strip())
    text = f"{TRUNCATED} [libxml2: {message}]" if truncated else explain(message)
    return _syntax_error(text, line or 0, column or 0, code=getattr(exc, "code", 0) or 0, filename=exc.filename)


def _ends_at(path: str, exc: etree.XMLSyntaxError) -> bool:
    """Whether the error sits at the very end of the file: then the file is cut short, whatever the
    error says (libxml2 names whatever construct the cut interrupted: a tag, an attribute value...).

    Only the error path pays for this scan, and it reads the file in 1 MiB blocks.
    """
    line, column = exc.position if exc.position else (0, 0)
    if not line or not Path(path).is_file():  # a device or pipe has no end to find (/dev/zero never ends)
        return False
    lines, tail, content = 1, b"", False  # tail: the end of the file, from the start of its second-last line
    try:
        with open(path, "rb") as handle:  # noqa: PTH123 - a plain path string, as lxml takes it
            while block := handle.read(1 << 20):
                lines += block.count(b"\n")
                tail = b"\n".join((tail + block).rsplit(b"\n", 2)[-2:])[-65536:]
                content = content or bool(block.strip())
    except OSError:
        return False
    if not content:
        return False  # an empty file is not a truncated one
    rows = tail.split(b"\n")
    last, before = rows[-1], (rows[-2] if len(rows) > 1 else b"")
    if line == lines:
        return column >= len(last.rstrip()) - 1
    return line == lines - 1 and not last.strip() and column >= len(before.rstrip()) - 1


def _syntax_error(message: str, line: int, column: int = 0, *, code: int = 0, filename: str | None = None,
                  unsafe: bool = False) -> etree.XMLSyntaxError:
    """Build lxml's error by hand (its stubs only know the internal constructor)."""
    cls: Any = UnsafeXMLError if unsafe else etree.XMLSyntaxError
    error: etree.XMLSyntaxError = cls(message, code, line, column, filename)
    return error


def _line(element: Any) -> int | None:
    line = element.sourceline
    return line if isinstance(line, int) else None


class _NullTarget:
    """A parser target that keeps nothing: a scan for the first error in constant memory."""

    def start(self, tag: str, attrib: Any, nsmap: Any = None) -> None:
        return None

    def end(self, tag: str) -> None:
        return None

    def data(self, data: str) -> None:
        return None

    def close(self) -> None:
        return None


def _rescan(source: str | IO[bytes]) -> etree.XMLSyntaxError | None:
    """The first real error of ``source`` (or None), found without building a tree."""
    if not isinstance(source, str):
        if not source.seekable():
            return None
        source.seek(0)
    try:
        etree.parse(source, parser=safe_parser(target=_NullTarget()))
    except etree.XMLSyntaxError as exc:
        return exc
    except OSError:
        return None
    return None


def parse_bytes(data: bytes, *, base_url: str | None = None) -> etree._Element:
    """Parse a whole document held in memory; raises ``etree.XMLSyntaxError`` on bad or unsafe XML."""
    check_prolog(io.BytesIO(data).read)
    try:
        if base_url is None:
            root = etree.fromstring(data, parser=safe_parser())
        else:
            root = etree.fromstring(data, parser=safe_parser(), base_url=base_url)
    except etree.XMLSyntaxError as exc:
        raise _friendly(exc) from None
    check_doctype(root.getroottree(), _line(root))
    return root


def parse_file(path: str | Path) -> etree._ElementTree:
    """Parse a whole (small) file from disk with the safe settings."""
    # read here, not opened by lxml: lxml reports an encoding error in a file it opened itself as an
    # OSError ("Error reading file"), which would look like a disk problem
    data = Path(path).read_bytes()
    check_prolog(io.BytesIO(data).read)
    try:
        tree = etree.fromstring(data, parser=safe_parser(), base_url=str(path)).getroottree()
    except etree.XMLSyntaxError as exc:
        raise _friendly(exc) from None
    check_doctype(tree, _line(tree.getroot()))
    return tree


HEAD_BLOCK = 4096


def root_start(path: str | Path) -> etree._Element:
    """The root element's start tag (name, attributes, line), read without parsing the rest.

    Fed to a pull parser a few kB at a time, so what it leaves behind is a few kB of tree: lxml's
    parser and its event list refer to each other, and ``iterparse`` would leave its whole first
    read block (and every element in it) for a full garbage collection to find. Whatever goes wrong
    (a syntax error, a refused DOCTYPE, no element at all) is raised by ``iterparse`` as usual, with
    its explained message.
    """
    _check_source(str(path))
    try:
        parser = etree.XMLPullParser(events=("start",), **_STREAM_OPTIONS)
        with Path(path).open("rb") as handle:
            while block := handle.read(HEAD_BLOCK):
                parser.feed(block)
                for _event, found in parser.read_events():
                    if isinstance(found, etree._Element):
                        check_doctype(found.getroottree(), _line(found))
                        return found
    except etree.XMLSyntaxError:
        pass
    for _started, element in iterparse(path, events=("start",)):
        if isinstance(element, etree._Element):
            return element
    raise etree.XMLSyntaxError("the document is empty")  # libxml raises first for empty files


def iterparse(
    source: str | Path | IO[bytes],
    *,
    events: tuple[str, ...] = ("end",),
    tag: str | list[str] | None = None,
) -> Iterator[tuple[str, Any]]:
    """``lxml.etree.iterparse`` with the safe settings: the streaming entry point for big files.

    A generator: the DOCTYPE is checked before the first event is handed out, and syntax errors
    come out explained (see the module docstring).
    """
    src = str(source) if isinstance(source, Path) else source
    _check_source(src)
    context = etree.iterparse(src, events=events, tag=tag, **_STREAM_OPTIONS)
    checked = False
    try:
        for event, element in context:
            if not checked:
                check_doctype(element.getroottree(), _line(element))
                checked = True
            yield event, element
    except etree.XMLSyntaxError as exc:
        if not isinstance(exc, UnsafeXMLError) and not any(exc.position or ()):
            better = _rescan(src)
            if better is not None:
                exc = better
        raise _friendly(exc, truncated=isinstance(src, str) and _ends_at(src, exc)) from None
