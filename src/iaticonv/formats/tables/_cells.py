"""Cell text ⇄ model value: formula neutralisation, empty-versus-absent, and kept-as-is typed values.

Three things a spreadsheet cell cannot say on its own, each solved by one reversible prefix so that
XML → tables → XML gives back exactly the input:

* **Formulas.** A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as
  a formula by spreadsheet programs (CSV injection). Such a value is written with one leading
  apostrophe (``'=1+2``). A plain negative number such as ``-5`` is not a formula and is written
  as is. On reading, one apostrophe is removed from a cell made of apostrophes followed by one of
  those characters (or by nothing), so a value that really starts with apostrophes survives too.
* **Empty versus absent.** An empty cell means "no such attribute". An attribute present with an
  empty value (``ref=""``) is written as a lone apostrophe ``'`` — the same rule as above.
* **Values kept as they were.** The model keeps a number or date it cannot parse exactly as its
  text (``"1.000,00"``, ``"2011-07-20T00:00:00"`` in a date). In a typed column such a value is
  written behind ``~`` (``~1.000,00``): the reader takes ``~…`` as deliberate and keeps it as is,
  while an unmarked value that is not a valid number/date/boolean is an input error naming the
  sheet, row and column — that is how a mistyped edit is caught instead of silently kept.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from ...model import Scalar

__all__ = ["KEEP", "LEXICAL", "cell_text", "decode", "encode", "encode_typed", "is_lexical"]

KEEP = "~"
_NEEDS_GUARD = re.compile(r"'*(?:[=+\-@\t\r]|\Z)")
_GUARDED = re.compile(r"'+(?:[=+\-@\t\r]|\Z)")
_PLAIN_NUMBER = re.compile(r"-\d+(?:\.\d+)?\Z")

# the lexical spaces of the XSD types the model uses (XSD collapses surrounding whitespace)
LEXICAL: dict[str, re.Pattern[str]] = {
    "decimal": re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)\s*\Z"),
    "integer": re.compile(r"\s*[+-]?\d+\s*\Z"),
    "boolean": re.compile(r"\s*(?:true|false|1|0)\s*\Z"),
    "date": re.compile(r"\s*-?\d{4,}-\d\d-\d\d(?:Z|[+-]\d\d:\d\d)?\s*\Z"),
    "datetime": re.compile(r"\s*-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?\s*\Z"),
}


def is_lexical(scalar: Scalar, text: str) -> bool:
    """Whether ``text`` is a valid value of ``scalar``'s XSD type (strings always are)."""
    pattern = LEXICAL.get(scalar.name)
    return pattern is None or pattern.match(text) is not None


def encode(value: str | None, *, nullable: bool = True) -> str | None:
    """The cell text of ``value`` (None: an empty cell)."""
    if value is None:
        return None
    if value == "" and not nullable:
        return None
    if _NEEDS_GUARD.match(value) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def encode_typed(scalar: Scalar, value: Any) -> str | None:
    """The cell text of a typed model value: its lexical form, behind ``~`` when it is not valid."""
    if value is None:
        return None
    text = scalar.format(value)
    if isinstance(value, str) and not is_lexical(scalar, text):
        text = KEEP + text
    return encode(text)


def decode(cell: str | None, *, nullable: bool = True) -> str | None:
    """The value of a cell's text (the inverse of :func:`encode`)."""
    if cell is None or cell == "":
        return None if nullable else ""
    if cell[0] == "'" and _GUARDED.match(cell):
        return cell[1:]
    return cell


def cell_text(value: Any) -> str | None:
    """A spreadsheet cell's value as text: what a person typed may come back as a number or date."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)
