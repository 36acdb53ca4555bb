"""What the compiled record → XML writers (:mod:`.record_xml_gen`) share at run time.

A compiled writer turns the parsed JSON dict of an activity straight into the typed path's XML
text. It accepts a record only when the typed path would, and writes what the typed path writes;
whatever it does not handle, or finds wrong, raises :class:`Decline`, and the caller
(:mod:`.direct_json_xml`) hands that record to the typed path, whose answer (its output or its error
naming the field) is then the answer. So the checks here only need to be complete, not to explain.

Each value is written as the typed path prints it back: a string as it is (a scalar keeps its
lexical form), an integer as ``str``, a float as ``repr`` (what ``Decimal`` parsing then printing
gives), a boolean as ``true``/``false``; anything else declines.

Escaping comes in two *variants*. ``RAW`` tests every value for every character the writer
escapes. ``ESCAPED`` reads records whose JSON text went through :func:`pre_escape`, which escapes
every string of the line as an attribute value at once, in the JSON text itself: attribute values
need nothing more, texts only turn the quote and blank entities back (when the line had any).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .._xml import safe_parser
from ..model import BOOL, DECIMAL, INT, STR, Scalar
from .iati_xml_write import _ATTR_TABLE, _TEXT_TABLE, NamespaceContext, escape_attr, escape_text
from .record import _check_verbatim

__all__ = ["BASE_KEYS", "ESCAPED", "RAW", "Decline", "Variant", "as_text", "base_keys", "non_string",
           "pre_escape", "text_of", "unescape"]

BASE_KEYS = ("extra_attrs", "extras", "order")


@dataclass(frozen=True, slots=True, eq=False)  # compared and hashed by identity: there are two
class Variant:
    """How the compiled code escapes a value.

    ``RAW``: each value is tested for each character escape_attr/escape_text replace (``specials``)
    and translated with their tables. ``ESCAPED``: the record's strings went through
    :func:`pre_escape`, so attribute values are done and a text only needs :func:`as_text` when the
    writer's last argument (``q``: the JSON text held a backslash) is true and it holds a mark.
    """

    name: str
    escaped: bool
    attr_specials: tuple[str, ...] = ("&", "<", ">", '"', "\r", "\n", "\t")
    text_specials: tuple[str, ...] = ("&", "<", ">", "\r")
    attr_table: dict[int, str] = field(default_factory=lambda: _ATTR_TABLE)
    text_table: dict[int, str] = field(default_factory=lambda: _TEXT_TABLE)

    def escape_attr(self, value: str) -> str:
        """escape_attr for this variant's values (the order path uses it)."""
        return value if self.escaped else escape_attr(value)

    def escape_text(self, value: str) -> str:
        return as_text(value) if self.escaped else escape_text(value)


RAW = Variant("raw", escaped=False)
ESCAPED = Variant("escaped", escaped=True)

RecordWriter = Callable[[Any, list[str], NamespaceContext, bool], None]


class Decline(Exception):
    """This record (or a value in it) is not for the fast path: the typed path decides."""


def _decline(value: Any) -> str:
    raise Decline


# orjson reads an integer beyond 64 bits as a float (the standard parser keeps it exact): a float
# that large declines, so the typed path (which parses with the standard library) decides.
_BIG = float(2**63)


def _decimal_text(value: Any) -> str:
    """A JSON number in a decimal field, as the typed path prints it back (``Decimal`` of its text)."""
    kind = type(value)
    if kind is int:
        return str(value)
    if kind is float and -_BIG < value < _BIG:
        return repr(value)
    raise Decline


def _int_text(value: Any) -> str:
    if type(value) is int:
        return str(value)
    raise Decline


def _bool_text(value: Any) -> str:
    if type(value) is bool:
        return "true" if value else "false"
    raise Decline


# A non-string JSON value of a field of this scalar → its text; any scalar not named declines it
# (STR, DATE, DATETIME accept only strings).
_NON_STRING: dict[int, Callable[[Any], str]] = {id(DECIMAL): _decimal_text, id(INT): _int_text, id(BOOL): _bool_text}


def non_string(scalar: Scalar) -> Callable[[Any], str]:
    """The text of a non-string JSON value in a field of ``scalar`` (or Decline)."""
    return _NON_STRING.get(id(scalar), _decline)


def text_of(scalar: Scalar) -> Callable[[Any], str]:
    """A field value → its text, for the order path (strings as they are, as everywhere)."""
    convert = _decline if scalar is STR else non_string(scalar)

    def text_of(value: Any) -> str:
        return value if type(value) is str else convert(value)
    return text_of


def _extra_attrs(value: Any, ns: NamespaceContext, decls: list[str]) -> str:
    if type(value) is not dict:
        raise Decline
    parts = []
    for name, text in value.items():
        if type(text) is not str:
            raise Decline
        parts.append(f' {ns.attr_name(name, decls)}="{escape_attr(text)}"')
    return "".join(parts)


def _extra_attrs_escaped(value: Any, ns: NamespaceContext, decls: list[str]) -> str:
    """``_extra_attrs`` of a pre-escaped record: names are written raw, so one that held a character
    pre_escape changed (now an entity) declines; values are already escaped."""
    if type(value) is not dict:
        raise Decline
    parts = []
    for name, text in value.items():
        if type(text) is not str or "&" in name:
            raise Decline
        parts.append(f' {ns.attr_name(name, decls)}="{text}"')
    return "".join(parts)


_LOCAL = threading.local()  # one verbatim-check parser per thread (lxml parsers are not thread-safe)


def _extras(value: Any, escaped: bool) -> list[str]:
    if type(value) is not list:
        raise Decline
    items: list[str] = [unescape(item) if type(item) is str else item for item in value] if escaped else value
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = _LOCAL.parser = safe_parser()
    for item in items:
        _check_verbatim(item, parser)  # its _Bad is no Decline, but the caller declines on any exception
    return items


def base_keys(d: dict[str, Any], known: frozenset[str], ns: NamespaceContext, decls: list[str],
              escaped: bool) -> tuple[str, list[str] | None, Any]:
    """For a record with keys beyond its typed fields: the extra attributes (and namespace
    declarations) to add to the start tag, the verbatim extras and the order hint (None when absent)."""
    if not known.issuperset(d):
        raise Decline  # an unknown key
    attrs = ""
    if "extra_attrs" in d:
        attrs = (_extra_attrs_escaped if escaped else _extra_attrs)(d["extra_attrs"], ns, decls)
    extras = _extras(d["extras"], escaped) if "extras" in d else None
    order = None
    if "order" in d:
        order = d["order"]
        if order is None:
            raise Decline
    return attrs + "".join(decls), extras, order


# A JSON escape's letter → what escape_attr makes of the character it stands for; ``\\\\`` and
# ``\\/`` stay as they are, and ``\\u``, ``\\b``, ``\\f`` (which can make characters XML refuses) are
# not for pre_escape.
_ATTR_ESCAPES = {ord('"'): b"&quot;", ord("n"): b"&#10;", ord("t"): b"&#9;", ord("r"): b"&#13;", ord("/"): None}
_BACKSLASH = b"\\"


def pre_escape(line: bytes) -> tuple[bytes, bool] | None:
    """A JSON text (UTF-8) whose strings are all escaped as XML attribute values, and whether it
    changed any JSON escape (then texts must go through :func:`as_text`); None when it holds a
    ``\\u``, ``\\b`` or ``\\f`` escape, which could make any character (the RAW variant's job).

    In JSON, ``&``, ``<`` and ``>`` can only stand inside strings, and a quote, newline, tab or
    carriage return inside a string only as the escapes ``\\"``, ``\\n``, ``\\t``, ``\\r``; so
    replacing those (backslash pairs read left to right) changes the strings and nothing else, and
    turns no invalid JSON into valid JSON (each replacement starts with ``&``, invalid outside a
    string as the backslash was). Bytes, not text, and single-byte searches only: those run at
    memory speed, where a two-character search or replace costs ~10 µs over a 6 KB line.
    """
    line = line.replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;")
    if _BACKSLASH not in line:
        return line, False
    parts = line.split(_BACKSLASH)
    out = [parts[0]]
    index, last = 1, len(parts) - 1
    while index <= last:
        part = parts[index]
        if not part:  # an escaped backslash: the part after it is plain string text
            if index == last:
                return line, True  # a lone backslash at the end: not JSON, the parser says so
            out.append(b"\\\\" + parts[index + 1])
            index += 2
            continue
        letter = part[0]
        if letter not in _ATTR_ESCAPES:
            return None if letter in b"ubf" else (line, True)  # \u, \b, \f; or not JSON
        entity = _ATTR_ESCAPES[letter]
        out.append(entity + part[1:] if entity is not None else _BACKSLASH + part)
        index += 1
    return b"".join(out), True


def as_text(value: str) -> str:
    """A pre-escaped string as escape_text would write it: quotes and blanks as themselves
    (a carriage return stays ``&#13;``, as escape_text writes it)."""
    return value.replace("&quot;", '"').replace("&#10;", "\n").replace("&#9;", "\t")


def unescape(text: str) -> str:
    """Undo :func:`pre_escape` on one string (the entities it made are the only ones left)."""
    if "&" not in text:
        return text
    return (text.replace("&quot;", '"').replace("&#10;", "\n").replace("&#9;", "\t").replace("&#13;", "\r")
            .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
