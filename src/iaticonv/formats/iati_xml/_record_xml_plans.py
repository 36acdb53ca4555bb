"""Record → IATI XML: the compiled walk where it is built, driven by plans built from the model.

The mapping is defined once, by the typed path: the model's metadata plans (:func:`~iaticonv.model.plan_for`)
read by :func:`..records.record.node_from_record` and :func:`._typed_write.node_to_xml`. The fast path is
:mod:`._record_xml_native` (optional, see setup.py), a C walk over the parsed record that writes the
activity's XML. It interprets the plans this module builds from the same metadata (one per model class
and tag), hands any element it does not handle to the typed writer of that element, and any value it
would have to judge (a non-string scalar, a verbatim extra) to the typed rule. Where the walk is not
built (or ``IATICONV_PURE_PYTHON`` is set), :mod:`._direct_json_xml` takes the typed path.

Why a compiled walk over plans, and no generated Python: the walk is the only one of the two that
converts both ways at the speed wanted, and one fast path per direction is enough; plans need no
generated source, no ``exec`` and no cache.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from ..._kinds import ACTIVITY
from ..._speedups import compiled
from ..._xml import safe_parser
from ...model import XML_NS, Activity, Node, Scalar, plan_for
from ..records.record import _check_verbatim, node_from_record, record_value_text
from ._typed_write import NamespaceContext, node_to_xml

__all__ = ["NativeWriter", "native_writer", "typed_xml", "value_text"]

# writer(record, ns) → the activity's XML as UTF-8, newline and indentation first (raises where the
# typed path must decide)
NativeWriter = Callable[[Any, NamespaceContext], bytes]


def typed_xml(cls: type[Node], tag: str, record: Any, ns: NamespaceContext, depth: int) -> str:
    """The typed path's XML of one element: its record read, then written (InputError if it is wrong)."""
    out: list[str] = []
    node_to_xml(node_from_record(cls, record), tag, out, ns, depth)
    return "".join(out)


def value_text(scalar: Scalar, value: Any) -> str:
    """The text of a non-string record value, by the typed rule (:func:`..records.record.record_value_text`).

    A float raises: orjson, which parses the lines, reads an integer wider than 64 bits as a float
    where the standard parser of the typed path keeps the integer, so the typed path writes that record.
    """
    if type(value) is float:
        raise ValueError("a float: the typed path reads the record")
    return record_value_text(scalar, value)


_LOCAL = threading.local()  # one parser per thread for the verbatim checks (lxml parsers are not thread-safe)


def check_verbatim(item: str) -> None:
    """Raise where the typed reader refuses a verbatim extra (not one well-formed node). One parser is
    reused: a fresh one per item costs as much as the parse."""
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = _LOCAL.parser = safe_parser()
    _check_verbatim(item, parser)


def _attribute_head(xml: str) -> str | None:
    """``' name="'`` for a plain or ``xml:`` attribute; None for another namespace (the typed writer
    names those through the namespace context)."""
    if xml[0] != "{":
        return f' {xml}="'
    if xml.startswith(f"{{{XML_NS}}}"):
        return f' xml:{xml.partition("}")[2]}="'
    return None


def _plans(native: Any, root: type[Node], tag: str) -> Any:
    """One ``WriterPlan`` per (model class, tag) reachable from ``root``; the root's is returned."""
    plans: dict[tuple[type[Node], str], Any] = {}
    pending = [(root, tag)]
    while pending:
        cls, name = key = pending.pop()
        if key in plans:
            continue
        plan = plan_for(cls)
        text = None if plan.text is None else (plan.text.name, functools.partial(value_text, plan.text.scalar))
        attrs = [(f.name, _attribute_head(f.xml), functools.partial(value_text, f.scalar)) for f in plan.attrs]
        plans[key] = native.WriterPlan(functools.partial(typed_xml, cls, name), check_verbatim, name, attrs, text)
        pending.extend((f.cls, f.xml) for f in plan.children if f.cls is not None)
    for (cls, _), writer_plan in plans.items():
        children = [(f.name, f.kind, f.many,
                     plans[f.cls, f.xml] if f.cls is not None else functools.partial(value_text, f.scalar), f.xml)
                    for f in plan_for(cls).children]
        if children:
            writer_plan.set_children(children)
    return plans[root, tag]


@functools.cache
def native_writer() -> NativeWriter | None:
    """The compiled writer of activity records, or None when the extension is not built or
    ``IATICONV_PURE_PYTHON`` turns it off."""
    native = compiled("formats.iati_xml._record_xml_native")
    if native is None:
        return None
    writer: NativeWriter = functools.partial(native.write_activity, _plans(native, Activity, ACTIVITY.record_tag))
    return writer
