"""The two kinds of IATI record, activity and organisation, each declared once.

An IATI file holds records of one kind under one root element. Every part that tells the kinds
apart (the validator's walker and layers, the report's titles, the registry payload, the big-file
cutter, the XML format) needs the same handful of facts: the root and record tags, the element
holding the identifier, the path of the title, the XSD. They are spelled out here and looked up by
kind name, root tag or record tag, so a change to one is made in one place.

Plain data with no imports beyond the standard library: the lowest layer, importable by anything
without cost. The registry record (``registry-record``) is a third kind of file, not of record, and
stays with the validator that handles it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["ACTIVITY", "KINDS", "ORGANISATION", "KindName", "RecordKind", "by_name", "by_record", "by_root"]

KindName = Literal["activity", "organisation"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordKind:
    """What one kind of record is called in IATI XML, in the rulesets and in the registry."""

    name: KindName
    root_tag: str  # the file's root element: "iati-activities"
    record_tag: str  # each record under the root: "iati-activity"
    identifier_tag: str  # the record's child holding its identifier
    title_path: str  # the narratives naming the record, relative to it
    schema_file: str  # the XSD of the whole file, in the standard's schemas/<version>/
    registry_type: str  # the registry's file type: "activities"

    @property
    def record_path(self) -> str:
        """The absolute path of a record, as the rulesets and advisories write it."""
        return f"/{self.root_tag}/{self.record_tag}"


ACTIVITY = RecordKind(
    name="activity", root_tag="iati-activities", record_tag="iati-activity", identifier_tag="iati-identifier",
    title_path="title/narrative", schema_file="iati-activities-schema.xsd", registry_type="activities",
)
ORGANISATION = RecordKind(
    name="organisation", root_tag="iati-organisations", record_tag="iati-organisation",
    identifier_tag="organisation-identifier", title_path="name/narrative",
    schema_file="iati-organisations-schema.xsd", registry_type="organisations",
)
KINDS: tuple[RecordKind, ...] = (ACTIVITY, ORGANISATION)

_BY_NAME = {kind.name: kind for kind in KINDS}
_BY_ROOT = {kind.root_tag: kind for kind in KINDS}
_BY_RECORD = {kind.record_tag: kind for kind in KINDS}


def by_name(name: KindName) -> RecordKind:
    """The kind called ``name`` ("activity" or "organisation")."""
    return _BY_NAME[name]


def by_root(tag: str) -> RecordKind | None:
    """The kind whose files have the root element ``tag`` (None for any other element)."""
    return _BY_ROOT.get(tag)


def by_record(tag: str) -> RecordKind | None:
    """The kind whose records are ``tag`` elements (None for any other element)."""
    return _BY_RECORD.get(tag)
