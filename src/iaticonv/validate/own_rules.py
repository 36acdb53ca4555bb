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
"""

from __future__ import annotations

from .ruleinfo import RuleInfo, standard_link

__all__ = ["OWN_RULES"]

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
