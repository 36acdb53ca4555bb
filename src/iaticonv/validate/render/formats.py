"""Format name → renderer, for the CLI: one table for reports and one for the rule catalogue.

Each format is one entry: its renderer, and the file extension and media type of what it writes.
``iaticonv validate --format`` and ``iaticonv rules --format`` take their choices from these tables,
so a new format is one entry plus its renderer. Renderers are imported when chosen (the entries'
functions import them), so ``--format text`` never loads Jinja2. Tables are built once and never
changed: ``extend`` returns a new table.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Protocol, TypeVar

from .._table import Table
from ..catalogue import Catalogue
from ..report import Report

__all__ = [
    "REPORT_FORMATS",
    "RULES_FORMATS",
    "FormatTable",
    "ReportFormat",
    "ReportRenderer",
    "RulesFormat",
    "RulesRenderer",
    "render_report",
    "render_rules",
    "write_report",
]

ENCODING = ("utf-8", "surrogatepass")  # a value quoted from a broken file may hold a lone surrogate


class ReportRenderer(Protocol):
    """A report as UTF-8 pieces, in order (a big report is written piece by piece, never one string);
    ``lang`` is the language of headings and labels, ``color`` asks for terminal colours."""

    def __call__(self, report: Report, *, lang: str, color: bool) -> Iterable[bytes]: ...


class RulesRenderer(Protocol):
    """The rule catalogue as text, headings and labels in ``lang``."""

    def __call__(self, catalogue: Catalogue, *, lang: str) -> str: ...


@dataclass(frozen=True, slots=True)
class ReportFormat:
    """How to write a report in one format."""

    render: ReportRenderer
    extension: str  # of a file holding it, with the dot
    media_type: str


@dataclass(frozen=True, slots=True)
class RulesFormat:
    """How to write the rule catalogue in one format."""

    render: RulesRenderer
    extension: str
    media_type: str


F = TypeVar("F", bound=ReportFormat | RulesFormat)


class FormatTable(Table[F]):
    """Format name → format, in the order the CLI lists them; ``extend`` returns a new table."""

    def __init__(self, kind: str, formats: Mapping[str, F]) -> None:
        super().__init__(formats)
        self.kind = kind

    def chosen(self, name: str) -> F:
        """The format named ``name``; a ValueError naming the known ones for any other name."""
        found = self._entries.get(name)
        if found is None:
            raise ValueError(f"unknown {self.kind} format {name!r} (known: {', '.join(self._entries)})")
        return found


def _text(report: Report, *, lang: str, color: bool) -> Iterator[bytes]:
    from .text import iter_text

    return (text.encode(*ENCODING) for text in iter_text(report, color=color))


def _json(report: Report, *, lang: str, color: bool) -> Iterator[bytes]:
    from .json import iter_json

    return iter_json(report)


def _html(report: Report, *, lang: str, color: bool) -> Iterator[bytes]:
    from .html import render_html

    yield render_html(report, lang=lang).encode(*ENCODING)


def _junit(report: Report, *, lang: str, color: bool) -> Iterator[bytes]:
    from .junit import render_junit

    yield render_junit(report).encode(*ENCODING)


REPORT_FORMATS: FormatTable[ReportFormat] = FormatTable("report", {
    "text": ReportFormat(_text, ".txt", "text/plain; charset=utf-8"),
    "json": ReportFormat(_json, ".json", "application/json"),
    "html": ReportFormat(_html, ".html", "text/html; charset=utf-8"),
    "junit": ReportFormat(_junit, ".xml", "application/xml"),
})


def _catalogue_text(catalogue: Catalogue, *, lang: str) -> str:
    from .text import render_catalogue_text

    return render_catalogue_text(catalogue)


def _catalogue_json(catalogue: Catalogue, *, lang: str) -> str:
    from .json import render_catalogue_json

    return render_catalogue_json(catalogue)


def _catalogue_html(catalogue: Catalogue, *, lang: str) -> str:
    from .catalogue_page import render_rules_html

    return render_rules_html(catalogue, lang=lang)


def _catalogue_markdown(catalogue: Catalogue, *, lang: str) -> str:
    from .catalogue_page import render_rules_markdown

    return render_rules_markdown(catalogue, lang=lang)


RULES_FORMATS: FormatTable[RulesFormat] = FormatTable("rules", {
    "text": RulesFormat(_catalogue_text, ".txt", "text/plain; charset=utf-8"),
    "json": RulesFormat(_catalogue_json, ".json", "application/json"),
    "html": RulesFormat(_catalogue_html, ".html", "text/html; charset=utf-8"),
    "markdown": RulesFormat(_catalogue_markdown, ".md", "text/markdown; charset=utf-8"),
})


def render_report(report: Report, output_format: str, *, lang: str = "en", color: bool = False,
                  formats: FormatTable[ReportFormat] = REPORT_FORMATS) -> str:
    """The report in ``output_format`` as one string; ``lang`` applies to HTML, ``color`` to text."""
    pieces = formats.chosen(output_format).render(report, lang=lang, color=color)
    return b"".join(pieces).decode(*ENCODING)


def write_report(report: Report, output_format: str, stream: IO[bytes], *, lang: str = "en",
                 color: bool = False, formats: FormatTable[ReportFormat] = REPORT_FORMATS) -> None:
    """Write the report in ``output_format`` to ``stream`` as UTF-8, piece by piece, so a report with
    hundreds of thousands of findings is never one string in memory."""
    for piece in formats.chosen(output_format).render(report, lang=lang, color=color):
        stream.write(piece)


def render_rules(catalogue: Catalogue, output_format: str, *, lang: str = "en",
                 formats: FormatTable[RulesFormat] = RULES_FORMATS) -> str:
    """The catalogue in ``output_format``; ``lang`` applies to HTML and Markdown."""
    return formats.chosen(output_format).render(catalogue, lang=lang)
