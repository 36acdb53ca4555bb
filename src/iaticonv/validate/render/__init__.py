"""Renderers: pure functions from a ``Report`` (or the catalogue) to text; they never re-validate."""
