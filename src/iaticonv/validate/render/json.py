"""The JSON report: ``Report.to_dict()`` serialised deterministically (sorted nothing, stable order)."""

from __future__ import annotations

import json

from ..catalogue import Catalogue
from ..report import Report

__all__ = ["render_catalogue_json", "render_json"]


def render_json(report: Report) -> str:
    """The report as indented JSON, following ``schemas/validation-report.schema.json``."""
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def render_catalogue_json(catalogue: Catalogue) -> str:
    """Every rule id the validator can emit, as a JSON array."""
    return json.dumps([info.to_dict() for info in catalogue.values()], indent=2, ensure_ascii=False) + "\n"
