"""iaticonv's own rules: checks the official IATI Validator does not make, each with a documented id.

Own ids live in the ``2000.*`` range, which the official rule data does not use, so an id alone says
whether a finding is official (matches the IATI Validator) or iaticonv's extra advice:

* ``2000.0.*`` — reading the file at all (missing, unreadable, not a file);
* ``2001.*`` — dates (every transaction, not only the first);
* ``2002.*`` — codelist hygiene (withdrawn codes, which the official validator accepts silently);
* ``2003.*`` — policy markers;
* ``2004.*`` — ``xml:lang`` against the Language codelist (official 9.95.1 never fires);
* ``2005.*`` — budget periods against the publisher's fiscal year (``--fiscal-year-start``);
* ``2006.*`` — percentages.

The checks behind them are registered in one table (``OwnChecks``, built in ``layers/extra.py``),
each with the ids it may emit, so that a new own check is one function, its ids here and one entry
there. The table checks what its checks emit as they run: an id a check did not declare is a bug
(``UndeclaredRuleError``), not a finding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from lxml import etree

from ..errors import IaticonvError
from ._table import Table
from .context import Chunk, Hit, RecordContext, Spots
from .ruleinfo import RuleInfo, standard_link

__all__ = ["OWN_RULES", "OwnCheck", "OwnChecks", "UndeclaredRuleError"]

ChunkHits = Iterator[tuple[RecordContext, Hit | Spots]]


class UndeclaredRuleError(IaticonvError, LookupError):
    """A registered check emitted a rule id it did not declare (a bug in that check)."""


@dataclass(frozen=True, slots=True)
class OwnCheck:
    """One own check: the rule ids it may emit, its look at each chunk of records, and, for a check
    that also applies to the root element's own attributes, its look at the root (root, version)."""

    ids: frozenset[str]
    chunk: Callable[[Chunk], ChunkHits]
    root: Callable[[etree._Element, str], Iterator[Hit]] | None = None


class OwnChecks(Table[OwnCheck]):
    """Check name → ``OwnCheck``, run in this order. Built once and never changed: ``extend`` returns
    a new table (a caller's own checks, a test's), so no import can alter what another run checks."""

    @property
    def ids(self) -> frozenset[str]:
        """Every rule id the table's checks may emit."""
        return frozenset().union(*(check.ids for check in self._entries.values()))

    def check_chunk(self, chunk: Chunk) -> ChunkHits:
        """Every check on the chunk's records, in table order."""
        for name, check in self._entries.items():
            for record, hit in check.chunk(chunk):
                _declared(name, check, hit.rule_id)
                yield record, hit

    def check_root(self, root: etree._Element, version: str) -> Iterator[Hit]:
        """The checks that look at the root element's own attributes."""
        for name, check in self._entries.items():
            if check.root is not None:
                for hit in check.root(root, version):
                    _declared(name, check, hit.rule_id)
                    yield hit


def _declared(name: str, check: OwnCheck, rule_id: str) -> None:
    if rule_id not in check.ids:
        raise UndeclaredRuleError(f"own check {name!r} emitted {rule_id}, which it does not declare "
                                  f"({', '.join(sorted(check.ids))})")

OWN_RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        id="2000.0.1", layer="wellformed", severity="critical", category="iati", official_id=None,
        title="Readable file", template="The file cannot be read: {detail}",
    ),
    RuleInfo(
        id="2001.1.1", layer="extra", severity="error", category="financial", official_id="11.2.1",
        title="Every transaction date not in the future",
        template="The transaction date {value} is in the future (transaction {position}; the official "
        "check 11.2.1 reads only the first transaction).",
        link=standard_link("activity-standard/iati-activities/iati-activity/transaction/transaction-date/"),
    ),
    RuleInfo(
        id="2001.1.2", layer="extra", severity="error", category="financial", official_id="11.2.2",
        title="Every transaction value date not in the future",
        template="The transaction value date {value} is in the future (transaction {position}; the "
        "official check 11.2.2 reads only the first transaction).",
        link=standard_link("activity-standard/iati-activities/iati-activity/transaction/value/"),
    ),
    RuleInfo(
        id="2002.1.1", layer="extra", severity="warning", category="classifications", official_id=None,
        title="Withdrawn code",
        template="'{value}' is a withdrawn code of the {codelist} codelist{since}; use a current code.",
    ),
    RuleInfo(
        id="2003.1.1", layer="extra", severity="warning", category="classifications", official_id=None,
        title="Reporting-organisation policy markers name their vocabulary",
        template="A policy marker with vocabulary 99 (reporting organisation) should give @vocabulary-uri, "
        "so users can find what code '{value}' means.",
        link=standard_link("activity-standard/iati-activities/iati-activity/policy-marker/"),
    ),
    RuleInfo(
        id="2004.1.1", layer="extra", severity="warning", category="information", official_id="9.95.1",
        title="Language code",
        template="xml:lang '{value}' is not a code of the Language codelist (official rule 9.95.1 "
        "never fires, so the IATI Validator accepts it).{hint}",
        link=standard_link("codelists/Language/"),
    ),
    RuleInfo(
        id="2005.1.1", layer="extra", severity="warning", category="financial", official_id=None,
        title="Budget periods follow the fiscal year",
        template="The {element} period {start} – {end} crosses {boundary}, the start of a fiscal year "
        "(fiscal years start on {fiscal_start}); report one period per fiscal year.",
        link="https://iatistandard.org/en/guidance/standard-guidance/activity-budgets/",
    ),
    RuleInfo(
        id="2006.1.1", layer="extra", severity="warning", category="classifications", official_id=None,
        title="Percentages add up to 100 only after rounding",
        template="The {what} percentages add up to {sum}, which is 100 only after rounding; "
        "make them add up to exactly 100.",
    ),
)
