"""Small elements shared across the activity: coded elements, narratives, organisations, dates, values.

Classes are shared where the IATI 2.03 XSD shares a shape (e.g. every ``period-start``/``transaction-date``
is an :class:`IsoDate`); a shared class may carry an attribute that only some of its XML contexts allow
(``Sector.percentage`` is meaningless inside a transaction) — the validator, not the model, polices that.
"""

# ruff: noqa: RUF009  -- attr()/child()/… return dataclasses.field(...) specs, the dataclass idiom for metadata

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ._meta import Node, attr, child, children, narratives, text
from ._scalars import BOOL, DATE, DECIMAL

__all__ = [
    "AidType",
    "Code",
    "Description",
    "DocumentLink",
    "IsoDate",
    "Narrated",
    "Narratives",
    "OrgRef",
    "ParticipatingOrg",
    "PolicyMarker",
    "RecipientCountry",
    "RecipientRegion",
    "ReportingOrg",
    "Sector",
    "Tag",
    "TransactionOrg",
    "Value",
]

Narratives = dict[str, str]


@dataclass(slots=True, kw_only=True)
class Code(Node):
    """An element whose whole content is a ``@code`` (activity-status, flow-type, category, …)."""

    code: str | None = attr("code")


@dataclass(slots=True, kw_only=True)
class Narrated(Node):
    """An element holding only narratives (title, organisation, comment, …)."""

    narratives: Narratives = narratives()


@dataclass(slots=True, kw_only=True)
class Description(Node):
    """A description: an optional ``@type`` (DescriptionType codelist) and narratives."""

    type: str | None = attr("type")
    narratives: Narratives = narratives()


@dataclass(slots=True, kw_only=True)
class IsoDate(Node):
    """An element carrying one ``@iso-date`` (period-start, transaction-date, document-date, …)."""

    iso_date: date | str | None = attr("iso-date", DATE)


@dataclass(slots=True, kw_only=True)
class Value(Node):
    """A money amount: the element text, ``@currency`` (ISO 4217) and ``@value-date``."""

    currency: str | None = attr("currency")
    value_date: date | str | None = attr("value-date", DATE)
    amount: Decimal | str | None = text(DECIMAL)


@dataclass(slots=True, kw_only=True)
class OrgRef(Node):
    """An organisation reference with ``@ref``, ``@type`` and narratives (owner-org)."""

    ref: str | None = attr("ref")
    type: str | None = attr("type")
    narratives: Narratives = narratives()


@dataclass(slots=True, kw_only=True)
class ReportingOrg(Node):
    """``reporting-org``: the publisher."""

    ref: str | None = attr("ref")
    type: str | None = attr("type")
    secondary_reporter: bool | str | None = attr("secondary-reporter", BOOL)
    narratives: Narratives = narratives()


@dataclass(slots=True, kw_only=True)
class ParticipatingOrg(Node):
    """``participating-org``: role 1 funding, 2 accountable, 3 extending, 4 implementing."""

    ref: str | None = attr("ref")
    type: str | None = attr("type")
    role: str | None = attr("role")
    activity_id: str | None = attr("activity-id")
    crs_channel_code: str | None = attr("crs-channel-code")
    narratives: Narratives = narratives()


@dataclass(slots=True, kw_only=True)
class TransactionOrg(Node):
    """``provider-org``/``receiver-org`` of a transaction or planned disbursement.

    ``activity_id`` is written as ``@provider-activity-id`` or ``@receiver-activity-id``; the two
    XML spellings are separate fields so that a file using either round-trips untouched.
    """

    ref: str | None = attr("ref")
    type: str | None = attr("type")
    provider_activity_id: str | None = attr("provider-activity-id")
    receiver_activity_id: str | None = attr("receiver-activity-id")
    narratives: Narratives = narratives()


@dataclass(slots=True, kw_only=True)
class RecipientCountry(Node):
    """``recipient-country``: ISO 3166-1 alpha-2 code and optional percentage."""

    code: str | None = attr("code")
    percentage: Decimal | str | None = attr("percentage", DECIMAL)
    narratives: Narratives = narratives()


@dataclass(slots=True, kw_only=True)
class RecipientRegion(Node):
    """``recipient-region``: a region code in a vocabulary (1 = OECD DAC)."""

    code: str | None = attr("code")
    vocabulary: str | None = attr("vocabulary")
    vocabulary_uri: str | None = attr("vocabulary-uri")
    percentage: Decimal | str | None = attr("percentage", DECIMAL)
    narratives: Narratives = narratives()


@dataclass(slots=True, kw_only=True)
class Sector(Node):
    """``sector``: a code in a vocabulary (1 = DAC 5-digit) with an optional percentage."""

    vocabulary: str | None = attr("vocabulary")
    vocabulary_uri: str | None = attr("vocabulary-uri")
    code: str | None = attr("code")
    percentage: Decimal | str | None = attr("percentage", DECIMAL)
    narratives: Narratives = narratives()


@dataclass(slots=True, kw_only=True)
class Tag(Node):
    """``tag``: a code in a vocabulary (e.g. SDG targets)."""

    vocabulary: str | None = attr("vocabulary")
    vocabulary_uri: str | None = attr("vocabulary-uri")
    code: str | None = attr("code")
    narratives: Narratives = narratives()


@dataclass(slots=True, kw_only=True)
class PolicyMarker(Node):
    """``policy-marker``: a marker code and its significance (0–4) in a vocabulary (1 = OECD DAC)."""

    vocabulary: str | None = attr("vocabulary")
    vocabulary_uri: str | None = attr("vocabulary-uri")
    code: str | None = attr("code")
    significance: str | None = attr("significance")
    narratives: Narratives = narratives()


@dataclass(slots=True, kw_only=True)
class AidType(Node):
    """``default-aid-type``/``aid-type``: a code in an aid-type vocabulary (1 = OECD DAC)."""

    code: str | None = attr("code")
    vocabulary: str | None = attr("vocabulary")


@dataclass(slots=True, kw_only=True)
class DocumentLink(Node):
    """``document-link``: a web document about the activity, a result or an indicator."""

    format: str | None = attr("format")
    url: str | None = attr("url")
    title: Narrated | None = child("title", Narrated)
    description: Description | None = child("description", Description)
    categories: list[Code] = children("category", Code)
    languages: list[Code] = children("language", Code)
    document_date: IsoDate | None = child("document-date", IsoDate)
