"""Layer 5: advisories (1000.0.*): links to activities that should exist somewhere.

The official validator asks the IATI Datastore over the network. iaticonv collects every link while
streaming (a few strings per link) and resolves them after the whole batch: an identifier is known
when any file of the run declares it, or when the pluggable ``ActivityLookup`` says so. No network.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from lxml import etree

from ..._kinds import KINDS
from ...standard.store import require_store
from .._locate import spot_findings, to_finding
from ..catalogue import Catalogue, load_catalogue
from ..context import ActivityLookup, Chunk, Hit, RecordContext, Spots
from ..findings import Finding
from .codelists import compiled_module

__all__ = ["Advisory", "Link", "collect_chunk", "load_advisories", "resolve"]


@dataclass(frozen=True, slots=True)
class Advisory:
    rule_id: str
    kind: str
    find: etree.XPath  # chunk-level: the linking attribute values
    attribute: str
    steps: tuple[bytes, ...] | None = None  # the plain child steps below the record, for the compiled walk


@dataclass(frozen=True, slots=True)
class Link:
    """One activity link, already located, waiting to be resolved at the end of the batch."""

    target: str
    finding: Finding


_PLAIN_STEP = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")  # an element name without prefix or predicate


@cache
def load_advisories(version: str) -> tuple[Advisory, ...]:
    path = require_store() / "validator" / version / "advisoryDefinitions.json"
    found: list[Advisory] = []
    for item in json.loads(path.read_text(encoding="utf-8")):
        xpath, attribute = str(item["advisoryXPath"]), str(item["attributeToTest"])
        for record in KINDS:
            prefix, kind, step = record.record_path + "/", record.name, record.record_tag
            if xpath.startswith(prefix):
                relative = xpath[len(prefix):]
                plain = all(_PLAIN_STEP.fullmatch(part) for part in relative.split("/"))
                found.append(Advisory(str(item["id"]), kind, etree.XPath(f"{step}/{relative}/@{attribute}"), attribute,
                                      tuple(part.encode() for part in relative.split("/")) if plain else None))
    return tuple(found)


def collect_chunk(chunk: Chunk) -> Iterator[Link]:
    """The links of the chunk's records, located now (the elements are gone when they are resolved):
    placed by the compiled walk where the advisory's path is plain, else found by its XPath."""
    catalogue = load_catalogue()
    native = compiled_module()
    for advisory in load_advisories(chunk.version):
        if advisory.kind != chunk.kind:
            continue
        if native is not None and advisory.steps is not None:
            steps, attribute = list(advisory.steps), advisory.attribute.encode()
            placed = [(ctx, native.attribute_spots(ctx.element, steps, attribute)) for ctx in chunk.records]
            if all(spots is not None for _ctx, spots in placed):
                for ctx, spots in placed:
                    yield from _spot_links(advisory, ctx, spots, catalogue)
                continue
        values = advisory.find(chunk.root)
        if not isinstance(values, list):
            continue
        for value in values:
            target = str(value).strip()
            node = getattr(value, "getparent", lambda: None)()
            record = chunk.record_of(node) if target and isinstance(node, etree._Element) else None
            if record is None:
                continue
            hit = Hit(rule_id=advisory.rule_id, node=node, attribute=advisory.attribute, value=target)
            yield Link(target, to_finding(hit, record, catalogue))


def _no_params(_value: str) -> dict[str, str]:
    return {}


def _spot_links(advisory: Advisory, record: RecordContext, spots: list[tuple[int | None, str, str]],
                catalogue: Catalogue) -> Iterator[Link]:
    places = [(line, path, value.strip()) for line, path, value in spots if value.strip()]
    if places:
        located = spot_findings(Spots(advisory.rule_id, advisory.attribute, places, _no_params), record, catalogue)
        yield from (Link(target, finding) for (_line, _path, target), finding in zip(places, located, strict=True))


def resolve(links: Iterable[Link], known: set[str], lookup: ActivityLookup | None) -> list[Finding]:
    """Findings for links whose target is neither in the files validated nor known to ``lookup``."""
    pending = [link for link in links if link.target not in known]
    if lookup is not None and pending:
        found = lookup.existing({link.target for link in pending})
        pending = [link for link in pending if link.target not in found]
    if lookup is None:
        return [link.finding for link in pending]
    catalogue, out = load_catalogue(), []
    for link in pending:
        params = {**link.finding.params, "where": " or by the lookup"}
        message = catalogue[link.finding.rule_id].render({"value": link.finding.value or "", **params})
        out.append(dataclasses.replace(link.finding, params=params, message=message))
    return out
