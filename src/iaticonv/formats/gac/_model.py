"""``GacProject`` ⇄ ``Activity``: how GAC's Project Browser fields become IATI, the way GAC publishes them.

GAC's own IATI files (publisher CA-3) are the model: the same elements, attributes, roles and
codes, so a converted record looks like one GAC published. ``docs/gac-mapping.md`` is the table;
this module is its only implementation. The reverse direction takes from any activity exactly what
the GAC layout has a place for, so XML → GAC → XML keeps every such value.

Fields GAC's files do not carry (Program Name, Selection Mechanism, Alternate IM Position,
Contributing Organization) travel as IATI ``legacy-data`` — the standard's element for "a field of
the publisher's own system" — named by the Project Browser column, so they round-trip and any IATI
tool can still show them.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from ...model import (
    Activity,
    ActivityDate,
    AidType,
    Budget,
    Code,
    Description,
    DocumentLink,
    Indicator,
    IsoDate,
    LegacyData,
    Location,
    LocationId,
    Narrated,
    Narratives,
    OtherIdentifier,
    ParticipatingOrg,
    Point,
    PolicyMarker,
    RecipientCountry,
    RecipientRegion,
    ReportingOrg,
    Result,
    Sector,
    Transaction,
    TransactionOrg,
    Value,
)
from ._common import Budget as GacBudget
from ._common import GacProject, Marker, Share, Where, tidy
from ._labels import GAC_VOCABULARY, gac_markers, vocabulary_uri

__all__ = ["PROFILE_URL", "from_activity", "to_activity"]

GAC_REF, GAC_TYPE = "CA-3", "10"
GAC_NAMES = {"en": "Global Affairs Canada", "fr": "Affaires mondiales Canada"}
PROFILE_URL = "https://w05.international.gc.ca/projectbrowser-banqueprojets/project-projet/details/{number}?Lang={lang}"
PROFILE_TITLES = {"en": ("eng", "Project profile"), "fr": ("fra", "Profil du projet")}
EPSG_4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
RESULT_TITLES = {
    "expected": {"en": "Expected Results", "fr": "Résultats escomptés"},
    "achieved": {"en": "Results achieved", "fr": "Résultats atteints"},
}
_RESULT_KIND = {
    "expected results": "expected", "résultats escomptés": "expected", "expected result": "expected",
    "results achieved": "achieved", "résultats atteints": "achieved",
    "progress and results achieved": "achieved", "progress & results achieved": "achieved",
}
LEGACY = {
    "program_name": "Program Name",
    "selection_mechanism": "Selection Mechanism",
    "alternate_im_position": "Alternate IM Position",
}
CONTRIBUTING = "Contributing Organization"
_LOCATION = re.compile(r"^(.*?)\s*(?:\[([^:\]]+):([^\]]+)\])?\s*(?:\((-?\d+(?:\.\d+)?)[ ,]+(-?\d+(?:\.\d+)?)\))?$")


def _en(narratives: Narratives | None) -> str:
    """The English text of narratives, else the untagged one, else the first (real files vary)."""
    if not narratives:
        return ""
    for key in ("en", "EN", "En", ""):
        if narratives.get(key):
            return narratives[key]
    return next(iter(narratives.values()))


def _date(value: dt.date | str | None) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _decimal(value: Decimal | str | None) -> Decimal | None:
    if isinstance(value, Decimal):
        return tidy(value)
    if isinstance(value, str):
        try:
            return tidy(Decimal(value.strip()))
        except ArithmeticError:
            return None
    return None


def _location(item: str) -> Location:
    match = _LOCATION.match(item.strip())
    assert match is not None  # every group is optional
    name, vocabulary, code, lat, lon = match.groups()
    return Location(
        name=Narrated(narratives={"en": name}) if name else None,
        location_ids=[LocationId(vocabulary=vocabulary.strip(), code=code.strip())] if vocabulary and code else [],
        point=Point(srs_name=EPSG_4326, pos=f"{lat} {lon}") if lat and lon else None,
    )


def _location_text(location: Location) -> str:
    parts = [_en(location.name.narratives) if location.name else ""]
    parts += [f"[{i.vocabulary}:{i.code}]" for i in location.location_ids[:1] if i.vocabulary and i.code]
    if location.point and location.point.pos and len(location.point.pos.split()) == 2:
        parts.append("({} {})".format(*location.point.pos.split()))
    return " ".join(part for part in parts if part)


def _marker(marker: Marker) -> PolicyMarker:
    known = gac_markers().get(marker.code) if marker.vocabulary == GAC_VOCABULARY else None
    return PolicyMarker(
        vocabulary=marker.vocabulary,
        vocabulary_uri=vocabulary_uri() if marker.vocabulary == GAC_VOCABULARY else None,
        code=marker.code,
        significance=marker.significance,
        narratives={"en": known.name} if known else {},
    )


def _result(kind: str, text: str) -> Result:
    titles = {"en": RESULT_TITLES[kind]["en"]}
    return Result(
        type="2",
        title=Narrated(narratives=titles),
        description=Description(narratives={"en": text}),
        indicators=[Indicator(measure="5", title=Narrated(narratives=dict(titles)))],
    )


def to_activity(project: GacProject, where: Where | None = None) -> Activity:
    """The IATI activity GAC would publish for this record."""
    where = where or Where()
    reporting = project.reporting_organization or GAC_NAMES["en"]
    activity = Activity(
        default_currency=project.currency,
        last_updated_datetime=(dt.datetime.combine(project.date_modified, dt.time())
                               if project.date_modified else None),
        iati_identifier=project.identifier,
        reporting_org=ReportingOrg(ref=GAC_REF, type=GAC_TYPE, narratives=(
            dict(GAC_NAMES) if reporting == GAC_NAMES["en"] else {"en": reporting})),
        title=Narrated(narratives={"en": project.title}) if project.title else None,
        descriptions=[Description(type="1", narratives={"en": project.description})] if project.description else [],
        participating_orgs=[
            ParticipatingOrg(ref="CA", type=GAC_TYPE, role="1", narratives={"en": "Canada", "fr": "Canada"}),
            ParticipatingOrg(ref=GAC_REF, type=GAC_TYPE, role="3", narratives=dict(GAC_NAMES)),
            *[ParticipatingOrg(role="4", narratives={"en": name}) for name in project.executing_agencies],
        ],
        other_identifiers=[OtherIdentifier(ref=ref, type=kind) for ref, kind in project.other_identifiers],
        activity_status=Code(code=project.status) if project.status else None,
        recipient_countries=[RecipientCountry(code=s.code, percentage=s.percentage) for s in project.countries],
        recipient_regions=[RecipientRegion(code=s.code, vocabulary="1", percentage=s.percentage)
                           for s in project.regions],
        locations=[_location(item) for item in project.locations],
        sectors=[Sector(vocabulary="1", code=s.code, percentage=s.percentage) for s in project.sectors],
        policy_markers=[_marker(m) for m in project.policy_markers],
        collaboration_type=Code(code=project.collaboration_type) if project.collaboration_type else None,
        default_finance_type=Code(code=project.finance_type) if project.finance_type else None,
        default_aid_types=[AidType(code=project.aid_type, vocabulary="1")] if project.aid_type else [],
    )
    activity.activity_dates = _dates(project)
    activity.budgets = [_budget(b, project) for b in project.budgets]
    if project.maximum_contribution is not None:
        activity.transactions = [_commitment(project, where)]
    elif project.flow_type:
        activity.default_flow_type = Code(code=project.flow_type)
    if project.identifier.startswith(GAC_REF + "-"):
        activity.document_links = [_profile_link(project.project_number, lang) for lang in PROFILE_TITLES]
    activity.legacy_data = [LegacyData(name=label, value=getattr(project, name))
                            for name, label in LEGACY.items() if getattr(project, name)]
    activity.legacy_data += [LegacyData(name=CONTRIBUTING, value=v) for v in project.contributing_organizations]
    activity.results = [_result(kind, text) for kind, text in
                        (("expected", project.expected_results), ("achieved", project.results_achieved)) if text]
    return activity


def _dates(project: GacProject) -> list[ActivityDate]:
    dates: list[ActivityDate] = []
    if project.start:
        started = project.date_modified is None or project.start <= project.date_modified
        dates.append(ActivityDate(type="2" if started else "1", iso_date=project.start))
    if project.end:
        dates.append(ActivityDate(type="4" if project.status == "4" else "3", iso_date=project.end))
    return dates


def _budget(budget: GacBudget, project: GacProject) -> Budget:
    return Budget(
        type="1",
        status="2",
        period_start=IsoDate(iso_date=budget.start),
        period_end=IsoDate(iso_date=budget.end),
        value=Value(currency=None if budget.currency == project.currency else budget.currency,
                    value_date=project.start or budget.start, amount=budget.value),
    )


def _commitment(project: GacProject, where: Where) -> Transaction:
    day = project.start or project.date_modified
    if day is None:
        raise where.at("Maximum Contribution").error(
            "the commitment needs a date: give the project a Start Date or a Date Modified")
    return Transaction(
        transaction_type=Code(code="2"),
        transaction_date=IsoDate(iso_date=day),
        value=Value(value_date=day, amount=project.maximum_contribution),
        provider_org=TransactionOrg(ref=GAC_REF, narratives=dict(GAC_NAMES)),
        flow_type=Code(code=project.flow_type) if project.flow_type else None,
    )


def _profile_link(number: str, lang: str) -> DocumentLink:
    code, title = PROFILE_TITLES[lang]
    return DocumentLink(
        format="text/html",
        url=PROFILE_URL.format(number=number, lang=code),
        title=Narrated(narratives={lang: title}),
        categories=[Code(code="A02")],
        languages=[Code(code=lang)],
    )


def from_activity(activity: Activity) -> GacProject:
    """What the GAC layout can show of any activity (the rest has no column and is not taken)."""
    project = GacProject(
        identifier=(activity.iati_identifier or "").strip(),
        title=_en(activity.title.narratives) if activity.title else "",
        status=activity.activity_status.code if activity.activity_status else None,
        currency=activity.default_currency or "CAD",
    )
    if isinstance(activity.last_updated_datetime, dt.datetime):
        project.date_modified = activity.last_updated_datetime.date()
    else:
        project.date_modified = _date(activity.last_updated_datetime)
    general = [d for d in activity.descriptions if d.type in (None, "1")]
    project.description = _en(general[0].narratives) if general else ""
    project.reporting_organization = _en(activity.reporting_org.narratives) if activity.reporting_org else ""
    project.executing_agencies = [_en(o.narratives) or (o.ref or "") for o in activity.participating_orgs
                                  if o.role == "4"]
    project.other_identifiers = [(o.ref, o.type or "A2") for o in activity.other_identifiers if o.ref]
    by_type = {d.type: _date(d.iso_date) for d in activity.activity_dates}
    project.start = by_type.get("2") or by_type.get("1")
    project.end = by_type.get("4") or by_type.get("3")
    project.countries = [Share(c.code, _decimal(c.percentage)) for c in activity.recipient_countries if c.code]
    project.regions = [Share(r.code, _decimal(r.percentage)) for r in activity.recipient_regions
                       if r.code and r.vocabulary in (None, "1")]
    project.locations = [text for text in map(_location_text, activity.locations) if text]
    project.sectors = [Share(s.code, _decimal(s.percentage)) for s in activity.sectors
                       if s.code and s.vocabulary in (None, "1")]
    project.policy_markers = [Marker(m.vocabulary or "1", m.code, m.significance or "0")
                              for m in activity.policy_markers if m.code and m.vocabulary in (None, "1", "99")]
    project.collaboration_type = activity.collaboration_type.code if activity.collaboration_type else None
    project.finance_type = activity.default_finance_type.code if activity.default_finance_type else None
    aid = [a for a in activity.default_aid_types if a.vocabulary in (None, "1")]
    project.aid_type = aid[0].code if aid else None
    _money_from(activity, project)
    _extras_from(activity, project)
    return project


def _money_from(activity: Activity, project: GacProject) -> None:
    commitments = [t for t in activity.transactions if t.transaction_type and t.transaction_type.code == "2"]
    if commitments and commitments[0].value is not None:
        project.maximum_contribution = _decimal(commitments[0].value.amount)
    flows = [t.flow_type.code for t in commitments + activity.transactions if t.flow_type and t.flow_type.code]
    default_flow = activity.default_flow_type.code if activity.default_flow_type else None
    project.flow_type = flows[0] if flows else default_flow
    for budget in activity.budgets:
        start = _date(budget.period_start.iso_date) if budget.period_start else None
        end = _date(budget.period_end.iso_date) if budget.period_end else None
        amount = _decimal(budget.value.amount) if budget.value else None
        if start and end and amount is not None:
            currency = (budget.value.currency if budget.value else None) or project.currency
            project.budgets.append(GacBudget(start, end, amount, currency))


def _extras_from(activity: Activity, project: GacProject) -> None:
    labels = {label: name for name, label in LEGACY.items()}
    for item in activity.legacy_data:
        if item.name in labels and item.value:
            setattr(project, labels[item.name], item.value)
        elif item.name == CONTRIBUTING and item.value:
            project.contributing_organizations.append(item.value)
    for result in activity.results:
        kind = _RESULT_KIND.get(_en(result.title.narratives).strip().casefold()) if result.title else None
        text = _en(result.description.narratives) if result.description else ""
        if kind == "expected" and text and not project.expected_results:
            project.expected_results = text
        elif kind == "achieved" and text and not project.results_achieved:
            project.results_achieved = text
