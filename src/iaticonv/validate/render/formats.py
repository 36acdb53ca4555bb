"""Format name → renderer, for the CLI: one table each for reports and for the rule catalogue.

The command stays a thin switch (parse options, call one function), and a new format is one line
here. Renderers are imported when chosen, so ``--format text`` never loads Jinja2.
"""

from __future__ import annotations

from typing import IO

from ..catalogue import Catalogue
from ..report import Report

__all__ = ["REPORT_FORMATS", "RULES_FORMATS", "render_report", "render_rules", "write_report"]

REPORT_FORMATS: tuple[str, ...] = ("text", "json", "html", "junit")
RULES_FORMATS: tuple[str, ...] = ("text", "json", "html", "markdown")


def render_report(report: Report, output_format: str, *, lang: str = "en", color: bool = False) -> str:
    """The report in ``output_format``; ``lang`` applies to HTML, ``color`` to text."""
    if output_format == "json":
        from .json import render_json

        return render_json(report)
    if output_format == "html":
        from .html import render_html

        return render_html(report, lang=lang)
    if output_format == "junit":
        from .junit import render_junit

        return render_junit(report)
    if output_format == "text":
        from .text import render_text

        return render_text(report, color=color)
    raise ValueError(f"unknown report format {output_format!r}")


def write_report(report: Report, output_format: str, stream: IO[bytes], *, lang: str = "en",
                 color: bool = False) -> None:
    """Write the report in ``output_format`` to ``stream`` as UTF-8; JSON and text go piece by piece,
    so a report with hundreds of thousands of findings is never one string in memory."""
    if output_format == "json":
        from .json import iter_json

        for piece in iter_json(report):
            stream.write(piece)
        return
    if output_format == "text":
        from .text import iter_text

        for text in iter_text(report, color=color):
            stream.write(text.encode("utf-8", "surrogatepass"))
        return
    stream.write(render_report(report, output_format, lang=lang, color=color).encode("utf-8", "surrogatepass"))


def render_rules(catalogue: Catalogue, output_format: str, *, lang: str = "en") -> str:
    """The catalogue in ``output_format``; ``lang`` applies to HTML and Markdown."""
    if output_format == "json":
        from .json import render_catalogue_json

        return render_catalogue_json(catalogue)
    if output_format in ("html", "markdown"):
        from .catalogue_page import render_rules_html, render_rules_markdown

        page = render_rules_html if output_format == "html" else render_rules_markdown
        return page(catalogue, lang=lang)
    if output_format == "text":
        from .text import render_catalogue_text

        return render_catalogue_text(catalogue)
    raise ValueError(f"unknown rules format {output_format!r}")
