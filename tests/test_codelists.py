"""Codelist lookups: by code, by name (en/fr, any spelling), withdrawn codes, categories, vocabularies."""

from __future__ import annotations

import json

import pytest

from iaticonv.cli.main import run
from iaticonv.standard import codelist_for, load_codelists, load_mappings


@pytest.mark.parametrize(
    ("text", "codelist", "code"),
    [
        ("Decentralisation and support to subnational government", "Sector", "15112"),
        ("Donor country personnel", "AidType", "D01"),
        ("Aid grant excluding debt reorganisation", "FinanceType", "110"),
        ("Bilateral", "CollaborationType", "1"),
        ("Closed", "ActivityStatus", "4"),
        ("Peru", "Country", "PE"),
        ("Gender equality", "PolicyMarker", "1"),
        ("Participatory development and good governance", "PolicyMarker", "3"),
        ("  DONOR   country-personnel ", "AidType", "D01"),
        ("Décentralisation et soutien aux administrations infranationales", "Sector", "15112"),
    ],
)
def test_find_first_answer(text: str, codelist: str, code: str) -> None:
    best = load_codelists().find(text)[0]
    assert (best.code.codelist, best.code.code) == (codelist, code)
    assert best.score == 1.0


def test_typo_suggests_the_nearest_code() -> None:
    matches = load_codelists().find("Donor countri personel")
    assert matches[0].score < 1.0
    assert (matches[0].code.codelist, matches[0].code.code) == ("AidType", "D01")


def test_find_restricted_to_one_codelist() -> None:
    matches = load_codelists().find("Closed", in_="CollaborationType")
    assert all(m.code.codelist == "CollaborationType" for m in matches)


def test_get_withdrawn_and_categories() -> None:
    lists = load_codelists()
    assert lists.get("Sector", "15112") is not None
    withdrawn = lists.get("Sector", "11321")
    assert withdrawn is not None and withdrawn.withdrawn
    assert withdrawn.withdrawal_date is not None and withdrawn.withdrawal_date.isoformat() == "2019-12-31"
    assert len(lists["Sector"].withdrawn()) >= 30
    category = lists.category_of("Sector", "15112")
    assert category is not None and (category.codelist, category.code) == ("SectorCategory", "151")
    assert lists.get("Sector", "15112").names["fr"].startswith("Décentralisation")  # type: ignore[union-attr]
    assert len(lists.names()) == 70


def test_embedded_lists_follow_the_version() -> None:
    assert "BudgetStatus" not in load_codelists("2.01") or load_codelists("2.01")["BudgetStatus"].version == "2.03"
    assert load_codelists("2.02")["ActivityStatus"].version == "2.02"
    assert load_codelists("2.03")["ActivityStatus"].version == "2.03"


def test_vocabulary_conditions_from_mapping() -> None:
    assert codelist_for("//iati-activity/sector/@code", "1") == "Sector"
    assert codelist_for("//iati-activity/sector/@code", None) == "Sector"
    assert codelist_for("//iati-activity/sector/@code", "2") == "SectorCategory"
    assert codelist_for("//iati-activity/sector/@code", "7") == "UNSDG-Goals"
    assert codelist_for("//iati-activity/sector/@code", "99") is None
    assert codelist_for("iati-activity/policy-marker/@code", "99") is None
    assert codelist_for("//iati-activity/tag/@code", None) is None
    assert codelist_for("//iati-activity/default-aid-type/@code", "4") == "CashandVoucherModalities"
    assert len(load_mappings("2.03")) == 124
    assert len(load_mappings("2.01")) == 81


def test_cli_find_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["codelist", "find", "Bilateral", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"codelist", "code", "name", "status"} <= rows[0].keys()
    assert (rows[0]["codelist"], rows[0]["code"]) == ("CollaborationType", "1")


def test_cli_find_typo_says_did_you_mean(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["codelist", "find", "Donor countri personel"]) == 0
    captured = capsys.readouterr()
    assert "did you mean" in captured.err
    assert captured.out.splitlines()[0].split()[:2] == ["AidType", "D01"]


def test_cli_show_and_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["codelist", "show", "Sector", "15112"]) == 0
    assert "Decentralisation" in capsys.readouterr().out
    assert run(["codelist", "show", "Sector", "99999"]) == 1
    assert "not a code of Sector" in capsys.readouterr().err
    assert run(["codelist", "show", "Sectr"]) == 2
    assert "did you mean Sector" in capsys.readouterr().err
    assert run(["codelist", "list", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 70


@pytest.mark.parametrize("version", ["2.01", "2.02", "2.03"])
def test_code_sets_are_the_codelists_codes_and_withdrawals(version: str) -> None:
    """The validator's light read of the codelists gives, list by list, the very codes and withdrawal
    dates of the full read (the lists of that version, embedded ones replaced)."""
    from iaticonv.standard.codelists import load_code_sets

    sets, lists = load_code_sets(version), load_codelists(version)
    assert sorted(sets) == sorted(lists.names())
    withdrawn = 0
    for name in lists.names():
        codelist = lists[name]
        assert sets[name].codes == frozenset(code.code for code in codelist), name
        assert sets[name].withdrawn == {c.code: str(c.withdrawal_date or "") for c in codelist.withdrawn()}, name
        withdrawn += len(sets[name].withdrawn)
    assert withdrawn > 50
    assert "en" in sets["Language"].codes
