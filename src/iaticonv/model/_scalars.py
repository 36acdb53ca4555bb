"""Typed scalar values that never lose their lexical form.

Real IATI files hold values like ``"2011-07-20Z"``, ``" 1000 "`` or ``"1.000,00"``. A converter that
parsed them into ``date``/``Decimal`` and printed them back would silently change the data, and one that
rejected them would refuse half the files published. So each scalar kind parses a lexical value into
its Python type *only when printing that value back gives exactly the same text*; otherwise the raw
string is kept as is. A field typed ``Decimal | str`` therefore holds a ``str`` exactly when the file's
text is not the canonical spelling of a number (and the writer prints it unchanged).

The same rule reads JSON/YAML records, so every format shares one notion of "the value".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["BOOL", "DATE", "DATETIME", "DECIMAL", "INT", "SCALARS", "STR", "Scalar", "exact_parser"]


@dataclass(frozen=True, slots=True)
class Scalar:
    """One XSD simple type as the model sees it: parse, print, and its JSON Schema."""

    name: str
    parse_raw: Callable[[str], Any]  # raises ValueError/InvalidOperation when the text is not this type
    format_value: Callable[[Any], str]
    python_type: type
    json_schema: dict[str, Any]

    def parse(self, raw: str) -> Any:
        """The typed value if ``raw`` is its canonical spelling, else ``raw`` itself (nothing lost)."""
        try:
            value = self.parse_raw(raw)
        except (ValueError, InvalidOperation, TypeError):
            return raw
        return value if self.format_value(value) == raw else raw

    def format(self, value: Any) -> str:
        """The text written for ``value``; a kept raw string is written unchanged."""
        if isinstance(value, str):
            return value
        return self.format_value(value)

    def accepts(self, value: Any) -> bool:
        """Whether ``value`` is a legal in-memory value for this scalar (used by checks and tests)."""
        if isinstance(value, str):
            return True
        if self.python_type is bool:
            return isinstance(value, bool)
        if self.python_type is int:
            return isinstance(value, int) and not isinstance(value, bool)
        if self.python_type is date:
            return isinstance(value, date) and not isinstance(value, datetime)
        return isinstance(value, self.python_type)


def _parse_decimal(raw: str) -> Decimal:
    value = Decimal(raw)
    if not value.is_finite():
        raise ValueError(raw)
    return value


def _format_decimal(value: Decimal) -> str:
    # 'f' never produces exponent notation, which xsd:decimal forbids
    return format(value, "f")


def _parse_bool(raw: str) -> bool:
    if raw == "true":
        return True
    if raw == "false":
        return False
    raise ValueError(raw)


def _parse_int(raw: str) -> int:
    if not raw or not (raw.isdigit() or (raw[0] == "-" and raw[1:].isdigit())):
        raise ValueError(raw)
    return int(raw)


def _format_datetime(value: datetime) -> str:
    return value.isoformat()


def _identity(raw: str) -> str:
    return raw


STR = Scalar("string", _identity, _identity, str, {"type": "string"})
DECIMAL = Scalar(
    "decimal",
    _parse_decimal,
    _format_decimal,
    Decimal,
    {"type": "string", "description": "xsd:decimal as text (exact); other text is kept verbatim"},
)
DATE = Scalar(
    "date",
    date.fromisoformat,
    date.isoformat,
    date,
    {"type": "string", "description": "YYYY-MM-DD; other text is kept verbatim"},
)
DATETIME = Scalar(
    "datetime",
    datetime.fromisoformat,
    _format_datetime,
    datetime,
    {"type": "string", "description": "ISO 8601 date-time; other text is kept verbatim"},
)
BOOL = Scalar(
    "boolean",
    _parse_bool,
    lambda value: "true" if value else "false",
    bool,
    {"type": ["boolean", "string"], "description": "true/false; other text (e.g. '1') is kept verbatim"},
)
INT = Scalar(
    "integer",
    _parse_int,
    str,
    int,
    {"type": ["integer", "string"], "description": "an integer; other text is kept verbatim"},
)

SCALARS: dict[str, Scalar] = {s.name: s for s in (STR, DECIMAL, DATE, DATETIME, BOOL, INT)}


# Fast equivalents of ``Scalar.parse`` for the readers' hot loops (text from XML or a record is a str).
# Each gives exactly what ``parse`` gives; they only skip the printing-back check where the shape of
# the text already proves it would succeed, which is the case for almost every value in real files.
_fromisoformat = date.fromisoformat
_PLAIN_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")


def _exact_date(raw: str) -> Any:
    try:
        value = _fromisoformat(raw)
    except ValueError:
        return raw
    # a YYYY-MM-DD that parsed prints back identically (ASCII digits only: fromisoformat checks them)
    if len(raw) == 10 and raw[4] == "-" and raw[7] == "-":
        return value
    return value if value.isoformat() == raw else raw


def _exact_decimal(raw: str) -> Any:
    if _PLAIN_DECIMAL.fullmatch(raw):
        return Decimal(raw)  # keeps every digit and the exponent, so format(.., "f") gives raw back
    return DECIMAL.parse(raw)


def _exact_datetime(raw: str) -> Any:
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        return raw
    return value if value.isoformat() == raw else raw


def _exact_str(raw: str) -> str:
    return raw


_EXACT: dict[str, Callable[[str], Any]] = {
    "string": _exact_str, "date": _exact_date, "decimal": _exact_decimal, "datetime": _exact_datetime,
}


def exact_parser(scalar: Scalar) -> Callable[[str], Any]:
    """A function that does what ``scalar.parse`` does on a ``str``, faster for the common scalars."""
    fast = _EXACT.get(scalar.name)
    return fast if fast is not None and SCALARS.get(scalar.name) is scalar else scalar.parse
