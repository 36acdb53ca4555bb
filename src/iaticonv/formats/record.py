"""Model ⇄ plain data (dicts, lists, str, bool, int): the canonical record behind JSON and YAML.

Keys are the Python field names; empty fields are left out. Decimals, dates and date-times are
written as their exact text (JSON numbers would round money), booleans and integers natively. A
value read back goes through the same parse rule as XML text, so ``record → model → record`` is the
identity and a non-canonical lexical form ("2011-07-20Z") survives as the same string.

Reading a record is strict: an unknown key, a wrong type, or verbatim XML that is not well-formed
is an :class:`InputError` naming the path of the offending field (``activities[3].budgets[0].value``).
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from .._xml import safe_parser
from ..errors import InputError
from ..model import BOOL, DECIMAL, INT, FileHeader, Kind, Node, Scalar, plan_for
from ..model._meta import EXTRA_KEY

__all__ = ["header_from_record", "header_to_record", "node_from_record", "node_to_record"]

_BASE_KEYS = ("extra_attrs", "extras", "order")


def _scalar_out(scalar: Scalar, value: Any) -> Any:
    if isinstance(value, str | bool | int) and not (scalar is DECIMAL and isinstance(value, int)):
        return value
    return scalar.format(value)


def node_to_record(node: Node) -> dict[str, Any]:
    """The record (plain dict) of a model node."""
    plan = plan_for(type(node))
    out: dict[str, Any] = {}
    for fplan in plan.fields:
        value = getattr(node, fplan.name)
        if value is None or (not value and isinstance(value, list | dict)):
            continue
        kind = fplan.kind
        if kind is Kind.CHILD:
            out[fplan.name] = [node_to_record(v) for v in value] if fplan.many else node_to_record(value)
        elif kind is Kind.NARRATIVES:
            out[fplan.name] = dict(value)
        elif fplan.many:
            out[fplan.name] = [_scalar_out(fplan.scalar, v) for v in value]
        else:
            out[fplan.name] = _scalar_out(fplan.scalar, value)
    if node.extra_attrs:
        out["extra_attrs"] = dict(node.extra_attrs)
    if node.extras:
        out["extras"] = list(node.extras)
    if node.order is not None:
        out["order"] = list(node.order)
    return out


def _fail(where: str, message: str, file: str | None) -> InputError:
    return InputError(message, file=file, field=where)


def _scalar_in(scalar: Scalar, value: Any, where: str, file: str | None) -> Any:
    if isinstance(value, str):
        return scalar.parse(value)
    if scalar.accepts(value) and scalar is not DECIMAL and scalar is not INT:
        return value  # a date/datetime/bool a YAML loader already typed
    if scalar is BOOL and isinstance(value, bool):
        return value
    if scalar is INT and isinstance(value, int) and not isinstance(value, bool):
        return value
    if scalar is DECIMAL and isinstance(value, int | float) and not isinstance(value, bool):
        return DECIMAL.parse(repr(value)) if isinstance(value, float) else DECIMAL.parse(str(value))
    raise _fail(where, f"expected {scalar.name} text, got {type(value).__name__} {value!r}", file)


def node_from_record(cls: type[Node], data: Any, where: str = "", file: str | None = None) -> Node:
    """Build a ``cls`` node from its record; InputError (with the field path) on anything wrong."""
    if not isinstance(data, dict):
        raise _fail(where or cls.__name__, f"expected an object, got {type(data).__name__}", file)
    plan = plan_for(cls)
    node = cls()
    for key, value in data.items():
        path = f"{where}.{key}" if where else key
        fplan = plan.by_name.get(key)
        if fplan is None:
            if key in _BASE_KEYS:
                _base_in(node, key, value, path, file)
                continue
            known = ", ".join(sorted([*plan.by_name, *_BASE_KEYS]))
            raise InputError(f"unknown field {key!r} for {cls.__name__}", file=file, field=path,
                             hint=f"known fields: {known}")
        if value is None:
            continue
        kind = fplan.kind
        if kind is Kind.CHILD:
            assert fplan.cls is not None
            if fplan.many:
                items = _as_list(value, path, file)
                value = [node_from_record(fplan.cls, v, f"{path}[{i}]", file) for i, v in enumerate(items)]
            else:
                value = node_from_record(fplan.cls, value, path, file)
        elif kind is Kind.NARRATIVES:
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise _fail(path, "narratives must be an object of language → text", file)
            value = {str(k): v for k, v in value.items()}
        elif fplan.many:
            value = [_scalar_in(fplan.scalar, v, f"{path}[{i}]", file)
                     for i, v in enumerate(_as_list(value, path, file))]
        else:
            value = _scalar_in(fplan.scalar, value, path, file)
        setattr(node, fplan.name, value)
    return node


def _as_list(value: Any, path: str, file: str | None) -> list[Any]:
    if not isinstance(value, list):
        raise _fail(path, f"expected a list, got {type(value).__name__}", file)
    return value


def _base_in(node: Node, key: str, value: Any, path: str, file: str | None) -> None:
    if key == "extra_attrs":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise _fail(path, "extra_attrs must map attribute names to text", file)
        node.extra_attrs = {str(k): v for k, v in value.items()}
    elif key == "extras":
        items = _as_list(value, path, file)
        for i, item in enumerate(items):
            _check_verbatim(item, f"{path}[{i}]", file)
        node.extras = list(items)
    else:
        items = _as_list(value, path, file)
        plan = plan_for(type(node))
        for i, item in enumerate(items):
            if item != EXTRA_KEY and (not isinstance(item, str) or plan.by_name.get(item) is None):
                raise _fail(f"{path}[{i}]", f"order entries are field names or '+', not {item!r}", file)
        node.order = list(items)


def _check_verbatim(item: Any, path: str, file: str | None) -> None:
    """Verbatim XML must be one well-formed node, or it would corrupt the file it is written into."""
    if not isinstance(item, str):
        raise _fail(path, "verbatim XML must be text", file)
    if item.startswith("<!--"):
        if not item.endswith("-->") or "--" in item[4:-3]:
            raise _fail(path, "not a well-formed XML comment", file)
        return
    if item.startswith("<?"):
        if not item.endswith("?>"):
            raise _fail(path, "not a well-formed processing instruction", file)
        return
    try:
        etree.fromstring(item.encode("utf-8"), parser=safe_parser())
    except etree.XMLSyntaxError as exc:
        raise _fail(path, f"verbatim XML is not well-formed: {exc.msg}", file) from None


def header_to_record(header: FileHeader) -> dict[str, Any]:
    """The record of a file header (empty values left out)."""
    out: dict[str, Any] = {}
    for key in ("version", "generated_datetime", "linked_data_default"):
        value = getattr(header, key)
        if value is not None:
            out[key] = value
    if header.extra_attrs:
        out["extra_attrs"] = dict(header.extra_attrs)
    if header.nsmap:
        out["nsmap"] = dict(header.nsmap)
    return out


def header_from_record(data: Any, file: str | None = None) -> FileHeader:
    """A file header from its record."""
    if not isinstance(data, dict):
        raise _fail("iati-activities", "the header must be an object", file)
    unknown = set(data) - {"version", "generated_datetime", "linked_data_default", "extra_attrs", "nsmap"}
    if unknown:
        raise _fail("iati-activities", f"unknown header field(s): {', '.join(sorted(unknown))}", file)
    for key in ("extra_attrs", "nsmap"):
        mapping = data.get(key, {})
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            raise _fail(f"iati-activities.{key}", "must map names to text", file)
    for key in ("version", "generated_datetime", "linked_data_default"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise _fail(f"iati-activities.{key}", "must be text", file)
    return FileHeader(
        version=data.get("version"),
        generated_datetime=data.get("generated_datetime"),
        linked_data_default=data.get("linked_data_default"),
        extra_attrs=dict(data.get("extra_attrs", {})),
        nsmap=dict(data.get("nsmap", {})),
    )
