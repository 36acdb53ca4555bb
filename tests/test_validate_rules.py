"""Layer 4 (rulesets) on the official example, edited one defect at a time, and the prefilter contract.

The official validator reports, for the annotated example activity, exactly these errors and warnings
(see the research notes): the first test pins them as (id, line, XPath) tuples.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from lxml import etree

from conftest import EXAMPLE_ACTIVITY, EXAMPLE_ORGANISATION, REAL_IATI, REAL_IATI_MORE
from iaticonv.validate import Finding, ValidateOptions, validate_file
from iaticonv.validate.context import Chunk, RecordContext
from iaticonv.validate.layers import rules
from iaticonv.validate.layers._rule_prefilter import js_truthy
from iaticonv.validate.layers._rule_types import RULE_TYPES
from iaticonv.validate.ruleinfo import VERSIONS

EXAMPLE = EXAMPLE_ACTIVITY.read_text(encoding="utf-8")
ORGANISATION = EXAMPLE_ORGANISATION.read_text(encoding="utf-8")
OFFICIAL = ValidateOptions(extra=False, today=dt.date(2026, 11, 27))
ACT = "/iati-activities/iati-activity[1]"
BUDGET_VALUE = '\n   <value currency="EUR" value-date="2014-01-01">3000</value>\n  </budget>'


def edited(tmp_path: Path, old: str, new: str, *, text: str = EXAMPLE) -> Path:
    assert old in text, old
    path = tmp_path / "edited.xml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def located(findings: list[Finding], *, prefix: tuple[str, ...] = ("",)) -> set[tuple[str, int | None, str | None]]:
    return {(f.rule_id, f.line, f.xpath) for f in findings if f.rule_id.startswith(prefix)}


def rule_ids(path: Path, options: ValidateOptions = OFFICIAL) -> list[str]:
    return [f.rule_id for f in validate_file(path, options).findings]


def test_official_example_gets_the_official_findings() -> None:
    report = validate_file(EXAMPLE_ACTIVITY, OFFICIAL)
    blocking_or_warning = {(f.rule_id, f.line, f.xpath) for f in report.findings if f.severity != "advisory"}
    assert blocking_or_warning == {
        ("1.14.8", 15, f"{ACT}/reporting-org[1]/@ref"),
        ("9.40.1", 51, f"{ACT}/participating-org[3]/@crs-channel-code"),
        ("3.6.2", 106, f"{ACT}/recipient-country[1]"),
        ("3.4.2", 111, f"{ACT}/recipient-region[1]/@percentage"),
        ("3.4.2", 112, f"{ACT}/recipient-region[2]/@percentage"),
        ("6.6.2", 162, f"{ACT}/sector[1]"),
        ("102.1.1", 162, f"{ACT}/sector[1]"),
        ("6.13.1", 206, f"{ACT}/policy-marker[3]"),
        ("9.86.1", 282, f"{ACT}/transaction[1]/recipient-region[1]/@code"),
        ("8.11.1", 346, f"{ACT}/result[1]/reference[1]"),
    }
    # the official report for this file: 8 errors, 2 warnings, 8 advisories, no critical
    assert report.summary == {"critical": 0, "error": 8, "warning": 2, "info": 0, "advisory": 8}
    assert [f.rule_id for f in report.findings].count("3.4.2") == 2
    sums = [f.message for f in report.findings if f.rule_id == "3.4.2"]
    assert all("The sum is 75" in message for message in sums)


@pytest.mark.parametrize(
    ("old", "new", "rule_id"),
    [
        # date_order: planned start after planned end
        ('<activity-date iso-date="2012-04-15" type="1">', '<activity-date iso-date="2016-04-15" type="1">', "11.1.2"),
        # date_now: last updated in the future
        ('last-updated-datetime="2014-09-10T07:15:37Z"', 'last-updated-datetime="2099-09-10T07:15:37Z"', "11.1.1"),
        # date_order with NOW: the first transaction in the future
        ('<transaction-date iso-date="2012-01-01" />', '<transaction-date iso-date="2099-01-01" />', "11.2.1"),
        # time_limit: a budget longer than a year
        (f'<period-end iso-date="2014-12-31" />{BUDGET_VALUE}', f'<period-end iso-date="2016-12-31" />{BUDGET_VALUE}',
         "7.5.3"),
        # regex_matches: forbidden symbol in the identifier
        ("<iati-identifier>AA-AAA-123456789-ABC123</iati-identifier>",
         "<iati-identifier>AA-AAA-123456789-ABC/123</iati-identifier>", "1.3.13"),
        # no_spaces: trailing space in the identifier
        ("<iati-identifier>AA-AAA-123456789-ABC123</iati-identifier>",
         "<iati-identifier>AA-AAA-123456789-ABC123 </iati-identifier>", "1.3.1"),
        # startswith: identifier not prefixed by the reporting organisation
        ("<iati-identifier>AA-AAA-123456789-ABC123</iati-identifier>",
         "<iati-identifier>ZZ-ABC123</iati-identifier>", "1.1.21"),
        # unique: identifier equal to the reporting organisation's
        ("<iati-identifier>AA-AAA-123456789-ABC123</iati-identifier>",
         "<iati-identifier>AA-AAA-123456789</iati-identifier>", "1.1.3"),
        # range: percentage over 100
        ('<recipient-country code="AF" percentage="25" />', '<recipient-country code="AF" percentage="125" />',
         "12.1.1"),
        # no_more_than_one: two OECD DAC default aid types
        ('<default-aid-type code="A01" vocabulary="1" />',
         '<default-aid-type code="A01" vocabulary="1" />\n  <default-aid-type code="A02" vocabulary="1" />', "107.1.2"),
        # one_or_all: no default language and a narrative without one
        ('<iati-activity xml:lang="en" default-currency', '<iati-activity default-currency', "4.1.1"),
        # if_then: a single sector vocabulary 1 with a percentage below 100
        ('<sector vocabulary="2" code="111" percentage="50" />\n  <sector vocabulary="2" code="112" percentage="50" />',
         '<sector vocabulary="1" code="11110" percentage="50" />', "2.1.4"),
    ],
)
def test_rule_types_fire(tmp_path: Path, old: str, new: str, rule_id: str) -> None:
    assert rule_id not in rule_ids(EXAMPLE_ACTIVITY)
    assert rule_id in rule_ids(edited(tmp_path, old, new))


def test_atleast_one_start_date(tmp_path: Path) -> None:
    text = EXAMPLE.replace('iso-date="2012-04-15" type="1"', 'iso-date="2012-04-15" type="3"', 1)
    text = text.replace('iso-date="2012-04-28" type="2"', 'iso-date="2012-04-28" type="4"', 1)
    path = tmp_path / "no-start.xml"
    path.write_text(text, encoding="utf-8")
    found = [f for f in validate_file(path, OFFICIAL).findings if f.rule_id == "6.11.1"]
    assert [(f.line, f.xpath) for f in found] == [(8, ACT)]


def test_between_dates_on_organisations(tmp_path: Path) -> None:
    assert "11.3.1" not in rule_ids(EXAMPLE_ORGANISATION)
    block = ORGANISATION[ORGANISATION.index("<recipient-country-budget"):]
    old = block[: block.index("</recipient-country-budget>")]
    path = edited(tmp_path, old, old.replace('value-date="2014-01-01">2000000', 'value-date="2015-06-01">2000000'),
                  text=ORGANISATION)
    found = [f for f in validate_file(path, OFFICIAL).findings if f.rule_id == "11.3.1"]
    assert [(f.line, f.value) for f in found] == [(75, "2015-06-01")]


def test_registered_publishers_are_grandfathered() -> None:
    plain = rule_ids(EXAMPLE_ACTIVITY)
    registered = ValidateOptions(extra=False, registered_org_ids=frozenset({"AA-AAA-123456789"}))
    assert "1.14.8" in plain and "1.14.8" not in rule_ids(EXAMPLE_ACTIVITY, registered)


def test_official_truthiness_of_paths() -> None:
    assert js_truthy("@value") == "true()"  # a node-set is a JS array: always true
    assert js_truthy("count(sector) > 1") == "boolean(count(sector) > 1)"


@pytest.mark.parametrize("version", VERSIONS)
def test_every_rule_type_of_every_ruleset_is_implemented(version: str) -> None:
    for kind in ("activity", "organisation"):
        compiled = rules.load_ruleset(version, kind, 20261127)
        assert compiled
        assert {case.name for case in compiled} <= {*RULE_TYPES, "loop"}


def _failures(chunk: Chunk, *, prefiltered: bool) -> set[tuple[str, str]]:
    """(rule id, context) of every failing case, found through the prefilters or on every context."""
    env = rules.environment(chunk.options.today, chunk.options.registered_org_ids)
    found: set[tuple[str, str]] = set()
    tree = chunk.root.getroottree()
    for compiled in rules.load_ruleset(chunk.version, chunk.kind, rules.today_number(env.now)):
        if prefiltered:
            contexts = compiled.candidates(chunk.root)
        else:
            every = rules.chunk_xpath(chunk.kind, compiled.contexts, "true()")
            contexts = etree.XPath(every)(chunk.root)
        assert isinstance(contexts, list)
        for element in contexts:
            for name, case in rules._expand(compiled.name, compiled.case, element):
                if not rules._skipped(case, element, env) and RULE_TYPES[name].check(case, element, env) is not None:
                    found.add((str(case["ruleInfo"]["id"]), tree.getpath(element)))
    return found


@pytest.mark.parametrize("path", [EXAMPLE_ACTIVITY, EXAMPLE_ORGANISATION, *sorted(REAL_IATI.glob("*.xml")),
                                  *sorted(REAL_IATI_MORE.glob("*-activit*.xml"))[:6]], ids=lambda p: p.name)
def test_prefilters_never_hide_a_failure(path: Path) -> None:
    """The prefilter contract: the chunked engine finds exactly what evaluating every context finds."""
    root = etree.parse(str(path)).getroot()
    kind = "activity" if root.tag == "iati-activities" else "organisation"
    step = "iati-activity" if kind == "activity" else "iati-organisation"
    version = root.get("version") if root.get("version") in VERSIONS else "2.03"
    records = [RecordContext(element=e, kind=kind, position=i, identifier="x", version=str(version),
                             file=str(path), options=OFFICIAL) for i, e in enumerate(root.iterfind(step), 1)]
    chunk = Chunk(root=root, records=records, kind=kind, version=str(version), options=OFFICIAL, record_step=step)
    everywhere = _failures(chunk, prefiltered=False)
    if path == EXAMPLE_ACTIVITY:
        assert len(everywhere) == 7  # the example's (rule, context) failures: 3.4.2 fails twice on one context
    assert _failures(chunk, prefiltered=True) == everywhere


def _chunks_of(path: Path, options: ValidateOptions) -> list[Chunk]:
    """The file's records in chunks of the walker's size, each moved under its own container root."""
    from iaticonv.validate.walker import CHUNK_SIZE

    root = etree.parse(str(path)).getroot()
    kind = "activity" if root.tag == "iati-activities" else "organisation"
    step = "iati-activity" if kind == "activity" else "iati-organisation"
    version = str(root.get("version")) if root.get("version") in VERSIONS else "2.03"
    chunks: list[Chunk] = []
    for position, element in enumerate(list(root.iterfind(step)), 1):
        if not chunks or len(chunks[-1].records) >= CHUNK_SIZE:
            chunks.append(Chunk(root=etree.Element(str(root.tag)), records=[], kind=kind, version=version,
                                options=options, record_step=step))
        chunks[-1].root.append(element)
        chunks[-1].records.append(RecordContext(element=element, kind=kind, position=position, identifier="x",
                                                version=version, file=str(path), options=options))
    for chunk in chunks:
        chunk.by_element = {record.element: record for record in chunk.records}
    return chunks


def _reference_hits(chunk: Chunk) -> list[tuple[object, ...]]:
    """The plain evaluation the engine must equal: every case on every context, in case order, no prefilter."""
    env = rules.environment(chunk.options.today, chunk.options.registered_org_ids)
    out: list[tuple[object, ...]] = []
    for compiled in rules.load_ruleset(chunk.version, chunk.kind, rules.today_number(env.now)):
        contexts = etree.XPath(rules.chunk_xpath(chunk.kind, compiled.contexts, "true()"))(chunk.root)
        assert isinstance(contexts, list)
        for element in contexts:
            for name, case in rules._expand(compiled.name, compiled.case, element):
                failure = None if rules._skipped(case, element, env) else RULE_TYPES[name].check(case, element, env)
                record = chunk.record_of(element)
                if failure is not None and record is not None:
                    out.append(_key(record, rules._hit(str(case["ruleInfo"]["id"]), failure, element)))
    return out


def _key(record: RecordContext, hit: object) -> tuple[object, ...]:
    from iaticonv.validate.context import Hit

    assert isinstance(hit, Hit)
    node = hit.node.getroottree().getpath(hit.node) if hit.node is not None else None
    return (record.position, hit.rule_id, node, hit.attribute, hit.value, dict(hit.params))


REGISTERED = ValidateOptions(extra=False, today=dt.date(2026, 11, 27),
                             registered_org_ids=frozenset({"GB-GOV-1", "US-GOV-1", "XM-DAC-41114", "GB-COH-07291220"}))


@pytest.mark.parametrize("path", [EXAMPLE_ACTIVITY, EXAMPLE_ORGANISATION, *sorted(REAL_IATI.glob("*.xml")),
                                  *sorted(REAL_IATI_MORE.glob("*.xml"))], ids=lambda p: p.name)
def test_engine_equals_plain_evaluation_on_real_files(path: Path) -> None:
    """Whatever the engine does to go fast (prefilters, shared context scans), its hits on every real file
    are the plain evaluation's: same rule, record, node, value and detail, in the same order."""
    for options in (OFFICIAL, REGISTERED):
        for chunk in _chunks_of(path, options):
            engine = [_key(record, hit) for record, hit in rules.check_chunk(chunk)]
            assert engine == _reference_hits(chunk), path.name


def test_prefilter_spaces_are_every_character_python_strips() -> None:
    import sys

    from iaticonv.validate.layers._rule_prefilter import WHITESPACE

    everywhere = "".join(chr(c) for c in range(sys.maxunicode + 1)
                         if chr(c).isspace() and (c >= 0x20 or chr(c) in "\t\n\r"))
    assert everywhere == WHITESPACE
