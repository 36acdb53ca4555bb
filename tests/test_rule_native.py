"""The compiled ruleset prefilters (``_rule_native``): never hide a failure, only pick real contexts.

The contract is the XPath prefilters' one: for every case it takes, the compiled test must select
every context the Python rule fails (it may select more). Checked on every real file, the official
examples, the schema tests of every version, and real activities edited at random where the compiled
tests read (dates, percentages, identifiers, references; blanks, offsets, exponents, entity
references, repeated and missing elements). ``test_validate_rules`` checks separately that the whole
engine's hits equal a plain evaluation of every case on every context.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from conftest import EXAMPLE_ACTIVITY, EXAMPLE_ORGANISATION, REAL_IATI, REAL_IATI_MORE, SHARED
from iaticonv._xml import safe_parser
from iaticonv.validate import ValidateOptions
from iaticonv.validate.context import Chunk, RecordContext
from iaticonv.validate.layers import rules
from iaticonv.validate.layers._rule_plans import expression_nodes, native_module, native_plan, parse_path
from iaticonv.validate.layers._rule_types import RULE_TYPES, Env
from iaticonv.validate.layers._rule_xpath import node_text, nodes, truthy
from iaticonv.validate.ruleinfo import VERSIONS
from test_validate_rules import _chunks_of, _key, _reference_hits

pytestmark = pytest.mark.skipif(native_module() is None, reason="the compiled prefilters are not built here")

OPTIONS = ValidateOptions(extra=False, today=dt.date(2026, 11, 27))
SCHEMA_TESTS = SHARED / "iati-standard" / "examples" / "schema-tests"


def _check_chunk(chunk: Chunk) -> int:
    """Assert the contract on one chunk; returns how many (case, context) failures it covered."""
    env = rules.environment(chunk.options.today, chunk.options.registered_org_ids)
    ruleset = rules.ruleset(chunk.version, chunk.kind, rules.today_number(env.now))
    assert ruleset.native is not None
    covered = _check_loop_sub_cases(chunk, ruleset, env)
    for compiled, native in zip(ruleset.cases, ruleset.native(chunk.root), strict=True):
        if native is None:
            continue
        every = etree.XPath(rules.chunk_xpath(chunk.kind, compiled.contexts, "true()"))(chunk.root)
        assert isinstance(every, list)
        order = {id(element): index for index, element in enumerate(every)}
        picked = [order.get(id(element)) for element in native]
        assert None not in picked, f"{compiled.case['ruleInfo']['id']}: selected a node that is not a context"
        assert picked == sorted(set(picked)), "contexts out of document order or repeated"
        for element in every:
            for name, case in rules._expand(compiled.name, compiled.case, element):
                if not rules._skipped(case, element, env) and RULE_TYPES[name].check(case, element, env) is not None:
                    assert id(element) in {id(e) for e in native}, (
                        f"{case['ruleInfo']['id']} fails at {element.getroottree().getpath(element)} "
                        "but the compiled prefilter did not select it")
                    covered += 1
    return covered


def _check_loop_sub_cases(chunk: Chunk, ruleset: rules.Ruleset, env: rules.Env) -> int:
    """The same contract for each loop sub-case's compiled prefilter, on every context of its loop."""
    covered = 0
    today = rules.today_number(env.now)
    for compiled in ruleset.cases:
        if compiled.name != "loop":
            continue
        every = etree.XPath(rules.chunk_xpath(chunk.kind, compiled.contexts, "true()"))(chunk.root)
        assert isinstance(every, list)
        for element in every:
            if compiled.native is not None:  # the compiled foreach values are the XPath's, or None
                values = compiled.native.values(element)
                by_xpath = list(dict.fromkeys(node_text(n) for n in nodes(compiled.case["foreach"], element)))
                assert values is None or values == by_xpath, f"foreach {compiled.case['foreach']}"
            for name, case, origin in rules._expanded(compiled.name, compiled.case, element):
                assert origin is not None
                plan = rules._SUB_PLANS.get(name, origin, case, today)
                if plan is None or rules._skipped(case, element, env):
                    continue
                if RULE_TYPES[name].check(case, element, env) is None:
                    continue
                assert plan.may_fail(element), f"{case['ruleInfo']['id']} fails but its compiled prefilter says no"
                covered += 1
    return covered


def _files() -> list[Path]:
    return [EXAMPLE_ACTIVITY, EXAMPLE_ORGANISATION, *sorted(REAL_IATI.glob("*.xml")),
            *sorted(REAL_IATI_MORE.glob("*.xml"))]


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_never_hides_a_failure_on_real_files(path: Path) -> None:
    for chunk in _chunks_of(path, OPTIONS):
        _check_chunk(chunk)


def test_never_hides_a_failure_on_the_schema_tests() -> None:
    covered = 0
    files = sorted(SCHEMA_TESTS.rglob("*.xml"))
    assert len(files) > 600
    for path in files:
        try:
            chunks = _chunks_of(path, OPTIONS)
        except etree.XMLSyntaxError:
            continue
        for chunk in chunks:
            covered += _check_chunk(chunk)
    assert covered > 100


# Values the edits put where the compiled tests read: the awkward ones each test must leave to Python.
DATES = ["2015-01-01", "2030-12-31", " 2016-02-29 ", "2015-02-29", "2016-01-01T23:30:00-05:00",
         "2016-01-01T10:00:00Z", "2016-01-01T10:00:00+14:00", "20160101", "2016-W01-1", "", "2016-13-01",
         "0000-01-01", "2026-11-27", "2026-11-28", "2026-11-26T23:59:59", "2016-01-01 10:00", "２０１６-01-01"]
NUMBERS = ["50", "100", "100.0", "0", "-0", "1e2", " 50 ", "", "abc", "100.00000000000001", "101", "-1", "+5",
           "1_0", "50.5.5", "٥٠", "99.99999", "nan", "inf"]
TEXTS = ["GB-1-X", " GB-1-X", "GB-1-X\u00a0", "GB-1-X\u3000", "GB/1", "GB&1", "a|b", "q?", "", "  ", "é-1",
         "GB-1-X\t", "\nGB"]


def _edit(activity: etree._Element, rng: random.Random) -> None:
    """One random edit where a compiled test reads."""
    nodes = list(activity.iter(tag=etree.Element))
    target = rng.choice(nodes)
    choice = rng.random()
    if choice < 0.3:
        for attribute in ("iso-date", "value-date", "last-updated-datetime"):
            if attribute in target.attrib or rng.random() < 0.1:
                target.set(attribute, rng.choice(DATES))
    elif choice < 0.5:
        target.set("percentage", rng.choice(NUMBERS))
    elif choice < 0.7:
        attribute = rng.choice(["ref", "activity-id", "provider-activity-id", "receiver-activity-id"])
        target.set(attribute, rng.choice(TEXTS))
        if target.tag == "iati-identifier" or rng.random() < 0.2:
            target.text = rng.choice(TEXTS)
    elif choice < 0.85 and target.getparent() is not None and target is not activity:
        parent = target.getparent()
        if rng.random() < 0.5:
            parent.remove(target)
        else:
            parent.insert(parent.index(target), etree.fromstring(etree.tostring(target, with_tail=False)))
    else:
        target.set("type", rng.choice(["1", "2", "3", "4", "B1", "A3", " 1"]))
        target.set("vocabulary", rng.choice(["1", "", "99", "98", "2"]))


def _sample_activities() -> list[bytes]:
    picked: list[bytes] = []
    for path in [EXAMPLE_ACTIVITY, *sorted(REAL_IATI.glob("*activit*.xml"))]:
        root = etree.parse(str(path)).getroot()
        if root.get("version") != "2.03" and path != EXAMPLE_ACTIVITY:
            continue
        picked += [etree.tostring(element) for element in root.iterfind("iati-activity")][:4]
    return picked


@pytest.mark.parametrize("seed", range(6))
def test_never_hides_a_failure_on_edited_activities(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    covered = 0
    for index, blob in enumerate(_sample_activities()):
        activity = etree.fromstring(blob)
        for _ in range(rng.randint(1, 12)):
            _edit(activity, rng)
        path = tmp_path / f"edited-{index}.xml"
        path.write_bytes(b'<iati-activities version="2.03">' + etree.tostring(activity) + b"</iati-activities>")
        for chunk in _chunks_of(path, OPTIONS):
            covered += _check_chunk(chunk)
            assert [_key(r, h) for r, h in rules.check_chunk(chunk)] == _reference_hits(chunk)
    assert covered > 0


def _xml(value: str) -> str:
    """A value as XML text or attribute content, blanks kept (as character references)."""
    return "".join(f"&#{ord(c)};" if c in "&<>\"\t\n\r" else c for c in value)


def _grid_activity(identifier: str, ref: str, first: str, second: str, number: str) -> str:
    """An activity whose compiled-test inputs are the given values (everything else plain)."""
    identifier, ref, first, second, number = map(_xml, (identifier, ref, first, second, number))
    return (f'<iati-activity last-updated-datetime="{second}"><iati-identifier>{identifier}</iati-identifier>'
            f'<reporting-org ref="{ref}" type="10"/>'
            f'<participating-org ref="{ref}" activity-id="{identifier}" role="1"/>'
            f'<activity-date type="1" iso-date="{first}"/><activity-date type="3" iso-date="{second}"/>'
            f'<activity-date type="2" iso-date="{first}"/><activity-date type="4" iso-date="{second}"/>'
            f'<recipient-country code="AF" percentage="{number}"/><sector code="11110" percentage="{number}"/>'
            f'<budget><period-start iso-date="{first}"/><period-end iso-date="{second}"/></budget>'
            f'<transaction><transaction-date iso-date="{second}"/><value value-date="{first}">1</value>'
            f'<provider-org ref="{ref}" provider-activity-id="{identifier}"/></transaction></iati-activity>')


def test_never_hides_a_failure_on_every_pair_of_awkward_values(tmp_path: Path) -> None:
    """Every pair of the awkward dates, with every awkward number and text, in the places the
    compiled tests read: dates compared (order, now, one year), numbers ranged, texts trimmed and
    searched, identifiers prefixed."""
    path = _grid_file(tmp_path)
    covered = sum(_check_chunk(chunk) for chunk in _chunks_of(path, OPTIONS))
    assert covered > len(DATES) ** 2


def _grid_file(folder: Path) -> Path:
    activities = []
    for index, (first, second) in enumerate((a, b) for a in DATES for b in DATES):
        number, text = NUMBERS[index % len(NUMBERS)], TEXTS[index % len(TEXTS)]
        identifier = f"{text}-{index}" if index % 2 else f"GB-1-{index}"
        activities.append(_grid_activity(identifier, text if index % 3 else "GB-1", first, second, number))
    path = folder / "grid.xml"
    path.write_text('<iati-activities version="2.03">' + "".join(activities) + "</iati-activities>",
                    encoding="utf-8")
    return path


def test_entity_references_are_left_to_the_xpath() -> None:
    """Unexpanded entity references (the reader refuses a DOCTYPE that declares entities, so this is
    defence in depth): the compiled walk gives the chunk back (None) where it meets one, the XPath judges."""
    text = EXAMPLE_ACTIVITY.read_text(encoding="utf-8")
    text = text.replace("<iati-activities", '<!DOCTYPE iati-activities [<!ENTITY gb "GB">]>\n<iati-activities', 1)
    text = text.replace("<iati-identifier>", "<iati-identifier>&gb;", 1)
    text = text.replace('<participating-org ref="BB-BBB-123456789"', '<participating-org ref="&gb; -1"', 1)
    text = text.replace("</iati-activity>", "&gb;</iati-activity>", 1)
    root = etree.fromstring(text.encode("utf-8"), parser=safe_parser())
    assert b"&gb;" in etree.tostring(root)  # not expanded
    container = etree.Element("iati-activities")
    records = []
    for position, element in enumerate(list(root.iterfind("iati-activity")), 1):
        container.append(element)
        records.append(RecordContext(element=element, kind="activity", position=position, identifier="x",
                                     version="2.03", file="entities.xml", options=OPTIONS))
    chunk = Chunk(root=container, records=records, kind="activity", version="2.03", options=OPTIONS,
                  record_step="iati-activity")
    chunk.by_element = {record.element: record for record in records}
    env = rules.environment(OPTIONS.today, OPTIONS.registered_org_ids)
    ruleset = rules.ruleset("2.03", "activity", rules.today_number(env.now))
    assert ruleset.native is not None
    given_back = [compiled for compiled, found in zip(ruleset.cases, ruleset.native(container), strict=True)
                  if compiled.native is not None and found is None]
    assert given_back  # the walks below the record met the entity reference
    _check_chunk(chunk)
    assert [_key(r, h) for r, h in rules.check_chunk(chunk)] == _reference_hits(chunk)


EQUAL, UNEQUAL, ABSENT, NOT_EQUAL, NUMBER, NOT_NUMBER, PRESENT, CHILD = range(8)


@pytest.mark.parametrize(("path", "plan"), [
    ("reporting-org/@ref", ([(b"reporting-org", [], False, False)], b"ref", False)),
    ("activity-date[@type='1' or @type = '2']/@iso-date",
     ([(b"activity-date", [(b"type", EQUAL, b"1", 0.0), (b"type", EQUAL, b"2", 0.0)], False, False)], b"iso-date",
      False)),
    ("aid-type[@vocabulary = '1' or @vocabulary = '' or not(@vocabulary)]",
     ([(b"aid-type", [(b"vocabulary", EQUAL, b"1", 0.0), (b"vocabulary", EQUAL, b"", 0.0),
                      (b"vocabulary", ABSENT, b"", 0.0)], False, False)], None, False)),
    ("sector[@vocabulary != '1']/@vocabulary",
     ([(b"sector", [(b"vocabulary", UNEQUAL, b"1", 0.0)], False, False)], b"vocabulary", False)),
    ("default-aid-type[@vocabulary != 1]/@vocabulary",
     ([(b"default-aid-type", [(b"vocabulary", NOT_NUMBER, b"", 1.0)], False, False)], b"vocabulary", False)),
    ("sector[@vocabulary=98 or @vocabulary=99]",
     ([(b"sector", [(b"vocabulary", NUMBER, b"", 98.0), (b"vocabulary", NUMBER, b"", 99.0)], False, False)], None,
      False)),
    ("sector[not(@vocabulary='')]", ([(b"sector", [(b"vocabulary", NOT_EQUAL, b"", 0.0)], False, False)], None, False)),
    ("transaction[recipient-country or recipient-region]",
     ([(b"transaction", [(b"", CHILD, b"recipient-country", 0.0), (b"", CHILD, b"recipient-region", 0.0)], False,
        False)], None, False)),
    ("transaction[not(recipient-country or @code)]",
     ([(b"transaction", [(b"", CHILD, b"recipient-country", 0.0), (b"code", PRESENT, b"", 0.0)], True, False)], None,
      False)),
    ("narrative/text()", ([(b"narrative", [], False, False)], b"text()", False)),
    ("@ref", ([], b"ref", False)),
    ("NOW", ([], None, True)),
])
def test_plain_paths_are_read(path: str, plan: object) -> None:
    assert parse_path(path) == plan


def test_a_context_may_be_any_descendant() -> None:
    assert parse_path("descendant::title", context=True) == ([(b"title", [], False, True)], None, False)
    assert parse_path("descendant::title/narrative", context=True) is None


@pytest.mark.parametrize("path", ["reference[1]", "../reference[1]", "text()", "descendant::narrative",
                                  "a[@x='1/2']/@y", "count(sector)", "sector[@vocabulary > 1]",
                                  "sector[@vocabulary='1' and @code]", "sector[@code][@vocabulary='1']", "or",
                                  "x[not(a) or b]"])
def test_other_paths_keep_their_xpath(path: str) -> None:
    assert parse_path(path) is None


def _predicate_selects(predicate: str, attributes: dict[str, str]) -> bool:
    """Whether the compiled walk keeps a child with these attributes under this predicate."""
    native = native_module()
    plan = native.CasePlan(0, [([], None, False)], [parse_path(f"x[{predicate}]")])
    container = etree.Element("iati-activities")
    record = etree.SubElement(container, "iati-activity")
    etree.SubElement(record, "x", attributes)
    found = native.chunk_candidates((plan,), b"iati-activity", container)[0]
    assert found is not None
    return bool(found)


@pytest.mark.parametrize("predicate", ["@v='1'", "@v != '1'", "@v = 1", "@v != 1", "not(@v)", "not(@v='1')",
                                       "@v = 98 or @v = 99", "@v = '' or not(@v)", "@v = 0.5", "@v != -2"])
@pytest.mark.parametrize("value", [None, "1", "1.0", " 1 ", "01", "", "x", "98", "99.0", "-2", ".5", "5.",
                                   "1e0", "+1", "- 2", "٩٨", "0.50000000000000000001"])
def test_predicates_mean_what_xpath_means(predicate: str, value: str | None) -> None:
    attributes = {} if value is None else {"v": value}
    child = etree.Element("x", attributes)
    expected = bool(etree.XPath(f"boolean(self::x[{predicate}])")(child))
    selected = _predicate_selects(predicate, attributes)
    plain = re.fullmatch(r"[ \t\r\n]*-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[ \t\r\n]*", value or "")
    digits = sum(c in "0123456789" for c in value or "")
    compares_numbers = re.search(r"=\s*-?[0-9]", predicate) is not None
    if compares_numbers and digits and (not plain or digits > 15):
        assert selected or not expected  # libxml2 reads more than XPath's numbers: the walk keeps the child
        return
    assert selected == expected


def test_pure_python_switch_turns_it_off() -> None:
    code = "from iaticonv.validate.layers._rule_plans import native_module; print(native_module() is None)"
    env = {**os.environ, "IATICONV_PURE_PYTHON": "1"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"


def test_spaces_are_those_python_strips() -> None:
    native = native_module()
    xml_chars = [c for c in range(0x110000) if c in (9, 10, 13) or 0x20 <= c <= 0xD7FF or 0xE000 <= c <= 0xFFFD
                 or c >= 0x10000]
    assert [c for c in xml_chars if native.is_space_code(c)] == [c for c in xml_chars if chr(c).isspace()]


def _expression_cases() -> list[tuple[str, str, Any, str]]:
    """(version, context path, compiled case, which) for every compiled if/then/condition expression."""
    found = []
    env = rules.environment(OPTIONS.today, OPTIONS.registered_org_ids)
    for version in VERSIONS:
        for kind in ("activity", "organisation"):
            for compiled in rules.load_ruleset(version, kind, rules.today_number(env.now)):
                if compiled.native is None:
                    continue
                for which, key in (("if", "if"), ("then", "then"), ("condition", "condition")):
                    if key in compiled.case:
                        try:
                            compiled.native.truth(etree.Element("x"), which)
                        except ValueError:
                            continue  # a condition taken as a predicate of the context, not an expression
                        found.append((version, kind, compiled, which))
    return found


def test_expressions_are_xpath_on_every_context(tmp_path: Path) -> None:
    """Each compiled expression, on every context of the real files, the examples and the awkward grid,
    is true exactly when libxml's XPath is (as the official engine tests it), unless it says unsure."""
    expressions = _expression_cases()
    assert {which for _v, _k, _c, which in expressions} >= {"if", "then", "condition"}
    assert len(expressions) > 30
    files = [*_files(), _grid_file(tmp_path)]
    checked = unsure_count = 0
    for path in files:
        for chunk in _chunks_of(path, OPTIONS):
            for version, kind, compiled, which in expressions:
                if (version, kind) != (chunk.version, chunk.kind):
                    continue
                every = etree.XPath(rules.chunk_xpath(chunk.kind, compiled.contexts, "true()"))(chunk.root)
                assert isinstance(every, list)
                for element in every:
                    truth, unsure = compiled.native.truth(element, which)
                    if unsure:
                        unsure_count += 1
                        continue
                    assert truth == truthy(str(compiled.case[which]), element), (
                        compiled.case[which], element.getroottree().getpath(element))
                    checked += 1
    assert checked > 10_000 and unsure_count < checked / 100


SYNTHETIC = ["2 < count(a)", "count(a) + count(b) >= 2", "@v = 1", "1 = @v", "1 < @v", "@v > 1", "2 >= @v",
             "not(a or @v)", "a and b", "number(@v) = @v", "boolean(a/@v)", "count(a[@v='1']) = count(a)",
             "not(a[not(@v)])", "(a or b) and not(c)", "a/@v = 2.5", "3 > a/@v", "not(a/@v) or a/@v = 100",
             "a/@v != 1", "count(a) = 1 and not(b)", "count(a/@v) > 1 or count(b) < 1"]
SAMPLES = ['<x/>', '<x v="1"/>', '<x v=" 2 "><a/></x>', '<x v="x"><a v="1"/><a v="2.5"/><b/></x>',
           '<x v="1e0"><a v="100"/><c/></x>', '<x><a/><a v="1"/><b/><b/></x>', '<x v="-1"><a v="3"/></x>',
           '<x v="1.0"><a v=""/></x>']


@pytest.mark.parametrize("expression", SYNTHETIC)
def test_expression_evaluation_is_xpath(expression: str) -> None:
    from iaticonv.validate.layers._rule_expr import Compiled, compile_expression

    native = native_module()
    compiled = Compiled(parse_path)
    root = compile_expression(expression, compiled)
    assert root is not None, expression
    plan = native.CasePlan(0, [([], None, False)], [], exprs=expression_nodes(compiled), expr_paths=compiled.paths,
                           condition=root)
    for sample in SAMPLES:
        element = etree.fromstring(sample)
        truth, unsure = plan.truth(element, "condition")
        if not unsure:
            assert truth == truthy(expression, element), (expression, sample)


@pytest.mark.parametrize("expression", ["a | b", "count(a) - 1", "@v = 'x'", "a = b", "a = (b or c)",
                                        "string(a)", "count(a", "a/text()", "sum(a/@v) > 1", ""])
def test_other_expressions_keep_their_xpath(expression: str) -> None:
    from iaticonv.validate.layers._rule_expr import Compiled, compile_expression

    assert compile_expression(expression, Compiled(parse_path)) is None


@pytest.mark.parametrize("today", [dt.date(2015, 1, 1), dt.date(2026, 11, 27), dt.date(2016, 1, 1)])
def test_later_transactions_prefilter_keeps_every_future_date(today: dt.date, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """iaticonv's own 2001.1.*: the compiled pick of later transactions gives the same hits as every
    later transaction read in Python, on the real files and on every pair of awkward dates."""
    from iaticonv.validate.layers import extra

    options = ValidateOptions(today=today)
    grid = _grid_file(tmp_path)
    text = grid.read_text(encoding="utf-8").replace("<transaction>", "<transaction/><transaction>")
    grid.write_text(text, encoding="utf-8")  # every grid transaction is a later one
    hits = 0
    for path in [*_files(), grid]:
        for chunk in _chunks_of(path, options):
            compiled = [(r.position, h.rule_id, h.value) for r, h in extra._future_transactions(chunk)]
            with monkeypatch.context() as patch:
                patch.setattr(extra, "native_module", lambda: None)
                plain = [(r.position, h.rule_id, h.value) for r, h in extra._future_transactions(chunk)]
            assert compiled == plain
            hits += len(plain)
    assert hits > 10


ORG_PREFIX_VALUES = ["GB-COH-123", "GB-COH", "GB-COH-", "XM-DAC-41114", "XM-DAC", "GB", "XM", "", "-", "--", "-GB-COH",
                     "gb-coh-1", "GB-CHC-1", "ZZ-NOPE-1", "GB-COHX-1", "GB-CO-1", "é-ü-1", "GB-COH-" + "x" * 300,
                     "A" * 300]


@pytest.mark.parametrize("value", ORG_PREFIX_VALUES)
def test_org_id_prefix_test_selects_every_value_the_rule_fails(value: str) -> None:
    """The compiled ORG-ID-PREFIX test (1.14.8, 1.18.8) against the Python rule, on prefixes without,
    with one and with several '-', case, non-ASCII and texts too long to copy (always selected)."""
    known = frozenset({"GB-COH", "XM-DAC", "GB-CHC", "-", "GB-"})
    case = {"prefix": ["ORG-ID-PREFIX"], "paths": ["reporting-org/@ref"], "ruleInfo": {"id": "1.14.8"}}
    plan = native_plan("startswith", case, (".",), (2026, 11, 28), org_prefixes=known)
    assert plan is not None
    record = etree.fromstring(f'<iati-activity><reporting-org ref="{value}"/></iati-activity>'.encode())
    env = Env(now=dt.datetime(2026, 11, 28, tzinfo=dt.UTC), org_id_prefixes=known, registered_org_ids=frozenset())
    fails = RULE_TYPES["startswith"].check(case, record, env) is not None
    selected = plan.may_fail(record)
    assert selected == fails or (selected and len(value) > 250)


def test_foreach_values_are_read_as_the_xpath_reads_them() -> None:
    """A loop's compiled ``foreach`` values on awkward vocabularies: repeated (kept once, in order),
    empty, non-ASCII; an entity reference makes them unsure (None)."""
    ruleset = rules.ruleset("2.03", "activity", rules.today_number(dt.datetime(2026, 11, 28, tzinfo=dt.UTC)))
    loop = next(c for c in ruleset.cases if c.name == "loop" and "sector" in str(c.case["foreach"]))
    assert loop.native is not None
    record = etree.fromstring('<iati-activity><sector vocabulary="2"/><sector vocabulary="99"/><sector vocabulary="2"/>'
                              '<sector vocabulary=""/><sector vocabulary="é"/><sector vocabulary="1"/></iati-activity>')
    expected = list(dict.fromkeys(node_text(n) for n in nodes(loop.case["foreach"], record)))
    assert loop.native.values(record) == expected
    assert len(expected) >= 3
    with_entity = etree.fromstring(b'<!DOCTYPE a [<!ENTITY v "7">]><iati-activity><sector vocabulary="&v;"/>'
                                   b'</iati-activity>', safe_parser())
    assert loop.native.values(with_entity) is None
