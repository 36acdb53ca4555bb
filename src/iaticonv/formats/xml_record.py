"""lxml ``iati-activity`` element → record (plain dict), without typed model nodes in between.

The typed path builds one model dataclass per XML element (:func:`.iati_xml_read.element_to_node`)
and then takes it apart again into the record that JSON and YAML hold (:func:`.record.node_to_record`).
On big files those two passes are most of the cost of XML → JSON. This module compiles, once per
model class and from the same metadata plans, a small Python function that goes from the element
straight to the record: the attribute names, field names and child tags are constants in its code,
so a typical element costs a handful of comparisons and one dict.

It must give exactly the record the typed path gives. So it handles only the common shapes itself —
known and unknown attributes, the element's text, children in XSD order, ``narrative`` children with
a plain ``xml:lang``, text-only children, unknown children and comments after the known ones — and
hands any element outside them (children out of XSD order, a known child after an unknown one, a
second copy of a 0..1 child) to the typed mapper for that element alone, whose record then stands in
its place. Scalars follow the typed rule: a date, date-time or plain decimal reads and prints back as
its own text, so only booleans, integers and decimals in exponent notation are converted.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ..model import Activity, Kind, Node, plan_for
from ..model._meta import XML_LANG, FieldPlan
from ..model._scalars import BOOL, DATE, DATETIME, DECIMAL, STR, Scalar, exact_parser
from .iati_xml_read import element_to_node, raw_xml
from .record import node_to_record
from .record_xml_cache import compiled

__all__ = ["CHILD_CODES", "Compiled", "compiled_converters", "compiled_source", "python_activity_record", "scalar_mode"]

Converter = Callable[[Any], "dict[str, Any] | None"]

# The kinds of child field, as the generated code branches on them.
CHILD_CODES = (_ONE, _MANY, _NARR, _TEXT_ONE, _TEXT_MANY) = tuple(range(5))


def _typed(element: Any, cls: type[Node], top: bool) -> dict[str, Any] | None:
    """The typed path's record of one element (None where the parent must keep it verbatim)."""
    node = element_to_node(element, cls, top=top)
    return None if node is None else node_to_record(node)


def _bool(raw: str) -> Any:
    return True if raw == "true" else False if raw == "false" else raw


def _record_scalar(scalar: Scalar) -> Callable[[str], Any] | None:
    """What the typed path writes in a record for the XML text ``raw`` of a ``scalar`` field.

    None means "the text itself": strings, and the scalars whose typed value always prints back as
    the text it was read from (a date, a date-time, a decimal: the typed reader keeps the raw text
    unless printing the value gives it back). A decimal in exponent notation goes through the typed
    rule anyway, so that an absurd exponent fails exactly as it does there.
    """
    if scalar is STR or scalar is DATE or scalar is DATETIME:
        return None
    if scalar is BOOL:
        return _bool
    if scalar is DECIMAL:
        return _decimal
    return functools.partial(_generic_scalar, scalar, exact_parser(scalar))


def _decimal(raw: str) -> Any:
    if "e" not in raw and "E" not in raw:
        return raw
    value = DECIMAL.parse(raw)
    return value if isinstance(value, str) else DECIMAL.format(value)


def _generic_scalar(scalar: Scalar, parse: Callable[[str], Any], raw: str) -> Any:
    value = parse(raw)
    if isinstance(value, str | bool | int) and not (scalar is DECIMAL and isinstance(value, int)):
        return value
    return scalar.format(value)


# How a scalar's text becomes its record value, as the compiled walk numbers the rules of _record_scalar.
_MODE_STR, _MODE_BOOL, _MODE_DECIMAL, _MODE_CALL = range(4)


def scalar_mode(scalar: Scalar) -> tuple[int, Callable[[str], Any] | None]:
    """The compiled walk's code for the record rule of ``scalar`` (:func:`_record_scalar`), with the
    rule itself for the cases the walk hands back to Python."""
    how = _record_scalar(scalar)
    if how is None:
        return _MODE_STR, None
    if how is _bool:
        return _MODE_BOOL, how
    if how is _decimal:
        return _MODE_DECIMAL, how
    return _MODE_CALL, how


class _Compiler:
    """Writes the source of one converter function per model class reachable from ``Activity``."""

    def __init__(self) -> None:
        self.names: dict[type[Node], str] = {}
        self.env: dict[str, Any] = {"_raw": raw_xml, "_typed": _typed, "_XML_LANG": XML_LANG}
        self.sources: list[tuple[str, str]] = []  # (function name, its source)
        self.tables: list[dict[str, tuple[int, int, str, Any]]] = []

    def name(self, cls: type[Node]) -> str:
        found = self.names.get(cls)
        if found is None:
            found = self.names[cls] = f"_to_{cls.__name__}_{len(self.names)}"
            self.env[f"_C_{found}"] = cls
            self.sources.append((found, self._function(cls, found, top=cls is Activity)))
        return found

    def constant(self, prefix: str, value: Any) -> str:
        """A name in the generated module's globals bound to ``value``."""
        key = f"_{prefix}{len(self.env)}"
        self.env[key] = value
        return key

    def _function(self, cls: type[Node], fname: str, *, top: bool) -> str:
        plan = plan_for(cls)
        typed = f"_typed(el, _C_{fname}, {top})"
        lines = [f"def {fname}(el):"]
        add = lines.append
        if plan.text is None and not top:
            add("    t = el.text")
            add("    if t is not None and not t.isspace():")
            add("        return None")
        add("    out = {}")
        self._attributes(plan.attrs, add)
        if plan.text is not None:
            add("    t = el.text")
            add("    if t is not None:")
            add(f"        out[{plan.text.name!r}] = {self._convert(plan.text, 't')}")
        if plan.children:
            self._children(plan.children, add, typed, top)
        else:
            add("    ex = None")
            add("    if len(el):")
            add("        ex = []")
            add("        for sub in el:")
            if not top:
                add("            t = sub.tail")
                add("            if t is not None and not t.isspace():")
                add("                return None")
            add("            ex.append(_raw(sub))")
        add("    if xa:")
        add("        out['extra_attrs'] = xa")
        add("    if ex:")
        add("        out['extras'] = ex")
        add("    return out")
        return "\n".join(lines) + "\n"

    def _convert(self, field: FieldPlan, var: str) -> str:
        how = _record_scalar(field.scalar)
        return var if how is None else f"{self.constant('scalar', how)}({var})"

    def _attributes(self, attrs: tuple[FieldPlan, ...], add: Callable[[str], None]) -> None:
        add("    xa = None")
        if not attrs:
            add("    items = el.items()")
            add("    if items:")
            add("        xa = dict(items)")
            return
        slots = [f"a{i}" for i in range(len(attrs))]
        add(f"    {' = '.join(slots)} = None")
        add("    for k, v in el.items():")
        for i, field in enumerate(attrs):
            add(f"        {'if' if i == 0 else 'elif'} k == {field.xml!r}:")
            add(f"            a{i} = v")
        add("        else:")
        add("            if xa is None:")
        add("                xa = {}")
        add("            xa[k] = v")
        for i, field in enumerate(attrs):
            add(f"    if a{i} is not None:")
            add(f"        out[{field.name!r}] = {self._convert(field, f'a{i}')}")

    def _children(self, fields: tuple[FieldPlan, ...], add: Callable[[str], None], typed: str, top: bool) -> None:
        table: dict[str, tuple[int, int, str, Any]] = {}
        for field in fields:
            how: Any
            if field.kind is Kind.CHILD:
                assert field.cls is not None
                code, how = (_MANY if field.many else _ONE), self.name(field.cls)
            elif field.kind is Kind.NARRATIVES:
                code, how = _NARR, None
            else:
                code, how = (_TEXT_MANY if field.many else _TEXT_ONE), _record_scalar(field.scalar)
            table[field.xml] = (field.index, code, field.name, how)
        codes = {code for _, code, _, _ in table.values()}
        tags = self.constant("tags", table)
        self.tables.append(table)
        add("    ex = None")
        add("    last = -1")
        add("    for sub in el:")
        if not top:
            add("        t = sub.tail")
            add("        if t is not None and not t.isspace():")
            add("            return None")
        add(f"        e = {tags}.get(sub.tag)")
        add("        if e is None:")
        add("            if ex is None:")
        add("                ex = []")
        add("            ex.append(_raw(sub))")
        add("            continue")
        add("        if ex is not None:")
        add(f"            return {typed}")
        add("        i, code, name, how = e")
        add("        if i < last:")
        add(f"            return {typed}")
        first = True
        for code in (_MANY, _NARR, _ONE, _TEXT_ONE, _TEXT_MANY):
            if code not in codes:
                continue
            add(f"        {'if' if first else 'elif'} code == {code}:")
            first = False
            for line in self._child_case(code, typed):
                add("            " + line)
        add("        last = i")

    @staticmethod
    def _child_case(code: int, typed: str) -> list[str]:
        keep = ["ex = [_raw(sub)]", "continue"]
        if code == _MANY:
            return ["v = how(sub)", "if v is None:", *(f"    {x}" for x in keep),
                    "if i == last:", "    out[name].append(v)", "else:", "    out[name] = [v]"]
        if code == _ONE:
            return ["if i == last:", f"    return {typed}", "v = how(sub)", "if v is None:",
                    *(f"    {x}" for x in keep), "out[name] = v"]
        if code == _NARR:
            return ["if len(sub):", *(f"    {x}" for x in keep),
                    "its = sub.items()",
                    "if not its:", "    lang = ''",
                    "elif len(its) == 1 and its[0][0] == _XML_LANG and its[0][1]:", "    lang = its[0][1]",
                    "else:", *(f"    {x}" for x in keep),
                    "if i == last:", "    nd = out[name]", "    if lang in nd:", *(f"        {x}" for x in keep),
                    "    nd[lang] = sub.text or ''",
                    "else:", "    out[name] = {lang: sub.text or ''}"]
        value = "(sub.text or '') if how is None else how(sub.text or '')"
        if code == _TEXT_ONE:
            return ["if len(sub) or sub.items():", *(f"    {x}" for x in keep),
                    "if i == last:", f"    return {typed}", f"out[name] = {value}"]
        return ["if len(sub) or sub.items():", *(f"    {x}" for x in keep),
                "if i == last:", f"    out[name].append({value})", "else:", f"    out[name] = [{value}]"]


class Compiled:
    """The generated converters: the top one, every class's, and their source."""

    def __init__(self) -> None:
        compiler = _Compiler()
        top = compiler.name(Activity)
        self.source = "\n".join(source for _, source in compiler.sources)
        env = compiler.env
        for function_code in compiled(compiler.sources, "<iaticonv.formats.xml_record>").values():  # cached like .pyc
            exec(function_code, env)
        for table in compiler.tables:  # child converters by function, now that they all exist
            for tag, (index, code, name, how) in table.items():
                if code in (_ONE, _MANY):
                    table[tag] = (index, code, name, env[how])
        self.top: Converter = env[top]
        self.by_class: dict[type[Node], Converter] = {cls: env[name] for cls, name in compiler.names.items()}


@functools.cache
def compiled_converters() -> Compiled:
    """The generated converters, compiled once per process (their code cached on disk)."""
    return Compiled()


def compiled_source() -> str:
    """The generated Python source (for reading and debugging)."""
    return compiled_converters().source


def python_activity_record(element: Any) -> dict[str, Any]:
    """The record of one ``iati-activity`` element by the generated Python converters: what
    ``node_to_record(element_to_node(...))`` gives (:func:`.xml_record_native.activity_record` uses
    the compiled walk where it is built; this is also the reference it is tested against)."""
    record = compiled_converters().top(element)
    assert record is not None  # the activity itself is never kept verbatim
    return record
