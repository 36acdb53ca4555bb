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

from ..._kinds import ACTIVITY
from ..._xml import safe_parser
from ...errors import InputError
from ...model import BOOL, DECIMAL, EXTRA_KEY, INT, STR, FileHeader, Kind, Node, Scalar, exact_parser, plan_for

__all__ = ["header_from_record", "header_to_record", "node_from_record", "node_to_record", "record_value",
           "record_value_text"]

_BASE_KEYS = ("extra_attrs", "extras", "order")
_CHILD = Kind.CHILD
_NARRATIVES = Kind.NARRATIVES


def _scalar_out(scalar: Scalar, value: Any) -> Any:
    if isinstance(value, str | bool | int) and not (scalar is DECIMAL and isinstance(value, int)):
        return value
    return scalar.format(value)


def record_value(scalar: Scalar, raw: str) -> Any:
    """The record value of the XML text ``raw`` in a ``scalar`` field: what the typed path gives
    (the reader's parse, then :func:`node_to_record`). The compiled XML walk calls it for the values
    it does not shortcut (see :func:`..iati_xml.xml_record_native.value_rule`)."""
    value = exact_parser(scalar)(raw)
    return value if type(value) is str else _scalar_out(scalar, value)


def record_value_text(scalar: Scalar, value: Any) -> str:
    """The XML text written for a non-string record ``value`` of a ``scalar`` field: what the typed
    path writes (read as :func:`node_from_record` reads it, then printed). Raises where that read
    fails. The compiled record walk calls it for every value that is not a string."""
    return scalar.format(_scalar_in(scalar, value))


# How the hot loops below branch on a field, decided once per class: (name, code, scalar/class).
_ONE, _MANY, _NARR, _TEXTS, _TEXT = range(5)
_OUT_PLANS: dict[type[Node], tuple[tuple[str, int, Any], ...]] = {}


def _out_plan(cls: type[Node]) -> tuple[tuple[str, int, Any], ...]:
    steps: list[tuple[str, int, Any]] = []
    for fplan in plan_for(cls).fields:
        if fplan.kind is Kind.CHILD:
            steps.append((fplan.name, _MANY if fplan.many else _ONE, fplan.cls))
        elif fplan.kind is Kind.NARRATIVES:
            steps.append((fplan.name, _NARR, None))
        else:
            steps.append((fplan.name, _TEXTS if fplan.many else _TEXT, fplan.scalar))
    _OUT_PLANS[cls] = result = tuple(steps)
    return result


def node_to_record(node: Node) -> dict[str, Any]:
    """The record (plain dict) of a model node.

    The writer's hot path: one pass over a per-class step table, strings (most values) passed
    through without a call, and the emptiness tests done on the value's truth rather than its type.
    """
    steps = _OUT_PLANS.get(type(node)) or _out_plan(type(node))
    out: dict[str, Any] = {}
    for name, code, how in steps:
        value = getattr(node, name)
        if value is None:
            continue
        if code == _TEXT:
            out[name] = value if type(value) is str else _scalar_out(how, value)
            continue
        if not value and isinstance(value, list | dict):
            continue
        if code == _MANY:
            out[name] = [node_to_record(v) for v in value]
        elif code == _ONE:
            out[name] = node_to_record(value)
        elif code == _NARR:
            out[name] = dict(value)
        else:
            out[name] = [v if type(v) is str else _scalar_out(how, v) for v in value]
    if node.extra_attrs:
        out["extra_attrs"] = dict(node.extra_attrs)
    if node.extras:
        out["extras"] = list(node.extras)
    if node.order is not None:
        out["order"] = list(node.order)
    return out


class _Bad(Exception):
    """A record error on its way up: each enclosing level adds its key or index to ``steps``, so the
    path (``activities[3].budgets[0].value``) is only spelled out when something is wrong."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.steps: list[tuple[bool, Any]] = []  # (is a list index, key or index), innermost first


def _scalar_in(scalar: Scalar, value: Any) -> Any:
    if type(value) is str:
        return exact_parser(scalar)(value)
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
    raise _Bad(f"expected {scalar.name} text, got {type(value).__name__} {value!r}")


def node_from_record(cls: type[Node], data: Any, where: str = "", file: str | None = None) -> Node:
    """Build a ``cls`` node from its record; InputError (with the field path) on anything wrong."""
    try:
        return _build(cls, data)
    except _Bad as bad:
        path: Any = where
        for is_index, step in reversed(bad.steps):
            path = f"{path}[{step}]" if is_index else f"{path}.{step}" if path else step
        raise InputError(bad.message, file=file, field=path if bad.steps else where or cls.__name__,
                         hint=bad.hint) from None


# Per class, what _build needs about each record key: (kind code, child class or scalar, many).
_IN_NODE, _IN_NARR, _IN_SCALAR = range(3)
_IN_PLANS: dict[type[Node], dict[str, tuple[int, Any, bool]]] = {}


def _in_plan(cls: type[Node]) -> dict[str, tuple[int, Any, bool]]:
    table: dict[str, tuple[int, Any, bool]] = {}
    for name, fplan in plan_for(cls).by_name.items():
        if fplan.kind is _CHILD:
            table[name] = (_IN_NODE, fplan.cls, fplan.many)
        elif fplan.kind is _NARRATIVES:
            table[name] = (_IN_NARR, None, False)
        else:
            table[name] = (_IN_SCALAR, fplan.scalar, fplan.many)
    _IN_PLANS[cls] = table
    return table


def _build(cls: type[Node], data: Any) -> Node:
    """The reader's hot path: no path strings are built unless an error (:class:`_Bad`) comes up."""
    if type(data) is not dict and not isinstance(data, dict):
        raise _Bad(f"expected an object, got {type(data).__name__}")
    table = _IN_PLANS.get(cls) or _in_plan(cls)
    node = cls()
    for key, value in data.items():
        try:
            entry = table.get(key)
            if entry is None:
                if key in _BASE_KEYS:
                    _base_in(node, key, value)
                    continue
                known = ", ".join(sorted([*table, *_BASE_KEYS]))
                raise _Bad(f"unknown field {key!r} for {cls.__name__}", f"known fields: {known}")
            if value is None:
                continue
            code, how, many = entry
            if code == _IN_SCALAR:
                if many:
                    value = _scalars_in(how, value)
                elif how is not STR or type(value) is not str:
                    value = _scalar_in(how, value)
            elif code == _IN_NODE:
                value = _nodes_in(how, value) if many else _build(how, value)
            else:
                if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                    raise _Bad("narratives must be an object of language → text")
                value = {str(k): v for k, v in value.items()}
            setattr(node, key, value)
        except _Bad as bad:
            bad.steps.append((False, key))
            raise
    return node


def _nodes_in(cls: type[Node], value: Any) -> list[Node]:
    items = _as_list(value)
    built: list[Node] = []
    try:
        for item in items:
            built.append(_build(cls, item))
    except _Bad as bad:
        bad.steps.append((True, len(built)))  # the index of the item that failed
        raise
    return built


def _scalars_in(scalar: Scalar, value: Any) -> list[Any]:
    items = _as_list(value)
    parsed: list[Any] = []
    try:
        for item in items:
            parsed.append(item if scalar is STR and type(item) is str else _scalar_in(scalar, item))
    except _Bad as bad:
        bad.steps.append((True, len(parsed)))
        raise
    return parsed


def _as_list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise _Bad(f"expected a list, got {type(value).__name__}")
    return value


def _base_in(node: Node, key: str, value: Any) -> None:
    if key == "extra_attrs":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise _Bad("extra_attrs must map attribute names to text")
        node.extra_attrs = {str(k): v for k, v in value.items()}
    elif key == "extras":
        items = _as_list(value)
        for i, item in enumerate(items):
            try:
                _check_verbatim(item)
            except _Bad as bad:
                bad.steps.append((True, i))
                raise
        node.extras = list(items)
    else:
        items = _as_list(value)
        plan = plan_for(type(node))
        for i, item in enumerate(items):
            if item != EXTRA_KEY and (not isinstance(item, str) or plan.by_name.get(item) is None):
                wrong = _Bad(f"order entries are field names or '+', not {item!r}")
                wrong.steps.append((True, i))
                raise wrong
        node.order = list(items)


def _check_verbatim(item: Any, parser: etree.XMLParser | None = None) -> None:
    """Verbatim XML must be one well-formed node, or it would corrupt the file it is written into.

    ``parser`` (safe options, see :func:`safe_parser`) may be one the caller reuses: a fresh one per
    item costs as much as the parse."""
    if not isinstance(item, str):
        raise _Bad("verbatim XML must be text")
    if item.startswith("<!--"):
        if not item.endswith("-->") or "--" in item[4:-3]:
            raise _Bad("not a well-formed XML comment")
        return
    if item.startswith("<?"):
        if not item.endswith("?>"):
            raise _Bad("not a well-formed processing instruction")
        return
    try:
        etree.fromstring(item.encode("utf-8"), parser=parser or safe_parser())
    except etree.XMLSyntaxError as exc:
        raise _Bad(f"verbatim XML is not well-formed: {exc.msg}") from None


def _fail(where: str, message: str, file: str | None) -> InputError:
    return InputError(message, file=file, field=where)


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


_HEADER = ACTIVITY.root_tag  # where a header's fields are, for messages


def header_from_record(data: Any, file: str | None = None) -> FileHeader:
    """A file header from its record."""
    if not isinstance(data, dict):
        raise _fail(_HEADER, "the header must be an object", file)
    unknown = set(data) - {"version", "generated_datetime", "linked_data_default", "extra_attrs", "nsmap"}
    if unknown:
        raise _fail(_HEADER, f"unknown header field(s): {', '.join(sorted(unknown))}", file)
    for key in ("extra_attrs", "nsmap"):
        mapping = data.get(key, {})
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            raise _fail(f"{_HEADER}.{key}", "must map names to text", file)
    for key in ("version", "generated_datetime", "linked_data_default"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise _fail(f"{_HEADER}.{key}", "must be text", file)
    return FileHeader(
        version=data.get("version"),
        generated_datetime=data.get("generated_datetime"),
        linked_data_default=data.get("linked_data_default"),
        extra_attrs=dict(data.get("extra_attrs", {})),
        nsmap=dict(data.get("nsmap", {})),
    )
