"""The compiled json → XML writer, when it is built: plans for it from the generated writers.

:mod:`._record_xml_native` (optional, see setup.py) does in C what the generated writers of
:mod:`.record_xml_gen` do for pre-escaped records. It needs, per generated writer, the same facts the
generator used (attribute names and how their values become text, the children in XSD order, the
indentation) and the generated writer itself to fall back on. This module builds those plans from
the model's metadata plans and the generator's own writers, once per process.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .._speedups import compiled
from ..model import STR, Kind, Node, Scalar, plan_for
from ..model._meta import XML_NS
from .iati_xml_write import NamespaceContext
from .record_xml import BASE_KEYS, ESCAPED, Decline, as_text, base_keys, non_string
from .record_xml_gen import RecordWriter, all_writers

__all__ = ["NativeWriter", "native_writer"]

# writer(record, ns, q) → the activity's XML as UTF-8 (raises where the generated writer declines)
NativeWriter = Callable[[Any, NamespaceContext, bool], bytes]

_CHILD_ONE, _CHILD_MANY, _CHILD_NARR, _CHILD_TEXT_ONE, _CHILD_TEXT_MANY = range(5)

_Key = tuple[type[Node], str, int, bool]


def _pad(depth: int) -> str:
    return "\n" + "  " * depth


def _convert(scalar: Scalar) -> Callable[[Any], str] | None:
    """How a non-string value of a ``scalar`` field becomes text (None: strings only)."""
    return None if scalar is STR else non_string(scalar)


def _attribute_head(xml: str) -> str | None:
    """``' name="'`` for a plain or ``xml:`` attribute; None for another namespace (the generated
    writer names those through the namespace context)."""
    if xml[0] != "{":
        return f' {xml}="'
    if xml.startswith(f"{{{XML_NS}}}"):
        return f' xml:{xml.partition("}")[2]}="'
    return None


def _plans(writers: dict[_Key, RecordWriter], native: Any, top: _Key) -> Any:
    plans: dict[_Key, Any] = {}
    for key, writer in writers.items():
        cls, tag, depth, padded = key
        plan = plan_for(cls)
        pad = "" if plan.text is not None else _pad(depth + 1)
        plans[key] = native.WriterPlan(
            writer, base_keys, frozenset(plan.by_name) | frozenset(BASE_KEYS), as_text, Decline,
            (_pad(depth) if padded else "") + "<" + tag, (pad and _pad(depth)) + "</" + tag + ">", pad,
            [(f.name, _attribute_head(f.xml), _convert(f.scalar)) for f in plan.attrs],
            None if plan.text is None else (plan.text.name, _convert(plan.text.scalar)))
    for key, native_plan in plans.items():
        cls, _tag, depth, _padded = key
        plan = plan_for(cls)
        pad = "" if plan.text is not None else _pad(depth + 1)
        children = []
        for f in plan.children:
            if f.kind is Kind.CHILD:
                assert f.cls is not None
                child_key = (f.cls, f.xml, depth + 1, bool(pad))
                children.append((f.name, _CHILD_MANY if f.many else _CHILD_ONE, plans[child_key], "", ""))
            elif f.kind is Kind.NARRATIVES:
                children.append((f.name, _CHILD_NARR, None, f"{pad}<narrative", ""))
            else:
                children.append((f.name, _CHILD_TEXT_MANY if f.many else _CHILD_TEXT_ONE, _convert(f.scalar),
                                 f"{pad}<{f.xml}>", f"</{f.xml}>"))
        if children:
            native_plan.set_children(children)
    return plans[top]


@functools.cache
def native_writer(cls: type[Node], tag: str, depth: int) -> NativeWriter | None:
    """The compiled writer of pre-escaped ``cls`` records as ``tag`` at ``depth`` (its indentation
    first), or None when the extension is not built or ``IATICONV_PURE_PYTHON`` turns it off."""
    native = compiled("formats._record_xml_native")
    if native is None:
        return None
    plan = _plans(all_writers(cls, tag, depth, ESCAPED), native, (cls, tag, depth, True))
    writer: NativeWriter = functools.partial(native.write_activity, plan)
    return writer
