"""French country and region names (``schemas/crosswalk/*-names-fr.json``) resolve to IATI codes.

The installed Country codelist carries English names only, so a record written in French ("Pérou")
can only be resolved through the crosswalk files. The loader silently skips aliases whose code is not
in the codelist, so the files are also checked directly against the codelists: a typo in a code would
otherwise just make a name unfindable without any error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from iaticonv._paths import project_schemas
from iaticonv.standard import load_codelists
from iaticonv.standard._names import normalise_name

CROSSWALK_FILES = {
    "Country": project_schemas() / "crosswalk" / "country-names-fr.json",
    "Region": project_schemas() / "crosswalk" / "region-names-fr.json",
}


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(
    ("text", "codelist", "code"),
    [
        ("Pérou", "Country", "PE"),
        ("Haïti", "Country", "HT"),
        ("Sénégal", "Country", "SN"),
        ("Côte d'Ivoire", "Country", "CI"),
        ("Allemagne", "Country", "DE"),
        ("États-Unis", "Country", "US"),
        ("RD Congo", "Country", "CD"),
        ("République démocratique du Congo", "Country", "CD"),
        ("Afrique, régional", "Region", "298"),
    ],
)
def test_french_name_is_first_answer(text: str, codelist: str, code: str) -> None:
    first = load_codelists().find(text)[0]
    assert (first.code.codelist, first.code.code) == (codelist, code)
    assert first.score == 1.0


@pytest.mark.parametrize(
    ("text", "codelist", "code", "source"),
    [
        ("Pérou", "Country", "PE", "country-names-fr"),
        ("perou", "Country", "PE", "country-names-fr"),
        ("Allemagne", "Country", "DE", "country-names-fr"),
        ("ETATS UNIS", "Country", "US", "country-names-fr"),
        ("Afrique de l'Ouest", "Region", "1030", "region-names-fr"),
    ],
)
def test_names_only_the_crosswalk_knows(text: str, codelist: str, code: str, source: str) -> None:
    """These names are in no codelist, so only the crosswalk file can have answered them."""
    first = load_codelists().find(text)[0]
    assert (first.code.codelist, first.code.code) == (codelist, code)
    assert first.via == f"crosswalk:{source}"


@pytest.mark.parametrize("codelist", sorted(CROSSWALK_FILES))
def test_file_shape(codelist: str) -> None:
    data = _load(CROSSWALK_FILES[codelist])
    assert set(data) == {"description", "aliases"}
    assert data["description"].strip() and data["description"].count(". ") == 0
    assert data["aliases"]
    for entry in data["aliases"]:
        assert set(entry) == {"codelist", "code", "name"}
        assert entry["codelist"] == codelist
        assert isinstance(entry["code"], str) and isinstance(entry["name"], str)
        assert entry["name"] == entry["name"].strip() and entry["name"]


@pytest.mark.parametrize("codelist", sorted(CROSSWALK_FILES))
def test_every_alias_code_exists(codelist: str) -> None:
    known = load_codelists()[codelist]
    unknown = [e for e in _load(CROSSWALK_FILES[codelist])["aliases"] if e["code"] not in known]
    assert unknown == []


@pytest.mark.parametrize("codelist", sorted(CROSSWALK_FILES))
def test_every_code_has_a_french_name(codelist: str) -> None:
    named = {e["code"] for e in _load(CROSSWALK_FILES[codelist])["aliases"]}
    missing = [code.code for code in load_codelists()[codelist] if code.code not in named]
    assert missing == []


@pytest.mark.parametrize("codelist", sorted(CROSSWALK_FILES))
def test_no_name_points_at_two_codes(codelist: str) -> None:
    codes_by_key: dict[str, set[str]] = {}
    for entry in _load(CROSSWALK_FILES[codelist])["aliases"]:
        codes_by_key.setdefault(normalise_name(entry["name"]), set()).add(entry["code"])
    assert {key: codes for key, codes in codes_by_key.items() if len(codes) > 1} == {}


@pytest.mark.parametrize("codelist", sorted(CROSSWALK_FILES))
def test_every_alias_resolves_to_its_own_code(codelist: str) -> None:
    """No French name is shadowed by an official name of another code (or of a higher-ranked list)."""
    codelists = load_codelists()
    wrong = []
    for entry in _load(CROSSWALK_FILES[codelist])["aliases"]:
        first = codelists.find(entry["name"], limit=1)[0]
        if (first.code.codelist, first.code.code) != (codelist, entry["code"]):
            wrong.append((entry["name"], entry["code"], first.code.codelist, first.code.code))
    assert wrong == []
