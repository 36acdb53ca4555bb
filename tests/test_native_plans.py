"""The compiled walks read the one mapping: their codes, rules and field kinds come from it (issue 3).

Both walks interpret plans built from the model's metadata. What crosses the Python/C boundary is
checked here: the scalar rules' codes (``ValueRule``, a ``cpdef enum`` declared once in the walk and
read by Python), the shortcuts the walk takes against the typed rule they stand for, the field kinds
(the model's own ``Kind``, read by the C code), and the typed rule for non-string record values. And
no module generates code at run time (no ``exec``, ``compile`` of source, or ``marshal``).

The compiled modules are imported directly (``IATICONV_PURE_PYTHON`` only stops them being used), so
these checks run in both modes where the modules are built.
"""

from __future__ import annotations

import ast
import importlib
import re
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, compiled_off
from iaticonv.formats.iati_xml._record_xml_plans import value_text
from iaticonv.formats.iati_xml._xml_record_plans import value_rule
from iaticonv.model import BOOL, DECIMAL, INT, STR, Kind
from iaticonv.model._scalars import SCALARS


def _module(name: str) -> ModuleType:
    try:
        return importlib.import_module(f"iaticonv.formats.iati_xml.{name}")
    except ImportError:
        pytest.skip(compiled_off(f"formats.iati_xml.{name}"))


def test_every_value_rule_is_chosen_for_a_model_scalar() -> None:
    """Python picks each scalar's rule from the walk's own enum, and uses every member of it."""
    native = _module("_xml_record_native")
    chosen = {value_rule(native, scalar)[0] for scalar in SCALARS.values()}
    assert chosen == set(native.ValueRule)
    assert all(isinstance(rule, native.ValueRule) for rule in chosen)


DECIMAL_LIKE = st.text(alphabet="0123456789-.+ ", max_size=14)  # no exponent: the typed rule is cheap
REAL_LIKE = st.sampled_from(["true", "false", "TRUE", "1", "0", "", " 10 ", "2011-07-20", "2011-07-20Z",
                             "2011-07-20T10:00:00", "1.50", "-0", "007", "٣", "x"])


@settings(max_examples=500)
@given(raw=st.one_of(DECIMAL_LIKE, REAL_LIKE, st.text(max_size=12).filter(lambda t: "e" not in t.lower())))
def test_the_walks_shortcuts_give_the_typed_value(raw: str) -> None:
    """Where the walk does not call the typed rule, the typed rule would have given what it writes."""
    native = _module("_xml_record_native")
    rules = native.ValueRule
    for scalar in SCALARS.values():
        rule, typed = value_rule(native, scalar)
        if rule == rules.TYPED_RULE:
            continue
        expected: Any = raw
        if rule == rules.BOOLEAN:
            expected = {"true": True, "false": False}.get(raw, raw)
        value = typed(raw)
        assert value == expected and type(value) is type(expected), (scalar.name, raw)


def test_the_walks_take_field_kinds_from_the_model() -> None:
    """Each walk reads the model's ``Kind``: a field that is not a child is refused, not miscoded."""
    reader = _module("_xml_record_native")
    plan = reader.NativePlan(lambda element: None, lambda element: "", False)
    with pytest.raises(ValueError, match="not a child field"):
        plan.set_children([("x", 0, Kind.ATTR, False, "x", reader.ValueRule.TEXT_ITSELF, None)])
    writer = _module("_record_xml_native")
    plan = writer.WriterPlan(lambda *args: "", lambda item: None, "x", [], None)
    with pytest.raises(ValueError, match="not a child field"):
        plan.set_children([("x", Kind.TEXT, False, None, "x")])


def test_non_string_values_get_the_typed_text() -> None:
    assert value_text(DECIMAL, 10**30) == "1" + "0" * 30 and value_text(DECIMAL, -7) == "-7"
    assert value_text(BOOL, True) == "true" and value_text(INT, 2) == "2"
    for scalar, value in ((INT, True), (STR, 5), (BOOL, 1), (DECIMAL, [1])):
        with pytest.raises(Exception):  # noqa: B017 - the typed reader's own error, whatever it is
            value_text(scalar, value)
    for value in (1.5, float(2**64), 0.0):  # orjson's floats may be misread integers: the typed path decides
        with pytest.raises(ValueError, match="float"):
            value_text(DECIMAL, value)
    assert Decimal(value_text(DECIMAL, 2**70)) == 2**70


_EXEC_LIKE = {"exec", "eval", "compile"}


def test_no_code_is_generated_at_run_time() -> None:
    """No ``exec``/``eval``/``compile`` call and no ``marshal`` anywhere in the package."""
    offenders = []
    for path in sorted((ROOT / "src" / "iaticonv").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _EXEC_LIKE:
                offenders.append(f"{path.name}:{node.lineno} {node.func.id}()")
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [alias.name for alias in node.names] + [getattr(node, "module", None) or ""]
                if "marshal" in names:
                    offenders.append(f"{path.name}:{node.lineno} marshal")
    for path in sorted((ROOT / "src" / "iaticonv").rglob("*.pyx")):
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.name}: {m.group()}" for m in re.finditer(r"(?<![.\w])(exec|eval|compile)\(|\bmarshal\b",
                                                                      text)]
    assert offenders == []

