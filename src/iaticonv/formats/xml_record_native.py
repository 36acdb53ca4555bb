"""IATI XML → record through the compiled walk, when it is built: plans for it from the converters.

:mod:`._xml_record_native` (optional, see setup.py) does in C what the generated converters of
:mod:`.xml_record` do, and writes the record's JSON line straight away. It needs, per model class,
the facts the generator used (attribute names and how their text becomes a value, the child fields
in XSD order) and the generated converter itself to fall back on. This module builds those plans
once per process and offers the two entry points the direct paths use.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import orjson

from .._speedups import compiled
from ..model import Activity, Kind, plan_for
from .iati_xml_read import raw_xml
from .xml_record import CHILD_CODES, Compiled, compiled_converters, python_activity_record, scalar_mode

__all__ = ["activity_json", "activity_record", "native_available"]


def _split_name(xml: str) -> tuple[str | None, str]:
    """``{ns}local`` → (ns, local); a plain name → (None, name)."""
    if xml.startswith("{"):
        ns, _, local = xml[1:].partition("}")
        return ns, local
    return None, xml


def _native_plans(converters: Compiled, native: Any) -> Any:
    """One ``NativePlan`` per model class, linked like the classes, each with its Python converter
    as the fallback; the plan of ``Activity`` is returned. None when a child tag is namespaced (the
    native walk matches un-namespaced child tags only): the Python converters then do everything."""
    one, many, narratives, text_one, text_many = CHILD_CODES
    plans = {}
    for cls, converter in converters.by_class.items():
        plan = plan_for(cls)
        text = None if plan.text is None else (plan.text.name, *scalar_mode(plan.text.scalar))
        attrs = [(*_split_name(f.xml), f.name, *scalar_mode(f.scalar)) for f in plan.attrs]
        plans[cls] = native.NativePlan(converter, raw_xml, cls is Activity, text=text, attrs=attrs)
    for cls, native_plan in plans.items():
        children = []
        for field in plan_for(cls).children:
            if field.xml.startswith("{"):
                return None
            if field.kind is Kind.CHILD:
                assert field.cls is not None
                children.append((field.xml, field.index, many if field.many else one, field.name, 0, plans[field.cls]))
            elif field.kind is Kind.NARRATIVES:
                children.append((field.xml, field.index, narratives, field.name, 0, None))
            else:
                children.append((field.xml, field.index, text_many if field.many else text_one, field.name,
                                 *scalar_mode(field.scalar)))
        if children:
            native_plan.set_children(children)
    return plans[Activity]


@functools.cache
def _native_writer() -> Callable[[Any], bytes | None] | None:
    """The compiled walk that writes a record's JSON line from libxml2's nodes, when the extension is
    built for this lxml, and not turned off with ``IATICONV_PURE_PYTHON``; else None."""
    native = compiled("formats._xml_record_native")
    if native is None:
        return None
    plan = _native_plans(compiled_converters(), native)
    if plan is None:
        return None
    writer: Callable[[Any], bytes | None] = functools.partial(native.activity_json, plan)
    return writer


def native_available() -> bool:
    """Whether the compiled walk is in use (it is optional: see setup.py)."""
    return _native_writer() is not None


def activity_json(element: Any) -> bytes | None:
    """The record of one ``iati-activity`` element as one compact JSON line — the bytes orjson writes
    for :func:`activity_record`'s result — straight from the compiled walk. None when the walk is not
    built, or orjson refuses a value of this record: the caller then encodes the record itself."""
    writer = _native_writer()
    return None if writer is None else writer(element)


def activity_record(element: Any) -> dict[str, Any]:
    """The record of one ``iati-activity`` element: what ``node_to_record(element_to_node(...))`` gives."""
    line = activity_json(element)
    if line is not None:  # JSON holds every record value exactly (str, bool, int) and keeps key order
        record: dict[str, Any] = orjson.loads(line)
        return record
    return python_activity_record(element)
