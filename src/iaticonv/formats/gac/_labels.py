"""GAC's words ⇄ IATI codes: codelist names, GAC's own policy markers, and the multi-valued cells.

People write "Peru 100.00%", "Level 2 Participatory development and good governance" or
"2010-04-01 to 2011-03-31 $19,075,668 CAD"; the model wants ``PE``/``100``, marker 3 significance 2,
and a budget. A label resolves only on an exact (normalised) match: anything less is an
``InputError`` naming the field and listing the nearest codes, because a wrong guess would publish
wrong data under GAC's name. Writers print names that are checked to resolve back to the same code,
so whatever is written can be read again.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache

from ..._paths import project_schemas
from ...standard import load_codelists, normalise_name
from ._common import (
    Budget,
    Marker,
    Share,
    Where,
    fiscal_year,
    format_amount,
    format_number,
    parse_amount,
    parse_date,
    parse_percentage,
)

__all__ = [
    "GacMarker",
    "format_budget",
    "format_marker",
    "format_share",
    "gac_markers",
    "label_for",
    "parse_budget",
    "parse_marker",
    "parse_share",
    "resolve",
    "vocabulary_uri",
]

GAC_VOCABULARY = "99"
OECD_VOCABULARY = "1"
_EXPLICIT = re.compile(r"^\[(\d+):([^\]]+)\]$")  # "[99:9]": a marker code given as vocabulary:code


@dataclass(frozen=True, slots=True)
class GacMarker:
    """One of GAC's own markers (vocabulary 99) from ``schemas/crosswalk/gac-policy-markers.json``."""

    code: str
    name: str  # GAC's IATI narrative
    profile_name: str  # the wording on the profile page
    status: str  # confirmed | inferred | inferred-unobserved
    aliases: tuple[str, ...]


@cache
def _crosswalk() -> dict[str, object]:
    path = project_schemas() / "crosswalk" / "gac-policy-markers.json"
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def vocabulary_uri() -> str:
    return str(_crosswalk()["vocabulary_uri"])


@cache
def gac_markers() -> dict[str, GacMarker]:
    """GAC's vocabulary-99 markers by code."""
    rows = _crosswalk()["markers"]
    assert isinstance(rows, list)
    return {
        str(row["code"]): GacMarker(
            code=str(row["code"]),
            name=row["name"],
            profile_name=row["profile_name"],
            status=row["status"],
            aliases=tuple(row.get("aliases", ())),
        )
        for row in rows
    }


@cache
def _marker_names() -> dict[str, tuple[str, str]]:
    """Normalised marker wording → (vocabulary, code); GAC's own names first, then its OECD wording."""
    names: dict[str, tuple[str, str]] = {}
    for marker in gac_markers().values():
        for text in (marker.name, marker.profile_name, *marker.aliases):
            names.setdefault(normalise_name(text), (GAC_VOCABULARY, marker.code))
    rows = _crosswalk().get("oecd_profile_names", [])
    assert isinstance(rows, list)
    for row in rows:
        names.setdefault(normalise_name(row["profile_name"]), (OECD_VOCABULARY, str(row["code"])))
    return names


@cache
def _oecd_profile_names() -> dict[str, str]:
    rows = _crosswalk().get("oecd_profile_names", [])
    assert isinstance(rows, list)
    return {str(row["code"]): row["profile_name"] for row in rows}


@cache
def _resolve_exact(codelist: str, text: str) -> str | None:
    matches = load_codelists().find(text, in_=codelist, limit=1)
    if matches and matches[0].score >= 0.99:
        return matches[0].code.code
    return None


def _suggestions(codelist: str, text: str) -> str:
    found = load_codelists().find(text, in_=codelist, limit=4, cutoff=0.4)
    if not found:
        return f"see: iaticonv codelist show {codelist}"
    return "nearest: " + "; ".join(f"{m.code.code} {m.code.name!r}" for m in found)


def resolve(codelist: str, text: str, where: Where) -> str:
    """A label (or a code) → the code of ``codelist``; an ``InputError`` with suggestions otherwise."""
    code = _resolve_exact(codelist, text.strip())
    if code is None:
        raise where.error(f"{text.strip()!r} is not a known {codelist} name or code",
                          hint=_suggestions(codelist, text))
    return code


@cache
def _printed_words() -> dict[tuple[str, str], str]:
    """GAC's own wording for some codes (``gac-wording.json`` entries marked ``print``)."""
    path = project_schemas() / "crosswalk" / "gac-wording.json"
    rows = json.loads(path.read_text(encoding="utf-8")).get("aliases", [])
    return {(row["codelist"], str(row["code"])): row["name"] for row in rows if row.get("print")}


@cache
def label_for(codelist: str, code: str) -> str:
    """GAC's word or the English name of ``code`` if it resolves back to ``code``, else the code itself."""
    gac_word = _printed_words().get((codelist, code))
    if gac_word is not None and _resolve_exact(codelist, gac_word) == code:
        return gac_word
    item = load_codelists().get(codelist, code)
    if item is not None and item.name and _resolve_exact(codelist, item.name) == code:
        return item.name
    return code


_SHARE = re.compile(r"^(.*?)[\s:]+(-?\d+(?:\.\d+)?)\s*%$")


def parse_share(item: str, codelists: tuple[str, ...], where: Where) -> tuple[str, Share]:
    """``Peru 100.00%`` → (``Country``, Share(``PE``, 100)); tries each codelist in turn.

    A region may also be written without GAC's dropped ", regional" suffix ("South America").
    """
    match = _SHARE.match(item)
    name, percentage = (match.group(1), parse_percentage(match.group(2), where)) if match else (item, None)
    for codelist in codelists:
        code = _resolve_exact(codelist, name)
        if code is None and codelist == "Region":
            code = _resolve_exact(codelist, f"{name}, regional")
        if code is not None:
            return codelist, Share(code, percentage)
    lists = " or ".join(codelists)
    raise where.error(f"{name!r} is not a known {lists} name or code", hint=_suggestions(codelists[0], name))


def format_share(codelist: str, share: Share) -> str:
    label = label_for(codelist, share.code)
    return label if share.percentage is None else f"{label} {format_number(share.percentage)}%"


_MARKER_LEVEL_FIRST = re.compile(r"^level\s+(\d+)\s*[:\-]?\s+(.+)$", re.IGNORECASE)
_MARKER_LEVEL_LAST = re.compile(r"^(.+?)\s*[:(]\s*level\s+(\d+)\s*\)?$", re.IGNORECASE)


@cache
def _marker_lookup(name: str) -> tuple[str, str] | None:
    explicit = _EXPLICIT.match(name.strip())
    if explicit:
        return explicit.group(1), explicit.group(2).strip()
    found = _marker_names().get(normalise_name(name))
    if found is not None:
        return found
    code = _resolve_exact("PolicyMarker", name)
    return (OECD_VOCABULARY, code) if code is not None else None


@cache
def _significances() -> frozenset[str]:
    return frozenset(code.code for code in load_codelists()["PolicySignificance"])


def _marker_code(name: str, where: Where) -> tuple[str, str]:
    found = _marker_lookup(name)
    if found is not None:
        return found
    gac = ", ".join(f"{m.profile_name!r}" for m in gac_markers().values())
    raise where.error(f"{name.strip()!r} is not a known policy marker",
                      hint=f"{_suggestions('PolicyMarker', name)}; GAC's own markers: {gac}")


def parse_marker(item: str, where: Where) -> Marker:
    """``Level 1 Gender equality`` (or ``Gender equality: Level 1``) → Marker(1, 1, 1)."""
    if match := _MARKER_LEVEL_FIRST.match(item.strip()):
        level, name = match.group(1), match.group(2)
    elif match := _MARKER_LEVEL_LAST.match(item.strip()):
        name, level = match.group(1), match.group(2)
    else:
        raise where.error(f"not a policy marker line: {item.strip()!r}", hint="write it as 'Level N Marker name'")
    if level not in _significances():
        raise where.error(f"no policy significance {level} in {item.strip()!r}", hint="levels go from 0 to 4")
    vocabulary, code = _marker_code(name, where)
    return Marker(vocabulary, code, level)


def marker_name(vocabulary: str, code: str) -> str:
    """The wording a GAC page prints for a marker (``[V:C]`` when nothing would resolve back)."""
    if vocabulary == GAC_VOCABULARY and code in gac_markers():
        return gac_markers()[code].profile_name
    if vocabulary == OECD_VOCABULARY:
        name = _oecd_profile_names().get(code) or label_for("PolicyMarker", code)
        if name != code and _marker_names().get(normalise_name(name), (OECD_VOCABULARY, code)) == (
            OECD_VOCABULARY, code,
        ):
            return name
    return f"[{vocabulary}:{code}]"


def format_marker(marker: Marker) -> str:
    return f"Level {marker.significance} {marker_name(marker.vocabulary, marker.code)}"


_BUDGET_PERIOD = re.compile(r"^(.+?)\s+(?:to|au|-|–|→)\s+(.+?)[\s:]+(-?\s*\$?\s*-?[\d,]+(?:\.\d+)?\s*\$?)"
                            r"(?:\s+([A-Z]{3}))?$")
_BUDGET_FY = re.compile(r"^(?:FY\s*)?(\d{4})\s*[-/–]\s*(\d{2}|\d{4})[\s:]+(-?\s*\$?\s*-?[\d,]+(?:\.\d+)?\s*\$?)"
                        r"(?:\s+([A-Z]{3}))?$")


def parse_budget(item: str, where: Where, *, currency: str = "CAD") -> Budget:
    """``2010-04-01 to 2011-03-31 $19,075,668 CAD``, or the fiscal-year shorthand ``2010-2011 $19,075,668``."""
    text = item.strip()
    if match := _BUDGET_FY.match(text):
        first, second = int(match.group(1)), match.group(2)
        if int(second[-2:]) != (first + 1) % 100:
            raise where.error(f"not a fiscal year: {text!r}",
                              hint="a fiscal year runs 1 April to 31 March, e.g. 2010-2011")
        start, end = fiscal_year(first)
    elif match := _BUDGET_PERIOD.match(text):
        start, end = parse_date(match.group(1), where), parse_date(match.group(2), where)
        if end < start:
            raise where.error(f"budget period ends before it starts: {text!r}")
    else:
        raise where.error(f"not a budget line: {text!r}", hint="write it as 'YYYY-MM-DD to YYYY-MM-DD $1,234 CAD'")
    return Budget(start, end, parse_amount(match.group(3), where), match.group(4) or currency)


def format_budget(budget: Budget) -> str:
    return f"{budget.start.isoformat()} to {budget.end.isoformat()} {format_amount(budget.value)} {budget.currency}"
