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
escapes. ``ESCAPED`` reads records whose JSON text went through :func:`pre_escape` (``&``, ``<`` and
``>`` escaped once in the whole line, where JSON can only hold them inside strings), and tests
values for quotes and blanks only when the line held a backslash (JSON escapes them all).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .._xml import safe_parser
from ..model import BOOL, DECIMAL, INT, STR, Scalar
from .iati_xml_write import _ATTR_TABLE, _TEXT_TABLE, NamespaceContext, escape_attr, escape_text
from .record import _check_verbatim

__all__ = ["BASE_KEYS", "ESCAPED", "RAW", "Decline", "Variant", "base_keys", "non_string", "pre_escape", "text_of",
           "unescape"]

BASE_KEYS = ("extra_attrs", "extras", "order")
# What escape_attr/escape_text still have to do once ``&``, ``<`` and ``>`` are escaped (pre_escape).
ATTR_REST = str.maketrans({'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"})
TEXT_REST = str.maketrans({"\r": "&#13;"})


@dataclass(frozen=True, slots=True)
class Variant:
    """How the compiled code escapes: which characters it tests each value for, and with which table.

    ``escaped`` variants read records whose strings went through :func:`pre_escape`: ``&``, ``<``
    and ``>`` are done, verbatim extras are unescaped back, and attribute names must not have held one.
    """

    name: str
    attr_specials: tuple[str, ...]
    text_specials: tuple[str, ...]
    escaped: bool

    @property
    def attr_table(self) -> dict[int, str]:
        return ATTR_REST if self.escaped else _ATTR_TABLE

    @property
    def text_table(self) -> dict[int, str]:
        return TEXT_REST if self.escaped else _TEXT_TABLE

    def escape_attr(self, value: str) -> str:
        """escape_attr for this variant's values (the order path uses it)."""
        return value.translate(ATTR_REST) if self.escaped else escape_attr(value)

    def escape_text(self, value: str) -> str:
        return value.translate(TEXT_REST) if self.escaped else escape_text(value)


# Any record: every value tested for everything escape_attr/escape_text replace.
RAW = Variant("raw", ("&", "<", ">", '"', "\r", "\n", "\t"), ("&", "<", ">", "\r"), escaped=False)
# A pre-escaped record: values are tested for the rest only when the writer's last argument (``q``)
# is true, i.e. when its JSON text held a backslash (without one, no string holds a quote or a blank).
ESCAPED = Variant("escaped", ('"', "\r", "\n", "\t"), ("\r",), escaped=True)

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
    """``_extra_attrs`` of a pre-escaped record: names are written raw, so one that held ``&``,
    ``<`` or ``>`` (now an entity) declines; values need only their quotes and blanks escaped."""
    if type(value) is not dict:
        raise Decline
    parts = []
    for name, text in value.items():
        if type(text) is not str or "&" in name:
            raise Decline
        if '"' in text or "\r" in text or "\n" in text or "\t" in text:
            text = text.translate(ATTR_REST)
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


def unescape(text: str) -> str:
    """Undo :func:`pre_escape` on one string (entities it made are the only ones left)."""
    if "&" not in text:
        return text
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def pre_escape(line: str) -> str:
    """Escape ``&``, ``<`` and ``>`` for XML in a JSON text, before parsing it.

    In JSON these characters can only stand inside strings, so this changes the values (every one
    then escaped as the writer would) and nothing else; the JSON escape ``\\u`` could still make
    them, which is why such a line is never pre-escaped. Verbatim extras are unescaped back.
    """
    if "&" in line:
        line = line.replace("&", "&amp;")
    if "<" in line:
        line = line.replace("<", "&lt;")
    if ">" in line:
        line = line.replace(">", "&gt;")
    return line
