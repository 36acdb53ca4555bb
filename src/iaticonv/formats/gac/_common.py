"""What the two GAC formats (profile page, Project Browser CSV/XLSX) share: the record and its values.

Both formats print the same Project Browser fields in slightly different clothes, so each reader
only finds the raw text of a field and where it stood (line or row, column); this module turns that
text into typed values (codes, ``Decimal``, ``date``) and back, and raises an ``InputError`` naming
the place when it cannot. ``GacProject`` is the plain intermediate both formats share;
``_model`` maps it to and from the activity model.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ...errors import InputError

__all__ = [
    "FISCAL_YEAR_START",
    "Budget",
    "GacProject",
    "Marker",
    "Note",
    "Share",
    "Where",
    "fiscal_year",
    "format_amount",
    "format_date_long",
    "format_number",
    "parse_amount",
    "parse_date",
    "parse_percentage",
    "split_items",
    "tidy",
]

IDENTIFIER_PREFIX = "CA-3-"
FISCAL_YEAR_START = (4, 1)  # Canada's fiscal year runs 1 April – 31 March
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
_MONTH_NUMBER = {name.casefold(): n for n, name in enumerate(MONTHS, 1)}
_MONTH_NUMBER.update({name[:3].casefold(): n for n, name in enumerate(MONTHS, 1)})


@dataclass(frozen=True, slots=True)
class Where:
    """Where a value was read, so every error can say file, line or row, and column."""

    file: str | None = None
    line: int | None = None
    row: int | None = None
    column: str | None = None

    def at(self, column: str) -> Where:
        return Where(self.file, self.line, self.row, column)

    def error(self, message: str, *, hint: str | None = None) -> InputError:
        return InputError(message, file=self.file, line=self.line, row=self.row, column=self.column, hint=hint)


@dataclass(frozen=True, slots=True)
class Note:
    """Something a reader skipped on purpose (page noise, a derived line): reported, never fatal."""

    where: Where
    message: str
    code: str = "gac.note"

    def __str__(self) -> str:
        return f"{self.where.error(self.message).where}: {self.message}"


@dataclass(frozen=True, slots=True)
class Share:
    """A code with an optional percentage: a country, region or sector line."""

    code: str
    percentage: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Budget:
    """One budget line: a period, an amount and its currency (GAC's are fiscal years in CAD)."""

    start: dt.date
    end: dt.date
    value: Decimal
    currency: str = "CAD"


@dataclass(frozen=True, slots=True)
class Marker:
    """A policy marker: vocabulary 1 (OECD DAC) or 99 (GAC's own), code, significance (GAC's Level N)."""

    vocabulary: str
    code: str
    significance: str


@dataclass(slots=True)
class GacProject:
    """One Project Browser record with codes instead of labels; the shape both GAC formats share.

    Field names follow the Project Browser's own columns; ``docs/gac-mapping.md`` says where each goes
    in IATI. Lists keep their input order, since order is meaningful to people reading the page.
    """

    identifier: str
    title: str = ""
    description: str = ""
    status: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    date_modified: dt.date | None = None
    countries: list[Share] = field(default_factory=list)
    regions: list[Share] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)
    executing_agencies: list[str] = field(default_factory=list)
    contributing_organizations: list[str] = field(default_factory=list)
    maximum_contribution: Decimal | None = None
    budgets: list[Budget] = field(default_factory=list)
    program_name: str = ""
    sectors: list[Share] = field(default_factory=list)
    aid_type: str | None = None
    collaboration_type: str | None = None
    finance_type: str | None = None
    flow_type: str | None = None
    reporting_organization: str = ""
    selection_mechanism: str = ""
    expected_results: str = ""
    results_achieved: str = ""
    policy_markers: list[Marker] = field(default_factory=list)
    alternate_im_position: str = ""
    other_identifiers: list[tuple[str, str]] = field(default_factory=list)  # (ref, OtherIdentifierType)
    currency: str = "CAD"

    @property
    def project_number(self) -> str:
        """GAC's own number (``A034224001``) for a CA-3 activity; any other activity keeps its identifier."""
        number = self.identifier.removeprefix(IDENTIFIER_PREFIX)
        return number if _GAC_NUMBER.match(number) and self.identifier.startswith(IDENTIFIER_PREFIX) else (
            self.identifier
        )


_GAC_NUMBER = re.compile(r"^[A-Z]\d{9}$")


def identifier_from(text: str, where: Where) -> str:
    """A Project Number cell → the IATI identifier: ``A034224001`` → ``CA-3-A034224001``.

    GAC numbers are a letter, six digits and a three-digit WBS element; a value already written as an
    IATI identifier (``CA-3-A034224001``, or another publisher's ``XM-DAC-…``) is kept as it is, so a
    page or sheet written for any IATI activity reads back to the same identifier.
    """
    value = text.strip()
    if not value or any(ch.isspace() for ch in value):
        raise where.error(f"not a project number: {value!r}", hint="e.g. A034224001 or CA-3-A034224001")
    return IDENTIFIER_PREFIX + value.upper() if _GAC_NUMBER.match(value.upper()) else value


def split_items(text: str) -> list[str]:
    """A multi-valued cell → its items: separated by ';' or new lines, blanks dropped.

    ';' rather than ',' because official names carry commas ("Congo, Democratic Republic of the").
    """
    return [item.strip() for item in re.split(r"[;\n\r]+", text) if item.strip()]


def tidy(value: Decimal) -> Decimal:
    """Drop meaningless trailing zeros (``100.00`` → ``100``) so equal amounts print the same way."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


_AMOUNT = re.compile(r"^(-)?\s*(?:CAD|C)?\s*\$?\s*(-)?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(?:\$|CAD)?$")


def parse_amount(text: str, where: Where) -> Decimal:
    """``$19,075,668.00`` / ``19075668`` / ``-$5`` → ``Decimal``; anything else is an error, never a guess."""
    compact = text.strip().replace("\u00a0", " ")
    match = _AMOUNT.match(compact)
    if not match:
        raise where.error(f"not an amount: {text.strip()!r}", hint="write it like $1,234 or 1234.50")
    sign = "-" if (match.group(1) or match.group(2)) else ""
    return tidy(Decimal(sign + match.group(3).replace(",", "") + (match.group(4) or "")))


def format_amount(value: Decimal) -> str:
    """``Decimal('19075668')`` → ``$19,075,668`` (cents shown only when there are some)."""
    sign = "-" if value < 0 else ""
    magnitude = abs(tidy(value))
    whole, _, cents = f"{magnitude:f}".partition(".")
    return f"{sign}${int(whole):,}" + (f".{cents.ljust(2, '0')}" if cents else "")


def format_number(value: Decimal) -> str:
    return f"{tidy(value):f}"


def parse_percentage(text: str, where: Where) -> Decimal:
    try:
        value = Decimal(text.strip().rstrip("%").strip())
    except InvalidOperation:
        raise where.error(f"not a percentage: {text.strip()!r}", hint="e.g. 100% or 14.29%") from None
    if not (0 <= value <= 100):
        raise where.error(f"percentage out of range: {text.strip()!r}", hint="between 0 and 100")
    return tidy(value)


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_SLASH = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_LONG = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
_LONG_DAY_FIRST = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})$")


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str, where: Where) -> dt.date:
    """The date formats Project Browser files carry, tabs and spaces around them ignored.

    ``2011-07-20`` (optionally with a time), ``20/07/2011`` (day first, as GAC's own exports and the
    importers that read them assume; month first is tried only when day first cannot be a date),
    ``July 20, 2011`` (the profile page) and ``20 July 2011``. An impossible date such as
    ``31/02/2017`` is an error, not a silent roll-over.
    """
    value = text.strip()
    found: dt.date | None = None
    if match := _ISO.match(value):
        found = _make_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    elif match := _SLASH.match(value):
        first, second, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
        found = _make_date(year, second, first) or _make_date(year, first, second)
    elif match := _LONG.match(value):
        month = _MONTH_NUMBER.get(match.group(1).casefold())
        found = _make_date(int(match.group(3)), month, int(match.group(2))) if month else None
    elif match := _LONG_DAY_FIRST.match(value):
        month = _MONTH_NUMBER.get(match.group(2).casefold())
        found = _make_date(int(match.group(3)), month, int(match.group(1))) if month else None
    if found is None:
        raise where.error(
            f"not a date: {value!r}", hint="use YYYY-MM-DD, DD/MM/YYYY or 'Month D, YYYY' with a real day"
        )
    return found


def format_date_long(value: dt.date) -> str:
    """``2011-07-20`` → ``July 20, 2011``, the profile page's wording (independent of the locale)."""
    return f"{MONTHS[value.month - 1]} {value.day}, {value.year}"


def fiscal_year(year: int) -> tuple[dt.date, dt.date]:
    """Canada's fiscal year that starts in ``year``: 1 April ``year`` → 31 March ``year + 1``."""
    return dt.date(year, *FISCAL_YEAR_START), dt.date(year + 1, 3, 31)


def duration_years(start: dt.date, end: dt.date) -> Decimal:
    """The profile's derived "Duration: 6.5 years", recomputed from the dates (never stored)."""
    days = Decimal((end - start).days)
    return (days / Decimal("365.25")).quantize(Decimal("0.1"))
