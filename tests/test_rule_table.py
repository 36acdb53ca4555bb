"""Each ruleset rule type is one entry of ``_rule_types.RULE_TYPES``, and the codes Python and C share agree.

A rule type's prefilter names a test of ``_rule_types.TESTS``; the XPath writes every test, the compiled
module runs every test but "always" under a code of its ``Op`` enum. The compiled module's other codes
(``Predicate``, ``Expression``, ``Comparison``) are taken by name on the Python side: the names used
there must be exactly the enums' members, or a plan would carry a code the C code does not mean.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from lxml import etree

from conftest import STANDARD_MIRROR
from iaticonv.validate.layers import rules
from iaticonv.validate.layers._rule_expr import COMPARISONS, EXPRESSIONS
from iaticonv.validate.layers._rule_plans import PLANS, PREDICATES, code, native_module, native_plan
from iaticonv.validate.layers._rule_prefilter import XPATH_TESTS, prefilter, prefilter_of
from iaticonv.validate.layers._rule_types import RULE_TYPES, TESTS, Prefilter
from iaticonv.validate.layers._rule_xpath import NS
from iaticonv.validate.ruleinfo import VERSIONS

compiled_only = pytest.mark.skipif(native_module() is None, reason="the compiled prefilters are not built here")
TODAY = (2026, 11, 27)


def _members(enum: str, prefix: str) -> set[str]:
    members = {member.name for member in getattr(native_module(), enum)}
    assert all(name.startswith(prefix) for name in members), members
    return {name[len(prefix):].lower() for name in members}


def _cases() -> list[tuple[str, str, dict[str, object]]]:
    """(version, rule type, case) for every case of every installed ruleset, loop sub-cases included."""
    found = []
    for version in VERSIONS:
        data = json.loads((STANDARD_MIRROR / "rulesets" / version / "standard.json").read_text(encoding="utf-8"))
        for rule_types in data.values():
            for name, body in rule_types.items():
                for case in body.get("cases", ()):
                    found.append((version, name, case))
                    for sub_name, sub_body in case.get("do", {}).items():
                        found += [(version, sub_name, sub_case) for sub_case in sub_body.get("cases", ())]
    return found


def test_every_test_is_written_in_xpath() -> None:
    assert set(XPATH_TESTS) == set(TESTS)
    assert set(PLANS) | {"always"} == set(TESTS)  # "always": no plan, the XPath selects every context


def test_an_unknown_test_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown prefilter test"):
        Prefilter("sometimes")


def test_every_case_of_the_rulesets_has_its_prefilter_from_its_rule_type() -> None:
    """Every rule type the rulesets use is in the table, and every case's prefilter is a valid XPath."""
    cases = _cases()
    assert {name for _v, name, _c in cases} - {"loop"} <= set(RULE_TYPES)
    for _version, name, case in cases:
        test = prefilter_of(name, case)
        assert test.test in TESTS
        etree.XPath(prefilter(name, case, 20261127), namespaces=NS)  # compiles


@compiled_only
def test_the_compiled_codes_are_the_names_python_uses() -> None:
    assert _members("Op", "OP_") == set(PLANS)
    assert _members("Predicate", "TEST_") == set(PREDICATES)
    assert _members("Expression", "E_") == set(EXPRESSIONS)
    assert _members("Comparison", "CMP_") == set(COMPARISONS.values())
    assert len({code("Op", f"OP_{name.upper()}") for name in PLANS}) == len(PLANS)  # no two tests share a code


@compiled_only
def test_the_compiled_module_takes_most_cases() -> None:
    """The compiled plans are built from the same table: most ruleset cases get one (a test without
    any plan would leave its cases to the XPath, silently slower)."""
    taken = dict.fromkeys(TESTS, 0)
    for _version, name, case in _cases():
        plan = native_plan(name, case, (".",), TODAY, org_prefixes=frozenset({"GB-COH"}))
        taken[prefilter_of(name, case).test] += plan is not None
    assert all(taken[test] for test in ("exists", "none", "many", "unique", "no_spaces", "chars", "range",
                                        "date_order", "time_limit", "org_prefix", "strict_sum", "if_then"))


@compiled_only
def test_a_loop_and_its_sub_cases_are_planned_from_the_table() -> None:
    ruleset = rules.ruleset("2.03", "activity", rules.today_number(dt.datetime(2026, 11, 27, tzinfo=dt.UTC)))
    loops = [case for case in ruleset.cases if case.name == "loop"]
    assert loops and all(case.native is not None for case in loops)
