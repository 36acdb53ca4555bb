"""The activity record: ``Activity`` (one ``iati-activity``) and the file header it travels with."""

# ruff: noqa: RUF009  -- attr()/child()/… return dataclasses.field(...) specs, the dataclass idiom for metadata

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from ._meta import XML_LANG, Node, attr, child, children, narratives, text_child, text_children
from ._scalars import BOOL, DATE, DATETIME, INT
from .common import (
    AidType,
    Code,
    Description,
    DocumentLink,
    Narrated,
    Narratives,
    OrgRef,
    ParticipatingOrg,
    PolicyMarker,
    RecipientCountry,
    RecipientRegion,
    ReportingOrg,
    Sector,
    Tag,
)
from .finance import Budget, CapitalSpend, CountryBudgetItems, CrsAdd, Fss, PlannedDisbursement, Transaction
from .results import Result

__all__ = [
    "Activity",
    "ActivityDate",
    "Administrative",
    "Condition",
    "Conditions",
    "ContactInfo",
    "FileHeader",
    "HumanitarianScope",
    "LegacyData",
    "Location",
    "LocationId",
    "OtherIdentifier",
    "Point",
    "RelatedActivity",
]


@dataclass(slots=True, kw_only=True)
class OtherIdentifier(Node):
    """``other-identifier``: another id of the activity (type A1 reporting org's own, B1 previous, …)."""

    ref: str | None = attr("ref")
    type: str | None = attr("type")
    owner_org: OrgRef | None = child("owner-org", OrgRef)


@dataclass(slots=True, kw_only=True)
class ActivityDate(Node):
    """``activity-date``: type 1 planned start, 2 actual start, 3 planned end, 4 actual end."""

    type: str | None = attr("type")
    iso_date: date | str | None = attr("iso-date", DATE)
    narratives: Narratives = narratives()


@dataclass(slots=True, kw_only=True)
class ContactInfo(Node):
    """``contact-info``: who to contact about the activity."""

    type: str | None = attr("type")
    organisation: Narrated | None = child("organisation", Narrated)
    department: Narrated | None = child("department", Narrated)
    person_name: Narrated | None = child("person-name", Narrated)
    job_title: Narrated | None = child("job-title", Narrated)
    telephones: list[str] = text_children("telephone")
    emails: list[str] = text_children("email")
    websites: list[str] = text_children("website")
    mailing_addresses: list[Narrated] = children("mailing-address", Narrated)


@dataclass(slots=True, kw_only=True)
class LocationId(Node):
    """``location-id``: the location in a gazetteer (GeographicVocabulary)."""

    vocabulary: str | None = attr("vocabulary")
    code: str | None = attr("code")


@dataclass(slots=True, kw_only=True)
class Administrative(Node):
    """``administrative``: an administrative area (with its level) containing the location."""

    vocabulary: str | None = attr("vocabulary")
    level: int | str | None = attr("level", INT)
    code: str | None = attr("code")


@dataclass(slots=True, kw_only=True)
class Point(Node):
    """``point``: a WGS84 position as ``pos`` text "latitude longitude"."""

    srs_name: str | None = attr("srsName")
    pos: str | None = text_child("pos")


@dataclass(slots=True, kw_only=True)
class Location(Node):
    """``location``: where the activity happens."""

    ref: str | None = attr("ref")
    location_reach: Code | None = child("location-reach", Code)
    location_ids: list[LocationId] = children("location-id", LocationId)
    name: Narrated | None = child("name", Narrated)
    description: Narrated | None = child("description", Narrated)
    activity_description: Narrated | None = child("activity-description", Narrated)
    administratives: list[Administrative] = children("administrative", Administrative)
    point: Point | None = child("point", Point)
    exactness: Code | None = child("exactness", Code)
    location_class: Code | None = child("location-class", Code)
    feature_designation: Code | None = child("feature-designation", Code)


@dataclass(slots=True, kw_only=True)
class HumanitarianScope(Node):
    """``humanitarian-scope``: an emergency or appeal the activity responds to."""

    type: str | None = attr("type")
    vocabulary: str | None = attr("vocabulary")
    vocabulary_uri: str | None = attr("vocabulary-uri")
    code: str | None = attr("code")
    narratives: Narratives = narratives()


@dataclass(slots=True, kw_only=True)
class RelatedActivity(Node):
    """``related-activity``: type 1 parent, 2 child, 3 sibling, 4 co-funded, 5 third party."""

    ref: str | None = attr("ref")
    type: str | None = attr("type")


@dataclass(slots=True, kw_only=True)
class LegacyData(Node):
    """``legacy-data``: a publisher's own field with its IATI equivalent."""

    name: str | None = attr("name")
    value: str | None = attr("value")
    iati_equivalent: str | None = attr("iati-equivalent")


@dataclass(slots=True, kw_only=True)
class Condition(Node):
    """``condition``: type 1 policy, 2 performance, 3 fiduciary."""

    type: str | None = attr("type")
    narratives: Narratives = narratives()


@dataclass(slots=True, kw_only=True)
class Conditions(Node):
    """``conditions``: whether conditions are attached, and which."""

    attached: bool | str | None = attr("attached", BOOL)
    conditions: list[Condition] = children("condition", Condition)


@dataclass(slots=True, kw_only=True)
class Activity(Node):
    """One ``iati-activity``; child fields are declared in IATI 2.03 XSD sequence order."""

    lang: str | None = attr(XML_LANG)
    default_currency: str | None = attr("default-currency")
    hierarchy: int | str | None = attr("hierarchy", INT)
    last_updated_datetime: datetime | str | None = attr("last-updated-datetime", DATETIME)
    linked_data_uri: str | None = attr("linked-data-uri")
    humanitarian: bool | str | None = attr("humanitarian", BOOL)
    budget_not_provided: str | None = attr("budget-not-provided")
    iati_identifier: str | None = text_child("iati-identifier")
    reporting_org: ReportingOrg | None = child("reporting-org", ReportingOrg)
    title: Narrated | None = child("title", Narrated)
    descriptions: list[Description] = children("description", Description)
    participating_orgs: list[ParticipatingOrg] = children("participating-org", ParticipatingOrg)
    other_identifiers: list[OtherIdentifier] = children("other-identifier", OtherIdentifier)
    activity_status: Code | None = child("activity-status", Code)
    activity_dates: list[ActivityDate] = children("activity-date", ActivityDate)
    contact_infos: list[ContactInfo] = children("contact-info", ContactInfo)
    activity_scope: Code | None = child("activity-scope", Code)
    recipient_countries: list[RecipientCountry] = children("recipient-country", RecipientCountry)
    recipient_regions: list[RecipientRegion] = children("recipient-region", RecipientRegion)
    locations: list[Location] = children("location", Location)
    sectors: list[Sector] = children("sector", Sector)
    tags: list[Tag] = children("tag", Tag)
    country_budget_items: CountryBudgetItems | None = child("country-budget-items", CountryBudgetItems)
    humanitarian_scopes: list[HumanitarianScope] = children("humanitarian-scope", HumanitarianScope)
    policy_markers: list[PolicyMarker] = children("policy-marker", PolicyMarker)
    collaboration_type: Code | None = child("collaboration-type", Code)
    default_flow_type: Code | None = child("default-flow-type", Code)
    default_finance_type: Code | None = child("default-finance-type", Code)
    default_aid_types: list[AidType] = children("default-aid-type", AidType)
    default_tied_status: Code | None = child("default-tied-status", Code)
    budgets: list[Budget] = children("budget", Budget)
    planned_disbursements: list[PlannedDisbursement] = children("planned-disbursement", PlannedDisbursement)
    capital_spend: CapitalSpend | None = child("capital-spend", CapitalSpend)
    transactions: list[Transaction] = children("transaction", Transaction)
    document_links: list[DocumentLink] = children("document-link", DocumentLink)
    related_activities: list[RelatedActivity] = children("related-activity", RelatedActivity)
    legacy_data: list[LegacyData] = children("legacy-data", LegacyData)
    conditions: Conditions | None = child("conditions", Conditions)
    results: list[Result] = children("result", Result)
    crs_add: CrsAdd | None = child("crs-add", CrsAdd)
    fss: Fss | None = child("fss", Fss)


@dataclass(slots=True, kw_only=True)
class FileHeader:
    """The ``iati-activities`` root: its attributes and namespace declarations.

    ``generated_datetime`` and the other values are kept as text so a file's header round-trips
    exactly; ``extra_attrs`` holds any other attribute ({namespace}local keys) and ``nsmap`` the
    prefix → namespace declarations (prefix ``""`` is the default namespace).
    """

    version: str | None = "2.03"
    generated_datetime: str | None = None
    linked_data_default: str | None = None
    extra_attrs: dict[str, str] = field(default_factory=dict)
    nsmap: dict[str, str] = field(default_factory=dict)
