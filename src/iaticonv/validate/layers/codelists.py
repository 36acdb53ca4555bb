"""Layer 3: codelist values, by the official codelist rules (``validator/2.0x/rule_mapping.xml``).

Each mapping says: the value at this path must be a code of this codelist, optionally only under a
vocabulary (``@vocabulary = '1' or not(@vocabulary)``, or the parent's ``../@vocabulary``). The
official semantics are kept: allowed codes are all codes of the list, withdrawn ones included (iaticonv
reports those separately as 2002.1.1 warnings); a value under a vocabulary that has no mapping
(sector 99, policy-marker 99…) is not checked at all.

The mappings are compiled once per version into a trie of element names below the record, so one
walk over a record visits only the branches some mapping can match.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from lxml import etree

from ..._kinds import KINDS, ORGANISATION, by_record
from ..._speedups import compiled
from ..._xml import parse_file
from ...standard.codelists import load_code_sets
from ...standard.store import require_store
from ..context import Chunk, Hit, RecordContext

__all__ = ["CodelistRule", "check_chunk", "check_root", "compiled_module", "compiled_walk_available", "load_rules",
           "record_hits"]

_CONDITION = re.compile(r"^(?P<parent>\.\./)?@vocabulary = '(?P<vocab>[^']+)'(?P<default> or not\(@vocabulary\))?$")


@dataclass(frozen=True, slots=True)
class CodelistRule:
    """One codelist rule: ``attribute`` (None: the element's text) must be in ``codes``."""

    rule_id: str
    attribute: str | None
    codelist: str
    codes: frozenset[str]
    withdrawn: dict[str, str]
    message: str
    vocabulary: str | None = None
    vocabulary_on_parent: bool = False
    is_default: bool = False
    current: frozenset[str] = frozenset()  # codes that are not withdrawn: no finding with or without 2002

    def __post_init__(self) -> None:
        object.__setattr__(self, "current", self.codes - self.withdrawn.keys())

    def applies(self, element: etree._Element) -> bool:
        if self.vocabulary is None:
            return True
        holder = element.getparent() if self.vocabulary_on_parent else element
        vocab = holder.get("vocabulary") if holder is not None else None
        if not vocab:
            return self.is_default
        return vocab == self.vocabulary


@dataclass(slots=True)
class Node:
    """A trie node: rules for the element at this path, and the child element names below it."""

    rules: list[CodelistRule] = field(default_factory=list)
    children: dict[str, Node] = field(default_factory=dict)


@dataclass(slots=True)
class CodelistRules:
    records: dict[str, Node]  # "activity" / "organisation" → trie rooted at the record element
    root: dict[str, list[CodelistRule]]  # root tag → rules on the root's attributes


def _split(path: str) -> tuple[str, list[str], str | None] | None:
    """``//iati-activity/sector/@code`` → ("iati-activity", ["sector"], "code")."""
    steps = path.lstrip("/").split("/")
    last = steps[-1]
    if last.startswith("@"):
        attribute: str | None = last[1:]
        steps = steps[:-1]
    elif last == "text()":
        attribute = None
        steps = steps[:-1]
    else:
        return None
    if not steps or ":" in (attribute or ""):
        return None  # //@xml:lang (9.95.1): the official rule never fires; iaticonv's 2004.1.1 does it
    return steps[0], steps[1:], attribute


@cache
def load_rules(version: str) -> CodelistRules:
    """Compile ``rule_mapping.xml`` of ``version`` into tries (cached per version)."""
    code_sets = load_code_sets(version)
    records: dict[str, Node] = {kind.name: Node() for kind in KINDS}
    root_rules: dict[str, list[CodelistRule]] = {kind.root_tag: [] for kind in KINDS}
    tree = parse_file(require_store() / "validator" / version / "rule_mapping.xml")
    for mapping in tree.getroot().iterfind("mapping"):
        split = _split((mapping.findtext("path") or "").strip())
        ref = mapping.find("codelist")
        if split is None or ref is None:
            continue
        head, steps, attribute = split
        name = ref.get("ref", "")
        if name not in code_sets:
            continue
        condition = (mapping.findtext("condition") or "").strip()
        parsed = _CONDITION.match(condition) if condition else None
        codes, withdrawn = code_sets[name].codes, code_sets[name].withdrawn  # one set per list, shared
        for rule in mapping.iterfind("validation-rules/validation-rule"):
            entry = CodelistRule(
                rule_id=(rule.findtext("id") or "").strip(),
                attribute=attribute,
                codelist=name,
                codes=codes,
                withdrawn=withdrawn,
                message=(rule.findtext("message") or "").strip(),
                vocabulary=parsed["vocab"] if parsed else None,
                vocabulary_on_parent=bool(parsed and parsed["parent"]),
                is_default=bool(parsed and parsed["default"]),
            )
            record = by_record(head)
            if head == ORGANISATION.root_tag:
                continue  # 9.97.1: the official path never matches, so it never fires (0.6.1 covers it)
            if head in root_rules and not steps:
                root_rules[head].append(entry)
            elif record is not None:
                node = records[record.name]
                for step in steps:
                    node = node.children.setdefault(step, Node())
                node.rules.append(entry)
    return CodelistRules(records=records, root=root_rules)


def _hits_for(rule: CodelistRule, element: etree._Element, value: str, attr: str | None, extra: bool) -> Iterator[Hit]:
    if value not in rule.codes:
        vocab = element.get("vocabulary") if rule.vocabulary and not rule.vocabulary_on_parent else None
        yield Hit(
            rule_id=rule.rule_id, node=element, attribute=attr, value=value,
            params={"codelist": rule.codelist, "rule_message": rule.message,
                    "vocab": f" (vocabulary {vocab or rule.vocabulary})" if rule.vocabulary else ""},
        )
    elif extra and value in rule.withdrawn:
        since = rule.withdrawn[value]
        yield Hit(
            rule_id="2002.1.1", node=element, attribute=attr, value=value,
            params={"codelist": rule.codelist, "since": f" (withdrawn {since})" if since else ""},
        )


def _check(element: etree._Element, rules: list[CodelistRule], extra: bool, out: list[Hit]) -> None:
    for rule in rules:
        attribute = rule.attribute
        value = element.get(attribute) if attribute is not None else (element.text or "").strip()
        if value is None:
            continue
        if value in (rule.current if extra else rule.codes):
            continue  # the common case, decided before the vocabulary condition is read
        if rule.applies(element):
            out.extend(_hits_for(rule, element, value, attribute, extra))


def _walk(element: etree._Element, node: Node, extra: bool, out: list[Hit]) -> None:
    """The trie walk, with the common case (a valid code) decided inline: one Python call per mapped
    branch instead of one per mapped element."""
    children = node.children
    for child in element:
        sub = children.get(child.tag)  # a comment's tag is a function: no match
        if sub is None:
            continue  # comments, foreign elements, and branches no mapping reaches
        for rule in sub.rules:
            attribute = rule.attribute
            value = child.get(attribute) if attribute is not None else (child.text or "").strip()
            if value is None or value in (rule.current if extra else rule.codes):
                continue
            if rule.applies(child):
                out.extend(_hits_for(rule, child, value, attribute, extra))
        if sub.children:
            _walk(child, sub, extra, out)


def _native_trie(node: Node, native: Any) -> Any:
    trie = native.TrieNode([(rule.attribute, rule, rule.codes, rule.current) for rule in node.rules])
    trie.set_children([(name, _native_trie(child, native)) for name, child in node.children.items()])
    return trie


# record element, extra → (rule, element, value) for each value that is not an allowed code
NativeWalk = Callable[[etree._Element, bool], list[tuple[CodelistRule, Any, str]]]


@cache
def compiled_module() -> Any:
    """The compiled walk's module (``_codelists_native``) when it is built for this lxml and not turned
    off with ``IATICONV_PURE_PYTHON``; else None."""
    return compiled("validate.layers._codelists_native")


def compiled_walk_available() -> bool:
    return compiled_module() is not None


@cache
def _native_walk(version: str, kind: str) -> NativeWalk | None:
    """The compiled trie walk for ``version`` and record ``kind``, or None (see ``compiled_module``)."""
    native = compiled_module()
    if native is None:
        return None
    walk: NativeWalk = functools.partial(native.record_misses, _native_trie(load_rules(version).records[kind], native))
    return walk


def record_hits(record: etree._Element, version: str, kind: str, extra: bool, *, compiled: bool = True) -> list[Hit]:
    """The codelist findings of one record, in document order.

    A walk down the trie beats one XPath per rule over a chunk: it visits each mapped element once,
    where the XPaths would each scan every record's children again. It tests the code before the
    vocabulary condition, since nearly every value is a valid code; where the compiled walk is built,
    only the values that are not allowed codes come back to Python for that (``compiled=False``
    walks in Python: the reference the compiled walk is tested against).
    """
    out: list[Hit] = []
    native = _native_walk(version, kind) if compiled else None
    if native is not None:
        for rule, element, value in native(record, extra):
            if rule.applies(element):
                out.extend(_hits_for(rule, element, value, rule.attribute, extra))
        return out
    node = load_rules(version).records[kind]
    _check(record, node.rules, extra, out)
    _walk(record, node, extra, out)
    return out


def check_chunk(chunk: Chunk) -> Iterator[tuple[RecordContext, Hit]]:
    """Codelist findings of each record of the chunk, in document order."""
    extra = chunk.options.extra
    for record in chunk.records:
        for hit in record_hits(record.element, chunk.version, chunk.kind, extra):
            yield record, hit


def check_root(root: etree._Element, version: str, extra: bool) -> Iterator[Hit]:
    """Codelist findings on the root element's attributes (9.1.1 version number)."""
    out: list[Hit] = []
    _check(root, load_rules(version).root.get(str(root.tag), []), extra, out)
    yield from out
