"""Small IATI files for the publishing tests, written by the tests themselves.

A minimal but complete 2.03 activity file (schema order, codes from the codelists, percentages
summing to 100, dates in order), so the validation gate lets it through; ``break_activity_file``
makes the same file schema-invalid in a way every validator must catch.
"""

from __future__ import annotations

from pathlib import Path

ACTIVITY_XML = """<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03" generated-datetime="2026-11-01T00:00:00Z">
 <iati-activity last-updated-datetime="2026-11-01T00:00:00Z" xml:lang="en" default-currency="CAD" humanitarian="0">
  <iati-identifier>{ref}-D000001001</iati-identifier>
  <reporting-org ref="{ref}" type="10">
   <narrative>Global Affairs Canada</narrative>
   <narrative xml:lang="fr">Affaires mondiales Canada</narrative>
  </reporting-org>
  <title>
   <narrative>Clean water for rural schools{suffix}</narrative>
  </title>
  <description type="1">
   <narrative>Drinking water and latrines for twelve rural schools.</narrative>
  </description>
  <participating-org ref="{ref}" role="1" type="10">
   <narrative>Global Affairs Canada</narrative>
  </participating-org>
  <activity-status code="2"/>
  <activity-date iso-date="2025-04-01" type="2"/>
  <activity-date iso-date="2027-03-31" type="3"/>
  <recipient-country code="HT" percentage="100"/>
  <sector vocabulary="1" code="14030" percentage="100"/>
  <default-flow-type code="10"/>
  <default-finance-type code="110"/>
  <default-aid-type code="C01" vocabulary="1"/>
  <default-tied-status code="5"/>
  <budget type="1" status="2">
   <period-start iso-date="2025-04-01"/>
   <period-end iso-date="2026-03-31"/>
   <value currency="CAD" value-date="2025-04-01">100000</value>
  </budget>
  <transaction>
   <transaction-type code="2"/>
   <transaction-date iso-date="2025-04-01"/>
   <value currency="CAD" value-date="2025-04-01">200000</value>
  </transaction>
 </iati-activity>
</iati-activities>
"""


def write_activity_file(path: Path, *, ref: str = "CA-3", suffix: str = "") -> Path:
    """A valid activity file reported by ``ref``; ``suffix`` changes its bytes (and hash) on demand."""
    path.write_text(ACTIVITY_XML.format(ref=ref, suffix=suffix), encoding="utf-8")
    return path


def break_activity_file(path: Path) -> Path:
    """The same file with a required element removed and an unknown one added: schema errors."""
    text = ACTIVITY_XML.format(ref="CA-3", suffix="")
    text = text.replace('  <activity-status code="2"/>\n', "  <not-an-iati-element/>\n")
    path.write_text(text.replace("<iati-identifier>CA-3-D000001001</iati-identifier>", ""), encoding="utf-8")
    return path
