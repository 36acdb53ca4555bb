"""The Jinja2 environment the HTML and Markdown renderers share: package templates, autoescape, i18n.

HTML templates autoescape every expression, so a value taken from a published file (a title, an
identifier, a narrative with ``<script>`` in it) is shown as text, never run. The Markdown template
is not HTML and escapes through its own filter. Translations are installed per render (``lang``)
through Jinja's i18n extension, whose ``_()`` calls a test extracts to check the French table.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import jinja2

from ...i18n import Translations, translations

__all__ = ["asset", "environment"]


@cache
def _base(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("iaticonv", "templates"),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_cell
    return env


def environment(lang: str = "en", *, autoescape: bool = True) -> tuple[jinja2.Environment, Translations]:
    """A private copy of the shared environment with ``lang``'s translations installed."""
    tr = translations(lang)
    env = _base(autoescape).overlay()
    env.install_gettext_callables(tr.gettext, tr.ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env, tr


@cache
def asset(name: str) -> str:
    """A stylesheet or script from the templates folder, inlined verbatim into pages."""
    return resources.files("iaticonv").joinpath("templates", name).read_text(encoding="utf-8")


def markdown_cell(value: object) -> str:
    """Text safe inside a Markdown table cell: no pipes, no line breaks, no raw HTML."""
    text = "" if value is None else str(value)
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(text.split())
