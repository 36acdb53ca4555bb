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
from .._xpath import elements
from ..catalogue import load_catalogue
from ..context import ActivityLookup, Hit, RecordContext
from ..findings import Finding
from ..locate import to_finding

__all__ = ["Advisory", "Link", "collect", "load_advisories", "resolve"]


@dataclass(frozen=True, slots=True)
class Advisory:
    rule_id: str
    kind: str
    find: etree.XPath
    attribute: str


@dataclass(frozen=True, slots=True)
class Link:
    """One activity link, already located, waiting to be resolved at the end of the batch."""

    target: str
    finding: Finding


_PREFIX = {"/iati-activities/iati-activity/": "activity", "/iati-organisations/iati-organisation/": "organisation"}


@cache
def load_advisories(version: str) -> tuple[Advisory, ...]:
    path = require_store() / "validator" / version / "advisoryDefinitions.json"
    found: list[Advisory] = []
    for item in json.loads(path.read_text(encoding="utf-8")):
        xpath, attribute = str(item["advisoryXPath"]), str(item["attributeToTest"])
        for prefix, kind in _PREFIX.items():
            if xpath.startswith(prefix):
                relative = xpath[len(prefix):]
                found.append(Advisory(str(item["id"]), kind, etree.XPath(f"{relative}[@{attribute}]"), attribute))
    return tuple(found)


def collect(ctx: RecordContext) -> Iterator[Link]:
    """The links of one record, located now (the element is gone by the time they are resolved)."""
    catalogue = load_catalogue()
    for advisory in load_advisories(ctx.version):
        if advisory.kind != ctx.kind:
            continue
        for element in elements(advisory.find, ctx.element):
            target = (element.get(advisory.attribute) or "").strip()
            if not target:
                continue
            hit = Hit(rule_id=advisory.rule_id, node=element, attribute=advisory.attribute, value=target)
            yield Link(target, to_finding(hit, ctx, catalogue))


def resolve(links: Iterable[Link], known: set[str], lookup: ActivityLookup | None) -> list[Finding]:
    """Findings for links whose target is neither in the files validated nor known to ``lookup``."""
    pending = [link for link in links if link.target not in known]
    if lookup is not None and pending:
        found = lookup.existing({link.target for link in pending})
        pending = [link for link in pending if link.target not in found]
    where = " or by the lookup" if lookup is not None else ""
    return [dataclasses.replace(link.finding, params={**link.finding.params, "where": where}) for link in pending]
