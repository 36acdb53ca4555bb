"""Compiled record → XML writers, generated from the model metadata (see :mod:`.record_xml`).

The typed path builds one dataclass per element (:func:`.record.node_from_record`) and then walks
it to write text (:mod:`.iati_xml_write`), both driven by :func:`~iaticonv.model.plan_for`. Here the
same plans generate, once per process and escaping variant, one Python function per element class,
tag and depth, which goes from the record dict straight to text: it reads the typed fields in XSD
order with the indentation, names and escaping tests spelled out as constants, so per element it
costs a few dictionary reads and one f-string instead of a dataclass, ``setattr`` calls and a walk.

Generated shape, for a record ``d`` (``out`` is the activity's list of text pieces)::

    def w7(d, out, ns, q):
        if type(d) is not dict: raise Decline
        n = len(d)                     # keys not yet accounted for
        v = d.get('code')              # each attribute: checked, escaped, kept as ' code="…"'
        if v is None: a0 = ''
        else: n -= 1; …; a0 = f' code="{v}"'
        c0 = d.get('narratives')       # each child field, read now so ``n`` is complete
        if c0 is not None: n -= 1
        if n: extra, ex, od = base_keys(d, …)    # extra_attrs, extras, order, or an unknown key
        …                              # start tag, children in XSD order (or the order hint), end tag

Counting the keys read spares a set comparison of every record's keys (the dearest single step).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..model import STR, FieldPlan, Kind, Node, Scalar, plan_for
from ..model._meta import XML_NS
from .iati_xml_write import NamespaceContext
from .record_xml import BASE_KEYS, Decline, Variant, as_text, base_keys, non_string, text_of
from .record_xml_cache import compiled
from .record_xml_order import write_in_order

__all__ = ["RecordWriter", "all_writers", "record_writer"]

# writer(record, out, ns, q): appends the element's text to ``out``; ``q``: the JSON text held a backslash
RecordWriter = Callable[[Any, list[str], NamespaceContext, bool], None]


def _pad(depth: int) -> str:
    return "\n" + "  " * depth


def _fstring(*parts: str) -> str:
    """An f-string literal: plain text parts, and ``{name}`` parts (written as such) for variables."""
    template = "".join(part if part.startswith("{") and part.endswith("}") and part[1:-1].isidentifier()
                       else part.replace("{", "{{").replace("}", "}}") for part in parts)
    return "f" + repr(template)


def _child_class(fplan: FieldPlan) -> type[Node]:
    assert fplan.cls is not None
    return fplan.cls


class _Compiler:
    """Generates the functions of one variant; each (class, tag, depth, padded) once."""

    def __init__(self, variant: Variant) -> None:
        self.variant = variant
        self.names: dict[tuple[type[Node], str, int, bool], str] = {}
        self.sources: list[tuple[str, str]] = []  # (name, source) per function
        self.env: dict[str, Any] = {"Decline": Decline, "write_in_order": write_in_order, "base_keys": base_keys,
                                    "AT": variant.attr_table, "TT": variant.text_table, "as_text": as_text}
        self._constants: dict[Any, str] = {}
        self.specs: list[tuple[str, frozenset[str], list[tuple[Any, ...]]]] = []
        self.namespace: dict[str, Any] = {}
        self.top: RecordWriter | None = None

    def constant(self, value: Any) -> str:
        """A name in the generated module's globals bound to ``value``."""
        key = (type(value), value) if isinstance(value, str | frozenset) else id(value)
        name = self._constants.get(key)
        if name is None:
            name = self._constants[key] = f"K{len(self._constants)}"
            self.env[name] = value
        return name

    def _value(self, var: str, scalar: Scalar, attr: bool, indent: str) -> list[str]:
        """Check ``var`` (not None) and make it the escaped text the writer would write."""
        if not self.variant.escaped:
            specials = self.variant.attr_specials if attr else self.variant.text_specials
            test = " or ".join(f"{char!r} in {var}" for char in specials)
            escape = f"if {test}: {var} = {var}.translate({'AT' if attr else 'TT'})"
        elif attr:
            escape = ""  # pre_escape did it
        else:
            escape = f"if q and ('&#' in {var} or '&quot;' in {var}): {var} = as_text({var})"
        if scalar is STR:
            return [f"{indent}if type({var}) is not str: raise Decline"] + ([f"{indent}{escape}"] if escape else [])
        # a number or a boolean prints no character that needs escaping
        return [f"{indent}if type({var}) is str:", f"{indent}    {escape or 'pass'}",
                f"{indent}else: {var} = {self.constant(non_string(scalar))}({var})"]

    def function(self, cls: type[Node], tag: str, depth: int, padded: bool) -> str:
        """The name of the function writing a ``cls`` record as element ``tag`` at ``depth``."""
        key = (cls, tag, depth, padded)
        name = self.names.get(key)
        if name is None:
            name = self.names[key] = f"w{len(self.names)}"
            self.sources.append((name, "\n".join(self._generate(name, cls, tag, depth, padded))))
        return name

    def _generate(self, name: str, cls: type[Node], tag: str, depth: int, padded: bool) -> list[str]:
        plan = plan_for(cls)
        lines = [f"def {name}(d, out, ns, q):", "    if type(d) is not dict: raise Decline", "    n = len(d)"]
        head = [(_pad(depth) if padded else "") + "<" + tag]
        namespaced = False
        for index, fplan in enumerate(plan.attrs):
            var = f"a{index}"
            lines += [f"    v = d.get({fplan.name!r})", f"    if v is None: {var} = ''", "    else:", "        n -= 1"]
            lines += self._value("v", fplan.scalar, True, "        ")
            if fplan.xml[0] != "{":
                lines.append(f"        {var} = {_fstring(' ' + fplan.xml + '=' + chr(34), '{v}', chr(34))}")
            elif fplan.xml.startswith(f"{{{XML_NS}}}"):
                qname = " xml:" + fplan.xml.partition("}")[2]
                lines.append(f"        {var} = {_fstring(qname + '=' + chr(34), '{v}', chr(34))}")
            else:  # a namespace the header may not declare: the writer's own naming
                namespaced = True
                value = _fstring(chr(61) + chr(34), "{v}", chr(34))
                lines.append(f"        {var} = ' ' + ns.attr_name({fplan.xml!r}, decls) + {value}")
            head.append("{" + var + "}")
        if namespaced:
            lines.insert(3, "    decls = []")
        if plan.text is not None:
            lines += [f"    t = d.get({plan.text.name!r})", "    if t is not None:", "        n -= 1"]
            lines += self._value("t", plan.text.scalar, False, "        ")
        for index, fplan in enumerate(plan.children):
            lines += [f"    c{index} = d.get({fplan.name!r})", f"    if c{index} is not None: n -= 1"]
        known = self.constant(frozenset(plan.by_name) | frozenset(BASE_KEYS))
        lines += ["    if n:",
                  f"        extra, ex, od = base_keys(d, {known}, ns, {'decls' if namespaced else '[]'}, "
                  f"{self.variant.escaped})",
                  "    else:",
                  "        extra = " + ("''.join(decls)" if namespaced else "''") + "; ex = od = None",
                  f"    h = {_fstring(*head, '{extra}')}"]
        pad = "" if plan.text is not None else _pad(depth + 1)
        close = (pad and _pad(depth)) + "</" + tag + ">"
        if plan.text is None and not plan.children:  # an element of attributes only (most often)
            lines += ["    if ex is None and od is None:", "        out.append(h + '/>')", "        return"]
        lines += ["    out.append(h)", "    i = len(out)"]
        if plan.text is not None:
            lines.append("    if t is not None: out.append(t)")
        lines.append("    if od is None:")
        lines += self._children(plan.children, depth + 1, pad)
        lines.append(f"        if ex: out.extend([{pad!r} + e for e in ex])" if pad else
                     "        if ex: out.extend(ex)")
        spec = self._order_spec(cls, depth + 1, pad)
        lines += ["    else:",
                  f"        write_in_order(d, od, ex, out, ns, q, {spec}, {pad!r}, Decline)",
                  "    if len(out) == i:",
                  "        out[i - 1] = h + '/>'",
                  "    else:",
                  "        out[i - 1] = h + '>'",
                  f"        out.append({close!r})",
                  ""]
        return lines

    def _children(self, fplans: tuple[FieldPlan, ...], depth: int, pad: str) -> list[str]:
        lines: list[str] = []
        for index, fplan in enumerate(fplans):
            var = f"c{index}"
            lines.append(f"        if {var} is not None:")
            if fplan.kind is Kind.CHILD:
                write = self.function(_child_class(fplan), fplan.xml, depth, bool(pad))
                if fplan.many:
                    lines += [f"            if type({var}) is not list: raise Decline",
                              f"            for x in {var}: {write}(x, out, ns, q)"]
                else:
                    lines.append(f"            {write}({var}, out, ns, q)")
            elif fplan.kind is Kind.NARRATIVES:
                lines += [f"            if type({var}) is not dict: raise Decline",
                          f"            for k, s in {var}.items():"]
                lines += self._value("s", STR, False, "                ")
                lines += ["                if k:"]
                lines += self._value("k", STR, True, "                    ")
                with_lang = _fstring(pad + '<narrative xml:lang="', "{k}", '">', "{s}", "</narrative>")
                lines += [f"                    out.append({with_lang})",
                          "                else:",
                          f"                    out.append({_fstring(pad + '<narrative>', '{s}', '</narrative>')})"]
            else:
                if fplan.many:
                    lines += [f"            if type({var}) is not list: raise Decline", f"            for s in {var}:"]
                    indent = "                "
                else:
                    lines.append(f"            s = {var}")
                    indent = "            "
                lines += self._value("s", fplan.scalar, False, indent)
                lines.append(f"{indent}out.append({_fstring(f'{pad}<{fplan.xml}>', '{s}', f'</{fplan.xml}>')})")
        return lines

    def _order_spec(self, cls: type[Node], depth: int, pad: str) -> str:
        """The global name of what :func:`.record_xml_order.write_in_order` needs for ``cls``: the
        field names an ``order`` may hold, and per child field how to write one item. Bound in
        :meth:`build`, once the functions it names exist."""
        plan = plan_for(cls)
        children = []
        for fplan in plan.children:
            write = None
            if fplan.kind is Kind.CHILD:
                write = self.function(_child_class(fplan), fplan.xml, depth, bool(pad))
            children.append((fplan.name, fplan.kind, fplan.many, fplan.xml, text_of(fplan.scalar), write))
        name = f"S{len(self.specs)}"
        self.specs.append((name, frozenset(plan.by_name), children))
        return name

    def build(self, root: type[Node], tag: str, depth: int) -> RecordWriter:
        top = self.function(root, tag, depth, True)
        namespace = self.namespace = dict(self.env)
        for code in compiled(self.sources, f"<record_xml {self.variant.name}>").values():
            exec(code, namespace)
        for name, names, children in self.specs:
            namespace[name] = (names, tuple((*child[:5], namespace[child[5]] if child[5] else None)
                                            for child in children),
                               self.variant.escape_attr, self.variant.escape_text)
        writer: RecordWriter = namespace[top]
        return writer


    def writers(self) -> dict[tuple[type[Node], str, int, bool], RecordWriter]:
        """Every generated writer by (class, tag, depth, indented), once :meth:`build` has run."""
        return {key: self.namespace[name] for key, name in self.names.items()}


_WRITERS: dict[tuple[type[Node], str, int, Variant], _Compiler] = {}


def _compiler(cls: type[Node], tag: str, depth: int, variant: Variant) -> _Compiler:
    key = (cls, tag, depth, variant)
    compiler = _WRITERS.get(key)
    if compiler is None:
        compiler = _WRITERS[key] = _Compiler(variant)
        compiler.top = compiler.build(cls, tag, depth)
    return compiler


def record_writer(cls: type[Node], tag: str, depth: int, variant: Variant) -> RecordWriter:
    """The compiled writer of a ``cls`` record as element ``tag`` at ``depth`` (its indentation
    written first), escaping as ``variant`` says; called as ``writer(record, out, ns, q)``."""
    top = _compiler(cls, tag, depth, variant).top
    assert top is not None  # set by _compiler
    return top


def all_writers(cls: type[Node], tag: str, depth: int,
                variant: Variant) -> dict[tuple[type[Node], str, int, bool], RecordWriter]:
    """:func:`record_writer`'s writer and every writer it calls, by (class, tag, depth, indented):
    what the compiled walk (:mod:`.record_xml_native`) falls back on, element by element."""
    return _compiler(cls, tag, depth, variant).writers()

