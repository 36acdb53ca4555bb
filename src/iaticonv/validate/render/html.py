"""The HTML report: one self-contained page a data officer can open, e-mail or attach to a ticket.

Styles and script are inlined and a Content-Security-Policy forbids the page from loading anything,
so the file reads the same offline, years later, on any machine. The page works without scripts
(every finding listed, severity filter by CSS); the script adds the category, rule and text filters.
Rendering is a pure function of the report: ``render_html(report)`` returns the page as a string.
"""

from __future__ import annotations

from functools import partial
from importlib.metadata import PackageNotFoundError, version

from ...i18n import VERDICT_LABELS
from ..catalogue import Catalogue, load_catalogue
from ..report import Report
from ._jinja import asset, environment
from ._view import build_view

__all__ = ["render_html"]


def _generator() -> str:
    try:
        return version("iaticonv")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "dev"


def render_html(report: Report, *, lang: str = "en", catalogue: Catalogue | None = None) -> str:
    """The report as one HTML page in ``lang`` (``en`` or ``fr``); rule messages stay as written."""
    env, tr = environment(lang)
    view = build_view(report, catalogue if catalogue is not None else load_catalogue(), tr, generator=_generator())
    template = env.get_template("report.html.j2")
    return template.render(view=view, lang=lang, css=asset("report.css"), js=asset("report.js"),
                           verdict_label=partial(tr.label, VERDICT_LABELS))
