"""Renderers: pure functions from a ``Report`` (or the catalogue) to text; they never re-validate.

``formats`` is the table the CLI chooses from; each renderer is a module of its own (``text``,
``json``, ``html``, ``junit``, ``catalogue_page``), public because a script may call one directly
(docs/reports.md). ``_view``, ``_jinja`` and ``_titles`` are what the HTML renderer builds on.
"""

__all__ = ["catalogue_page", "formats", "html", "json", "junit", "text"]
