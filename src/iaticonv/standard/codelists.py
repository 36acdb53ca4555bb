"""The 70 IATI codelists as Python objects: lookup by code, by name (en/fr), withdrawn codes, categories.

Codelists are parsed once per process and only when first asked for (``load_codelists`` is cached),
so commands that never touch a code pay nothing. Names from the project's crosswalk files in
``schemas/crosswalk/`` (older OECD wording, donors' own wording, French country names) are searched
as aliases of the official names, never in place of them.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lxml import etree

from .._dates import leading_date
from .._paths import project_schemas
from .._xml import parse_file
from ..errors import UsageError
from ._names import normalise_name
from .store import require_store

__all__ = ["Code", "CodeSet", "Codelist", "Codelists", "Match", "load_code_sets", "load_codelists"]

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DEFAULT_VERSION = "2.03"

# When one name exists in several codelists ("Bilateral", "Closed"), the lists a project record uses
# most come first; anything not listed ranks after these, alphabetically.
PREFERRED_CODELISTS = (
    "ActivityStatus", "Country", "Region", "Sector", "SectorCategory", "AidType", "FinanceType",
    "FlowType", "CollaborationType", "TiedStatus", "PolicyMarker", "PolicySignificance", "Currency",
    "OrganisationType", "OrganisationRole", "TransactionType", "BudgetType", "BudgetStatus",
    "ActivityDateType", "Language", "DocumentCategory",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Code:
    """One codelist item. ``names`` maps a language code to the name in that language."""

    codelist: str
    code: str
    names: dict[str, str]
    description: str = ""
    category: str | None = None
    status: str = "active"
    activation_date: dt.date | None = None
    withdrawal_date: dt.date | None = None

    @property
    def name(self) -> str:
        return self.names.get("en") or next(iter(self.names.values()), "")

    @property
    def withdrawn(self) -> bool:
        return self.status == "withdrawn"


@dataclass(frozen=True, slots=True, kw_only=True)
class Match:
    """A name lookup answer: the code, the text that matched, and how close it was (1.0 = exact)."""

    code: Code
    matched: str
    score: float
    via: str = "codelist"


@dataclass(slots=True)
class Codelist:
    name: str
    version: str
    embedded: bool
    category_codelist: str | None
    title: str
    codes: dict[str, Code] = field(default_factory=dict)

    def get(self, code: str) -> Code | None:
        return self.codes.get(code)

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def __len__(self) -> int:
        return len(self.codes)

    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes.values())

    def withdrawn(self) -> list[Code]:
        return [code for code in self.codes.values() if code.withdrawn]


def _narratives(element: etree._Element | None) -> dict[str, str]:
    names: dict[str, str] = {}
    if element is None:
        return names
    for narrative in element.iterfind("narrative"):
        lang = narrative.get(XML_LANG, "en").lower()
        text = (narrative.text or "").strip()
        if text and lang not in names:
            names[lang] = text
    return names


def _load_codelist(path: Path, version: str) -> Codelist:
    root = parse_file(path).getroot()
    name = root.get("name", path.stem)
    meta_name = _narratives(root.find("metadata/name"))
    codelist = Codelist(
        name=name,
        version=version,
        embedded=root.get("embedded") == "1",
        category_codelist=root.get("category-codelist"),
        title=meta_name.get("en", name),
    )
    for item in root.iterfind("codelist-items/codelist-item"):
        code_text = (item.findtext("code") or "").strip()
        if not code_text:
            continue
        codelist.codes[code_text] = Code(
            codelist=name,
            code=code_text,
            names=_narratives(item.find("name")),
            description=_narratives(item.find("description")).get("en", ""),
            category=(item.findtext("category") or "").strip() or None,
            status=item.get("status", "active"),
            activation_date=leading_date(item.get("activation-date")),
            withdrawal_date=leading_date(item.get("withdrawal-date")),
        )
    return codelist


class Codelists:
    """All codelists of one IATI version, with lookups by code and by name."""

    def __init__(self, lists: dict[str, Codelist], aliases: list[tuple[str, str, str, str]]) -> None:
        self._lists = lists
        self._aliases = aliases
        # (normalised name, codelist, code, original text, source) rows searched by ``find``; built on
        # the first name lookup, so code lookups (the validator's) never pay for normalising names.
        self._index_rows: list[tuple[str, str, str, str, str]] | None = None
        self._exact: dict[str, list[int]] = {}

    @property
    def _index(self) -> list[tuple[str, str, str, str, str]]:
        if self._index_rows is None:
            rows: list[tuple[str, str, str, str, str]] = []
            for codelist in self._lists.values():
                for code in codelist:
                    for text in code.names.values():
                        rows.append((normalise_name(text), codelist.name, code.code, text, "codelist"))
            for list_name, code_text, text, source in self._aliases:
                if list_name in self._lists and code_text in self._lists[list_name]:
                    rows.append((normalise_name(text), list_name, code_text, text, source))
            for position, row in enumerate(rows):
                self._exact.setdefault(row[0], []).append(position)
            self._index_rows = rows
        return self._index_rows

    def names(self) -> list[str]:
        return sorted(self._lists)

    def __getitem__(self, name: str) -> Codelist:
        try:
            return self._lists[name]
        except KeyError:
            close = difflib.get_close_matches(name, self._lists, n=3)
            hint = f"did you mean {', '.join(close)}?" if close else "see: iaticonv codelist list"
            raise UsageError(f"no codelist named {name!r}", hint=hint) from None

    def __contains__(self, name: object) -> bool:
        return name in self._lists

    def get(self, codelist: str, code: str) -> Code | None:
        found = self._lists.get(codelist)
        return found.get(code) if found else None

    def category_of(self, codelist: str, code: str) -> Code | None:
        """The category item of a code (Sector 15112 → SectorCategory 151), if the list has categories."""
        item = self.get(codelist, code)
        parent = self._lists.get(codelist)
        if item is None or parent is None or not parent.category_codelist or item.category is None:
            return None
        return self.get(parent.category_codelist, item.category)

    def _rank(self, codelist: str) -> int:
        try:
            return PREFERRED_CODELISTS.index(codelist)
        except ValueError:
            return len(PREFERRED_CODELISTS)

    def find(self, text: str, *, in_: str | None = None, limit: int = 10, cutoff: float = 0.6) -> list[Match]:
        """Codes whose name matches ``text``, best first: exact (normalised) matches, then close ones.

        Close matches are how "did you mean" suggestions are made for typos ("Donor countri personel").
        """
        if in_ is not None:
            self[in_]  # raises a UsageError with suggestions for an unknown list
        key = normalise_name(text)
        seen: set[tuple[str, str]] = set()
        matches: list[Match] = []

        def add(row: tuple[str, str, str, str, str], score: float) -> None:
            _, list_name, code_text, original, source = row
            if (list_name, code_text) in seen or (in_ is not None and list_name != in_):
                return
            seen.add((list_name, code_text))
            code = self._lists[list_name].codes[code_text]
            matches.append(Match(code=code, matched=original, score=score, via=source))

        index = self._index
        exact_rows = [index[i] for i in self._exact.get(key, [])]
        exact_rows.sort(key=lambda r: (self._lists[r[1]].codes[r[2]].withdrawn, self._rank(r[1]), r[1]))
        for row in exact_rows:
            add(row, 1.0)
        code_key = text.strip()
        for list_name, codelist in self._lists.items():
            if code_key in codelist and (in_ is None or in_ == list_name) and not matches:
                add(("", list_name, code_key, code_key, "code"), 0.99)
        if len(matches) < limit:
            scored: list[tuple[float, int, tuple[str, str, str, str, str]]] = []
            matcher = difflib.SequenceMatcher(autojunk=False)
            matcher.set_seq2(key)
            for row in self._index:
                if in_ is not None and row[1] != in_:
                    continue
                matcher.set_seq1(row[0])
                if matcher.real_quick_ratio() < cutoff or matcher.quick_ratio() < cutoff:
                    continue
                ratio = matcher.ratio()
                if ratio >= cutoff:
                    scored.append((ratio, self._rank(row[1]), row))
            scored.sort(key=lambda s: (-s[0], s[1], s[2][1], s[2][2]))
            for ratio, _, row in scored:
                add(row, round(min(ratio, 0.98), 3))
                if len(matches) >= limit:
                    break
        return matches[:limit]


def _crosswalk_aliases(folder: Path) -> list[tuple[str, str, str, str]]:
    """Alias names from ``schemas/crosswalk/*.json`` (each: {"codelist", "aliases": [{code, name}]})."""
    aliases: list[tuple[str, str, str, str]] = []
    if not folder.is_dir():
        return aliases
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for entry in data.get("aliases", []) if isinstance(data, dict) else []:
            # Other crosswalk shapes (e.g. a donor's own vocabulary) live beside these; only
            # {codelist, code, name} rows are aliases of official codes.
            if isinstance(entry, dict) and {"codelist", "code", "name"} <= entry.keys():
                aliases.append((entry["codelist"], str(entry["code"]), entry["name"], f"crosswalk:{path.stem}"))
    return aliases


@dataclass(frozen=True, slots=True)
class CodeSet:
    """A codelist as the validator reads it: its codes, and since when each withdrawn one is withdrawn."""

    codes: frozenset[str]
    withdrawn: dict[str, str]  # withdrawn code → its withdrawal date ("" when the list gives none)


def load_code_sets(version: str = DEFAULT_VERSION) -> dict[str, CodeSet]:
    """The codes of every codelist of ``version`` (the same lists as ``load_codelists``), without the
    names, descriptions and dates a converter needs: a validation starts in a third of the time."""
    return _load_code_sets_from(require_store(), version)


@cache
def _load_code_sets_from(store: Path, version: str) -> dict[str, CodeSet]:
    sets: dict[str, CodeSet] = {}
    for path in _codelist_files(store / "codelists", version):
        items: dict[str, tuple[bool, str]] = {}  # the last item of a repeated code wins, as in load_codelists
        for item in parse_file(path).getroot().iterfind("codelist-items/codelist-item"):
            code = (item.findtext("code") or "").strip()
            if code:
                items[code] = (item.get("status", "active") == "withdrawn",
                               str(leading_date(item.get("withdrawal-date")) or ""))
        sets[path.stem] = CodeSet(frozenset(items), {code: since for code, (gone, since) in items.items() if gone})
    return sets


def _codelist_files(root: Path, version: str) -> list[Path]:
    """The codelist files of ``version``: every list of 2.03, then the embedded lists of ``version``
    (which replace 2.03's of the same name)."""
    files = [path for path in sorted((root / DEFAULT_VERSION).glob("*.xml")) if path.name != "mapping.xml"]
    if version != DEFAULT_VERSION:
        files += [path for path in sorted((root / version).glob("*.xml")) if path.name != "mapping.xml"]
    return files


def load_codelists(version: str = DEFAULT_VERSION) -> Codelists:
    """Every codelist of ``version``: embedded lists from that version, the others shared from 2.03.

    Parsed once per store and version (a process that switches ``IATICONV_HOME`` gets the other store's).
    """
    return _load_codelists_from(require_store(), version)


@cache
def _load_codelists_from(store: Path, version: str) -> Codelists:
    lists: dict[str, Codelist] = {}
    for path in _codelist_files(store / "codelists", version):
        lists[path.stem] = _load_codelist(path, path.parent.name)
    return Codelists(lists, _crosswalk_aliases(project_schemas() / "crosswalk"))
