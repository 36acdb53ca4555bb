"""The rules page (``iaticonv rules --format html|markdown``) lists every id the validator can emit.

"Can emit" is established three ways, so a new check cannot slip by undocumented: the rule data the
layers load (codelist rules, rulesets, advisories, for every IATI version, read here independently),
the ids written literally where findings are made (walker and layers), and the ids actually emitted
when validating every real file and every official schema test file in ``../shared``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import html

from conftest import SCHEMA_TESTS, real_files
from iaticonv._xml import parse_file
from iaticonv.cli.main import run
from iaticonv.i18n import FR
from iaticonv.standard import require_store
from iaticonv.validate import ValidateOptions, load_catalogue, validate_paths
from iaticonv.validate.catalogue import VERSIONS
from iaticonv.validate.render.catalogue_page import render_rules_html, render_rules_markdown

VALIDATE = Path(__file__).resolve().parents[1] / "src" / "iaticonv" / "validate"
# Where findings are made (the catalogue and own_rules only declare; their text quotes official ids).
EMITTERS = [VALIDATE / "walker.py", VALIDATE / "api.py", *sorted((VALIDATE / "layers").glob("*.py"))]
LITERAL_ID = re.compile(r"\"(\d+\.\d+\.\d+)\"")
MARKDOWN_ROW = re.compile(r"^\| `([^`]+)` \|", re.MULTILINE)


def _html_ids(page: str) -> list[str]:
    return [str(row.get("data-rule")) for row in html.document_fromstring(page).xpath("//tr[@data-rule]")]


def _markdown_ids(page: str) -> list[str]:
    return MARKDOWN_ROW.findall(page)


def _rule_infos(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("ruleInfo"), dict):
            yield str(node["ruleInfo"]["id"])
        for value in node.values():
            yield from _rule_infos(value)
    elif isinstance(node, list):
        for item in node:
            yield from _rule_infos(item)


def _declared_ids() -> set[str]:
    """Ids in the rule data the validator's layers load, and ids written where findings are made.

    The rule data is read here straight from the installed Standard (every ruleset case, every
    codelist rule, every advisory, all versions), not through the catalogue, so a rule the catalogue
    failed to pick up is caught.
    """
    store = require_store()
    ids: set[str] = set()
    for version in VERSIONS:
        ruleset = json.loads((store / "rulesets" / version / "standard.json").read_text(encoding="utf-8"))
        ids.update(_rule_infos(ruleset))
        mapping = parse_file(store / "validator" / version / "rule_mapping.xml").getroot()
        ids.update((text or "").strip() for text in mapping.xpath("//validation-rule/id/text()"))
        advisories = json.loads((store / "validator" / version / "advisoryDefinitions.json").read_text("utf-8"))
        ids.update(str(item["id"]) for item in advisories)
    for source in EMITTERS:
        ids.update(LITERAL_ID.findall(source.read_text(encoding="utf-8")))
    return ids - {""}


@pytest.fixture(scope="module")
def pages() -> dict[str, list[str]]:
    catalogue = load_catalogue()
    return {"html": _html_ids(render_rules_html(catalogue)),
            "markdown": _markdown_ids(render_rules_markdown(catalogue))}


def test_pages_list_the_whole_catalogue_once(pages: dict[str, list[str]]) -> None:
    catalogue = load_catalogue()
    for ids in pages.values():
        assert ids == list(catalogue)  # every id, once, in catalogue order


def test_every_declared_id_is_on_the_page(pages: dict[str, list[str]]) -> None:
    declared = _declared_ids()
    assert len(declared) > 200  # codelist rules, rulesets, advisories of three versions, code ids
    for ids in pages.values():
        assert sorted(declared - set(ids)) == []


@pytest.mark.slow
def test_every_emitted_id_is_on_the_page(pages: dict[str, list[str]]) -> None:
    files = [*real_files(), *sorted(SCHEMA_TESTS.rglob("*.xml"))]
    emitted = {finding.rule_id for finding in validate_paths(files, ValidateOptions()).findings}
    assert len(emitted) > 50
    for ids in pages.values():
        assert sorted(emitted - set(ids)) == []


def test_rows_carry_severity_category_message_official_id_and_guidance() -> None:
    catalogue = load_catalogue()
    page = html.document_fromstring(render_rules_html(catalogue))
    for rule_id in ("9.3.1", "1.1.2", "2001.1.1", "0.3.1"):
        info = catalogue[rule_id]
        [row] = page.xpath(f"//tr[@data-rule='{rule_id}']")
        cells = [" ".join(td.text_content().split()) for td in row.xpath("td")]
        assert cells[0] == rule_id
        assert cells[1].lower() == {"info": "information"}.get(info.severity, info.severity)
        assert cells[4] == (info.official_id or "none")
        assert row.xpath(".//a/@href") == ([info.link] if info.link else [])
    row_931 = " ".join(page.xpath("//tr[@data-rule='9.3.1']")[0].text_content().split())
    assert "The default currency code is invalid" in row_931 and "{value}" in row_931


def test_markdown_cells_cannot_break_the_table() -> None:
    """A pipe or a line break in a message would split a row: every row has exactly 7 cells."""
    page = render_rules_markdown(load_catalogue())
    rows = [line for line in page.splitlines() if line.startswith("| `")]
    assert len(rows) == len(load_catalogue())
    for row in rows:
        assert len(re.findall(r"(?<!\\)\|", row)) == 8, row
    assert "<" not in "".join(rows)


def test_rules_command_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["rules", "--format", "markdown", "--lang", "fr"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# iaticonv — " + FR["Validation rules"])
    assert _markdown_ids(out) == list(load_catalogue())
    assert run(["rules", "--format", "html"]) == 0
    assert _html_ids(capsys.readouterr().out) == list(load_catalogue())
