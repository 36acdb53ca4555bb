"""iaticonv's own checks are one table (``extra.OWN_CHECKS``), each check registered with the ids it emits.

A new own check is one registered function with its ids: shown here by extending the table with a
check on a real file (the real table is left as it was) and reading its finding through the layer
and the walker's locating step. A check that emits an id it did not declare stops the run, and every
declared id is in the catalogue.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from conftest import EXAMPLE_ACTIVITY, REAL_IATI
from iaticonv.validate import Finding, ValidateOptions, load_catalogue, validate_file
from iaticonv.validate._locate import locate_all
from iaticonv.validate._own_rules import OWN_RULES, OwnCheck, OwnChecks, UndeclaredRuleError
from iaticonv.validate.catalogue import Catalogue
from iaticonv.validate.context import Chunk, Hit, RecordContext
from iaticonv.validate.layers import extra
from test_validate_rules import _chunks_of

OPTIONS = ValidateOptions(today=dt.date(2026, 11, 27), fiscal_year_start=(4, 1))
NEW_ID = "2007.1.1"


def _missing_titles(chunk: Chunk) -> Iterator[tuple[RecordContext, Hit]]:
    """An activity without a title (a made-up own check, for the table's sake)."""
    for record in chunk.records:
        if record.element.find("title") is None:
            yield record, Hit(rule_id=NEW_ID, node=record.element)


def _titles(chunk: Chunk) -> Iterator[tuple[RecordContext, Hit]]:
    """Every activity's title, under a rule id this check does not declare."""
    for record in chunk.records:
        title = record.element.find("title")
        if title is not None:
            yield record, Hit(rule_id="2003.1.1", node=title)


def _findings(path: Path, checks: OwnChecks, catalogue: Catalogue) -> list[Finding]:
    found: list[Finding] = []
    for chunk in _chunks_of(path, OPTIONS):
        locate_all(extra.check_chunk(chunk, checks), catalogue, found)
    return found


def test_a_new_check_is_one_registered_function(tmp_path: Path) -> None:
    derived = extra.OWN_CHECKS.extend(missing_titles=OwnCheck(frozenset({NEW_ID}), _missing_titles))
    assert list(derived)[-1] == "missing_titles" and "missing_titles" not in extra.OWN_CHECKS
    info = dataclasses.replace(next(i for i in OWN_RULES if i.id == "2003.1.1"), id=NEW_ID, title="Title present",
                               template="The activity has no title.")
    catalogue = Catalogue({**load_catalogue(), NEW_ID: info})
    text = EXAMPLE_ACTIVITY.read_text(encoding="utf-8")
    start, end = text.index("<title>"), text.index("</title>") + len("</title>")
    path = tmp_path / "untitled.xml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with_new = _findings(path, derived, catalogue)
    without = _findings(path, extra.OWN_CHECKS, catalogue)
    new = [f for f in with_new if f.rule_id == NEW_ID]
    assert [(f.xpath, f.message) for f in new] == [("/iati-activities/iati-activity[1]", "The activity has no title.")]
    assert [f for f in with_new if f.rule_id != NEW_ID] == without  # the others, as before, in order


def test_an_undeclared_id_stops_the_run() -> None:
    derived = extra.OWN_CHECKS.extend(titles=OwnCheck(frozenset({NEW_ID}), _titles))
    with pytest.raises(UndeclaredRuleError, match=r"'titles' emitted 2003\.1\.1"):
        _findings(EXAMPLE_ACTIVITY, derived, load_catalogue())


def test_an_undeclared_id_on_the_root_stops_the_run() -> None:
    def root_check(root: etree._Element, version: str) -> Iterator[Hit]:
        yield Hit(rule_id="2004.1.1", node=root)

    derived = extra.OWN_CHECKS.extend(root_only=OwnCheck(frozenset({NEW_ID}), _missing_titles, root=root_check))
    with pytest.raises(UndeclaredRuleError):
        list(extra.check_root(etree.Element("iati-activities"), "2.03", derived))


def test_every_declared_id_is_in_the_catalogue_and_every_own_id_has_its_check() -> None:
    catalogue = load_catalogue()
    assert extra.OWN_CHECKS.ids <= set(catalogue)
    assert all(catalogue[rule_id].layer == "extra" for rule_id in extra.OWN_CHECKS.ids)
    # 2000.0.1 is the walker's (a file it cannot read), 2002.1.1 the codelist layer's (withdrawn codes)
    assert {info.id for info in OWN_RULES} - extra.OWN_CHECKS.ids == {"2000.0.1", "2002.1.1"}


def test_the_real_table_emits_only_what_it_declares_on_the_real_files() -> None:
    """Through the walker, on every real activity file: each own finding is of a declared id."""
    own = {f.rule_id for path in sorted(REAL_IATI.glob("*.xml")) for f in validate_file(path, OPTIONS).findings
           if f.rule_id.startswith("200")}
    assert own and own <= extra.OWN_CHECKS.ids | {"2002.1.1"}
