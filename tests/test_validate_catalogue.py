"""The catalogue: every id the official rule data defines, iaticonv's own ids, each emitted id, each documented."""

from __future__ import annotations

import json
import re

from lxml import etree

from conftest import EXAMPLE_ACTIVITY, ROOT, SCHEMA_TESTS, STANDARD_MIRROR, real_files
from iaticonv.validate import ValidateOptions, load_catalogue, validate_paths
from iaticonv.validate._own_rules import OWN_RULES
from iaticonv.validate.ruleinfo import VERSIONS

DOCS = ROOT / "docs" / "validate.md"


def _official_ids() -> dict[str, set[str]]:
    """Ids read straight from ../shared's rule data (independently of the catalogue's loader)."""
    found: dict[str, set[str]] = {"rules": set(), "codelists": set(), "advisory": set()}
    for version in VERSIONS:
        text = (STANDARD_MIRROR / "rulesets" / version / "standard.json").read_text(encoding="utf-8")
        found["rules"] |= set(re.findall(r'"id":\s*"([0-9.]+)"', text))
        mapping = etree.parse(str(STANDARD_MIRROR / "validator" / version / "rule_mapping.xml"))
        found["codelists"] |= {e.text.strip() for e in mapping.iter("id") if e.text}
        advisories = json.loads((STANDARD_MIRROR / "validator" / version / "advisoryDefinitions.json").read_text())
        found["advisory"] |= {item["id"] for item in advisories}
    return found


def test_catalogue_holds_every_official_id() -> None:
    catalogue = load_catalogue()
    official = _official_ids()
    v203 = (STANDARD_MIRROR / "rulesets" / "2.03" / "standard.json").read_text(encoding="utf-8")
    assert len(set(re.findall(r'"id":\s*"([0-9.]+)"', v203))) == 89
    for layer, ids in official.items():
        assert ids <= set(catalogue), (layer, sorted(ids - set(catalogue)))
        assert all(catalogue[i].layer == layer for i in ids if i not in {"1.1.2"})
    assert {"0.1.1", "0.2.1", "0.3.1", "0.6.1", "1.1.2"} <= set(catalogue)
    assert {rule.id for rule in OWN_RULES} <= set(catalogue)
    assert all(rule.id.startswith("2000.") or rule.id[:4] in {"2001", "2002", "2003", "2004", "2005", "2006"}
               for rule in OWN_RULES)


def test_own_ids_do_not_collide_with_official_ones() -> None:
    official = set().union(*_official_ids().values())
    assert not {rule.id for rule in OWN_RULES} & official


def test_every_emitted_id_is_in_the_catalogue() -> None:
    catalogue = load_catalogue()
    paths = [*real_files(), EXAMPLE_ACTIVITY, *sorted(SCHEMA_TESTS.glob("activity-tests/should-fail/*/*.xml"))[:60]]
    report = validate_paths(paths, ValidateOptions(fiscal_year_start=(4, 1)))
    emitted = {finding.rule_id for finding in report.findings}
    assert len(emitted) > 60
    assert emitted <= set(catalogue)
    for finding in report.findings:
        info = catalogue[finding.rule_id]
        assert (finding.severity, finding.category) == (info.severity, info.category)
        assert finding.message and "{" not in finding.message


def test_every_catalogue_id_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    missing = [rule_id for rule_id in load_catalogue() if f"`{rule_id}`" not in text]
    assert not missing, f"docs/validate.md lacks {missing[:10]}: regenerate its catalogue section"
