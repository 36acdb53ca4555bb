"""The rule catalogue as a page people read: ``iaticonv rules --format html|markdown``.

Generated from the very catalogue the validator uses, so the documentation cannot drift from the
checks: every id a finding can carry has a row (a test enforces it), with its severity, category,
message, the official IATI Validator id it matches and a link to the guidance. Message templates
show their fields as ``{name}``: the words the report fills in at that place.
"""

from __future__ import annotations

import string
from collections import Counter
from dataclasses import dataclass
from functools import partial

from ...i18n import LAYER_LABELS, category_label, severity_label
from ..catalogue import Catalogue
from ..ruleinfo import RuleInfo
from ._jinja import asset, environment

__all__ = ["RuleRow", "render_rules_html", "render_rules_markdown", "rule_rows"]

_FIELDS = string.Formatter()


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleRow:
    id: str
    layer: str
    severity: str
    severity_label: str
    category: str
    category_label: str
    heading: str  # the rule's title, when its message does not already begin with it
    message: str
    official_id: str
    link: str
    versions: str


def message_pattern(info: RuleInfo) -> str:
    """The message template with each field left visible as ``{name}`` (escaped braces become plain)."""
    names = {name for _, name, _, _ in _FIELDS.parse(info.template) if name}
    return info.render({name: "{" + name + "}" for name in names})


def rule_rows(catalogue: Catalogue, lang: str = "en") -> dict[str, list[RuleRow]]:
    """Layer → its rules, in catalogue order (layers in validation order)."""
    layers: dict[str, list[RuleRow]] = {}
    for info in catalogue.values():
        message = message_pattern(info)
        layers.setdefault(info.layer, []).append(RuleRow(
            id=info.id, layer=info.layer, severity=info.severity, severity_label=severity_label(info.severity, lang),
            category=info.category, category_label=category_label(info.category, lang),
            heading="" if message.startswith(info.title) else info.title, message=message,
            official_id=info.official_id or "", link=info.link or "",
            versions=", ".join(info.versions),
        ))
    return layers


def _context(catalogue: Catalogue, lang: str) -> dict[str, object]:
    layers = rule_rows(catalogue, lang)
    return {
        "lang": lang,
        "layers": layers,
        "total": len(catalogue),
        "severities": Counter(info.severity for info in catalogue.values()),
    }


def render_rules_html(catalogue: Catalogue, *, lang: str = "en") -> str:
    """The catalogue as one self-contained HTML page (no scripts needed, nothing loaded)."""
    env, tr = environment(lang)
    return env.get_template("rules.html.j2").render(
        **_context(catalogue, lang), css=asset("report.css"), layer_label=partial(tr.label, LAYER_LABELS),
    )


def render_rules_markdown(catalogue: Catalogue, *, lang: str = "en") -> str:
    """The catalogue as Markdown (for docs/ and for reading on a code host), one table per layer."""
    env, tr = environment(lang, autoescape=False)
    return env.get_template("rules.md.j2").render(
        **_context(catalogue, lang), layer_label=partial(tr.label, LAYER_LABELS),
    )
