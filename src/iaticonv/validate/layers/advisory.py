"""Layer 5: advisories (1000.0.*): links to activities that should exist somewhere.

The official validator asks the IATI Datastore over the network. iaticonv collects every link while
streaming (a few strings per link) and resolves them after the whole batch: an identifier is known
when any file of the run declares it, or when the pluggable ``ActivityLookup`` says so. No network.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from lxml import etree

from ...standard.store import require_store
from ..catalogue import load_catalogue
from ..context import ActivityLookup, Chunk, Hit
from ..findings import Finding
from ..locate import to_finding

__all__ = ["Advisory", "Link", "collect_chunk", "load_advisories", "resolve"]


@dataclass(frozen=True, slots=True)
class Advisory:
    rule_id: str
    kind: str
    find: etree.XPath  # chunk-level: the linking attribute values
    attribute: str


@dataclass(frozen=True, slots=True)
class Link:
    """One activity link, already located, waiting to be resolved at the end of the batch."""

    target: str
    finding: Finding


_PREFIX = {"/iati-activities/iati-activity/": ("activity", "iati-activity"),
           "/iati-organisations/iati-organisation/": ("organisation", "iati-organisation")}


@cache
def load_advisories(version: str) -> tuple[Advisory, ...]:
    path = require_store() / "validator" / version / "advisoryDefinitions.json"
    found: list[Advisory] = []
    for item in json.loads(path.read_text(encoding="utf-8")):
        xpath, attribute = str(item["advisoryXPath"]), str(item["attributeToTest"])
        for prefix, (kind, step) in _PREFIX.items():
            if xpath.startswith(prefix):
                relative = xpath[len(prefix):]
                found.append(Advisory(str(item["id"]), kind, etree.XPath(f"{step}/{relative}/@{attribute}"), attribute))
    return tuple(found)


def collect_chunk(chunk: Chunk) -> Iterator[Link]:
    """The links of the chunk's records, located now (the elements are gone when they are resolved)."""
    catalogue = load_catalogue()
    for advisory in load_advisories(chunk.version):
        if advisory.kind != chunk.kind:
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
