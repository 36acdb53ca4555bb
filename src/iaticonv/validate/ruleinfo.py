"""A catalogue entry (``RuleInfo``) and its message rendering, shared by the catalogue and own rules.

Kept apart from ``catalogue.py`` so that iaticonv's own rule declarations can build entries without
importing the loader of the official rule data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .findings import Severity

__all__ = ["GUIDANCE", "VERSIONS", "RuleInfo", "escape", "standard_link"]

VERSIONS = ("2.01", "2.02", "2.03")
GUIDANCE = "https://iatistandard.org/en/iati-standard/203/"


def standard_link(path: str) -> str:
    """A guidance page of the 2.03 Standard from the relative path the rule data gives."""
    return GUIDANCE + path.lstrip("/")


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleInfo:
    """One catalogue entry. ``template`` uses ``{name}`` fields filled from a finding's params."""

    id: str
    layer: str
    severity: Severity
    category: str
    title: str
    template: str
    official_id: str | None
    link: str | None = None
    versions: tuple[str, ...] = VERSIONS

    def render(self, params: Mapping[str, Any]) -> str:
        """The message for a finding: unknown fields render empty, never raise."""
        return self.template.format_map(_Lenient(params)).strip()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "layer": self.layer,
            "severity": self.severity,
            "category": self.category,
            "title": self.title,
            "message": self.template,
            "officialId": self.official_id,
            "link": self.link,
            "versions": list(self.versions),
        }


class _Lenient(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")
