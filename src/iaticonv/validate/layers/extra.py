"""Layer 6: iaticonv's own checks (ids 2001–2006, declared in ``_own_rules.py``), beyond the official.

Each check is a function registered once in ``OWN_CHECKS`` with the ids it may emit; the layer runs
that table (``check_chunk``, ``check_root``), and a caller with more checks runs an extended copy.

Each one closes a gap users of the official validator run into: a future date in any transaction but
the first goes unseen (2001), ``xml:lang`` is never checked (2004), a vocabulary-99 policy marker
without ``vocabulary-uri`` is unreadable to others (2003), budgets that straddle the publisher's
fiscal year (2005, only with ``--fiscal-year-start``), and percentages that miss 100 by a rounding
error (2006), which the official strict sum reports without saying why. Withdrawn codes (2002) are
found by the codelist layer, which already holds the value.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from lxml import etree

from ..._dates import leading_date
from ..._kinds import ACTIVITY, ORGANISATION
from ...standard.codelists import load_code_sets
from .._locate import relative_path, source_line
from .._own_rules import OwnCheck, OwnChecks
from .._xpath import elements
from ..context import Chunk, Hit, RecordContext, Spots
from ._rule_plans import native_module
from .codelists import compiled_module

__all__ = ["OWN_CHECKS", "check_chunk", "check_root"]

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Per record: over a whole chunk, libxml merges this descendant-axis node-set in quadratic time.
_LANGS = etree.XPath("descendant-or-self::*/@xml:lang")
_ACTIVITY, _ORGANISATION = ACTIVITY.record_tag, ORGANISATION.record_tag  # the step of each chunk-level path
_POLICY_99 = etree.XPath(f"{_ACTIVITY}/policy-marker[@vocabulary='99'][not(@vocabulary-uri)]")
_LATER_TRANSACTIONS = etree.XPath(f"{_ACTIVITY}/transaction[position() > 1]")
_BUDGETS = {
    "activity": etree.XPath(f"{_ACTIVITY}/budget"),
    "organisation": etree.XPath(f"{_ORGANISATION}/*[self::total-budget or self::recipient-org-budget or "
                                "self::recipient-region-budget or self::recipient-country-budget or "
                                "self::total-expenditure]"),
}
_SPLIT = etree.XPath(f"{_ACTIVITY}[count(sector[@percentage]) > 1 or "
                     "count(recipient-country[@percentage] | recipient-region[@percentage]) > 1]")


def _later_transactions(chunk: Chunk, today: dt.date) -> list[etree._Element]:
    """The transactions after each record's first that may be dated after ``today``: a compiled walk
    picks them where it is built (``_rule_native.later_transactions``), else every later one."""
    native = native_module()
    if native is not None and chunk.kind == "activity":
        found: list[etree._Element] = native.later_transactions(chunk.root, _ACTIVITY.encode(),
                                                                native.day_number(today.year, today.month, today.day))
        return found
    return list(elements(_LATER_TRANSACTIONS, chunk.root))


def _future_transactions(chunk: Chunk) -> Iterator[tuple[RecordContext, Hit]]:
    today = chunk.options.now()
    for transaction in _later_transactions(chunk, today):
        for rule_id, path, attribute in (("2001.1.1", "transaction-date", "iso-date"),
                                         ("2001.1.2", "value", "value-date")):
            node = transaction.find(path)
            value = node.get(attribute) if node is not None else None
            when = leading_date(value)
            if node is None or when is None or when <= today:
                continue
            record = chunk.record_of(transaction)
            if record is not None:
                position = 1 + sum(1 for _ in transaction.itersiblings("transaction", preceding=True))
                yield record, Hit(rule_id=rule_id, node=node, attribute=attribute, value=value,
                                  params={"position": position})


@functools.cache
def _language_codes(version: str) -> frozenset[str]:
    return load_code_sets(version)["Language"].codes


def _language_misses(record: etree._Element, version: str) -> list[tuple[etree._Element, str]]:
    """(element, value) of each ``xml:lang`` on or below the record that is not a Language code, in
    document order: from the compiled walk when it is built and the values are plain, else by XPath."""
    native = compiled_module()
    if native is not None:
        compiled: list[tuple[etree._Element, str]] | None = native.language_misses(record, _language_codes(version))
        if compiled is not None:
            return compiled
    codes = _language_codes(version)
    values = _LANGS(record)
    if not isinstance(values, list):
        return []
    found: list[tuple[etree._Element, str]] = []
    for value in values:
        owner = getattr(value, "getparent", lambda: None)()  # attribute results are lxml "smart" strings
        if str(value) not in codes and isinstance(owner, etree._Element):
            found.append((owner, str(value)))
    return found


def _language_spots(record: etree._Element, version: str) -> list[tuple[int | None, str, str]]:
    """(line, path below the record, value) of each ``_language_misses`` entry: placed by the compiled
    walk when it can, else located here one by one (as ``_locate`` places an element)."""
    native = compiled_module()
    if native is not None:
        spots: list[tuple[int | None, str, str]] | None = native.language_spots(record, _language_codes(version))
        if spots is not None:
            return spots
    return [(source_line(element), relative_path(element, record), value)
            for element, value in _language_misses(record, version)]


def _languages(chunk: Chunk) -> Iterator[tuple[RecordContext, Spots]]:
    version = chunk.version

    def hint(value: str) -> dict[str, str]:
        return _lang_hint(value, version)

    for record in chunk.records:
        places = _language_spots(record.element, version)
        if places:
            yield record, Spots(rule_id="2004.1.1", attribute="xml:lang", places=places, params=hint)


@functools.lru_cache(maxsize=1024)
def _lang_hint(value: str, version: str) -> dict[str, str]:
    """The hint for a language value (cached: a big file repeats the same few wrong values; the dict
    is shared, and nothing mutates a hit's params)."""
    lower = value.strip().lower()
    codes = _language_codes(version)
    return {"hint": f" Did you mean '{lower}'? Language codes are lower case." if lower in codes else ""}


def _fiscal_years(chunk: Chunk) -> Iterator[tuple[RecordContext, Hit]]:
    if chunk.options.fiscal_year_start is None:
        return
    month, day = chunk.options.fiscal_year_start
    for budget in elements(_BUDGETS[chunk.kind], chunk.root):
        start_node, end_node = budget.find("period-start"), budget.find("period-end")
        start = leading_date(start_node.get("iso-date") if start_node is not None else None)
        end = leading_date(end_node.get("iso-date") if end_node is not None else None)
        if start is None or end is None or end < start:
            continue
        boundary = dt.date(start.year, month, min(day, 28) if month == 2 else day)
        if boundary <= start:
            boundary = boundary.replace(year=start.year + 1)
        record = chunk.record_of(budget)
        if end >= boundary and record is not None:
            yield record, Hit(rule_id="2005.1.1", node=budget, value=f"{start} – {end}",
                              params={"element": str(budget.tag), "start": start, "end": end,
                                      "fiscal_start": f"{month:02d}-{day:02d}", "boundary": boundary})


def _percent_sum(nodes: list[etree._Element]) -> Decimal | None:
    total = Decimal(0)
    for node in nodes:
        try:
            total += Decimal((node.get("percentage") or "").strip())
        except InvalidOperation:
            return None
    return total


def _rounded_percentages(chunk: Chunk) -> Iterator[tuple[RecordContext, Hit]]:
    if chunk.kind != "activity":
        return
    for activity in elements(_SPLIT, chunk.root):
        groups: dict[str, list[etree._Element]] = {}
        for sector in activity.iterfind("sector"):
            groups.setdefault(f"sector (vocabulary {sector.get('vocabulary') or '1'})", []).append(sector)
        geo = [*activity.iterfind("recipient-country"), *activity.iterfind("recipient-region")]
        if geo:
            groups["recipient-country/recipient-region"] = geo
        record = chunk.by_element.get(activity)
        for what, nodes in groups.items():
            if record is None or len(nodes) < 2 or any(node.get("percentage") is None for node in nodes):
                continue
            total = _percent_sum(nodes)
            if total is not None and total != 100 and abs(total - 100) < Decimal("0.5"):
                yield record, Hit(rule_id="2006.1.1", node=nodes[0], value=str(total),
                                  params={"what": what, "sum": total})


def _policy_markers(chunk: Chunk) -> Iterator[tuple[RecordContext, Hit]]:
    if chunk.kind != "activity":
        return
    for marker in elements(_POLICY_99, chunk.root):
        record = chunk.record_of(marker)
        if record is not None:
            yield record, Hit(rule_id="2003.1.1", node=marker, value=marker.get("code"))


def _root_language(root: etree._Element, version: str) -> Iterator[Hit]:
    """The root element's own ``xml:lang``."""
    value = root.get(XML_LANG)
    if value is not None and value not in _language_codes(version):
        yield Hit(rule_id="2004.1.1", node=root, attribute="xml:lang", value=value, params=_lang_hint(value, version))


OWN_CHECKS = OwnChecks({
    "future-transactions": OwnCheck(frozenset({"2001.1.1", "2001.1.2"}), _future_transactions),
    "policy-marker-vocabulary": OwnCheck(frozenset({"2003.1.1"}), _policy_markers),
    "language-codes": OwnCheck(frozenset({"2004.1.1"}), _languages, root=_root_language),
    "fiscal-year-budgets": OwnCheck(frozenset({"2005.1.1"}), _fiscal_years),
    "rounded-percentages": OwnCheck(frozenset({"2006.1.1"}), _rounded_percentages),
})


def check_chunk(chunk: Chunk, checks: OwnChecks = OWN_CHECKS) -> Iterator[tuple[RecordContext, Hit | Spots]]:
    """iaticonv's own findings for every record of the chunk: each check of ``checks`` in turn."""
    return checks.check_chunk(chunk)


def check_root(root: etree._Element, version: str, checks: OwnChecks = OWN_CHECKS) -> Iterator[Hit]:
    """iaticonv's own findings on the root element's own attributes."""
    return checks.check_root(root, version)
