"""Results: result → indicator → baseline and period (target/actual), as IATI 2.03 shapes them."""

# ruff: noqa: RUF009  -- attr()/child()/… return dataclasses.field(...) specs, the dataclass idiom for metadata

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ._meta import Node, attr, child, children
from ._scalars import BOOL, DATE, INT
from .common import Description, DocumentLink, IsoDate, Narrated

__all__ = [
    "Baseline",
    "Dimension",
    "Indicator",
    "IndicatorReference",
    "Period",
    "PeriodValue",
    "Result",
    "ResultLocation",
    "ResultReference",
]


@dataclass(slots=True, kw_only=True)
class ResultLocation(Node):
    """``location/@ref`` inside a baseline/target/actual: points at an activity ``location``."""

    ref: str | None = attr("ref")


@dataclass(slots=True, kw_only=True)
class Dimension(Node):
    """``dimension``: a disaggregation (e.g. sex = female) of a value."""

    name: str | None = attr("name")
    value: str | None = attr("value")


@dataclass(slots=True, kw_only=True)
class Baseline(Node):
    """``baseline``: the starting value of an indicator (``@value`` is text: qualitative ones exist)."""

    year: int | str | None = attr("year", INT)
    iso_date: date | str | None = attr("iso-date", DATE)
    value: str | None = attr("value")
    locations: list[ResultLocation] = children("location", ResultLocation)
    dimensions: list[Dimension] = children("dimension", Dimension)
    document_links: list[DocumentLink] = children("document-link", DocumentLink)
    comment: Narrated | None = child("comment", Narrated)


@dataclass(slots=True, kw_only=True)
class PeriodValue(Node):
    """``target`` or ``actual`` of a period."""

    value: str | None = attr("value")
    locations: list[ResultLocation] = children("location", ResultLocation)
    dimensions: list[Dimension] = children("dimension", Dimension)
    comment: Narrated | None = child("comment", Narrated)
    document_links: list[DocumentLink] = children("document-link", DocumentLink)


@dataclass(slots=True, kw_only=True)
class Period(Node):
    """``period``: one reporting period of an indicator."""

    period_start: IsoDate | None = child("period-start", IsoDate)
    period_end: IsoDate | None = child("period-end", IsoDate)
    targets: list[PeriodValue] = children("target", PeriodValue)
    actuals: list[PeriodValue] = children("actual", PeriodValue)


@dataclass(slots=True, kw_only=True)
class IndicatorReference(Node):
    """``indicator/reference``: the indicator in an external vocabulary."""

    vocabulary: str | None = attr("vocabulary")
    code: str | None = attr("code")
    indicator_uri: str | None = attr("indicator-uri")


@dataclass(slots=True, kw_only=True)
class ResultReference(Node):
    """``result/reference``: the result in an external vocabulary."""

    vocabulary: str | None = attr("vocabulary")
    code: str | None = attr("code")
    vocabulary_uri: str | None = attr("vocabulary-uri")


@dataclass(slots=True, kw_only=True)
class Indicator(Node):
    """``indicator``: measure 1 unit, 2 percentage, 3 nominal, 4 ordinal, 5 qualitative."""

    measure: str | None = attr("measure")
    ascending: bool | str | None = attr("ascending", BOOL)
    aggregation_status: bool | str | None = attr("aggregation-status", BOOL)
    title: Narrated | None = child("title", Narrated)
    description: Description | None = child("description", Description)
    document_links: list[DocumentLink] = children("document-link", DocumentLink)
    references: list[IndicatorReference] = children("reference", IndicatorReference)
    baselines: list[Baseline] = children("baseline", Baseline)
    periods: list[Period] = children("period", Period)


@dataclass(slots=True, kw_only=True)
class Result(Node):
    """``result``: type 1 output, 2 outcome, 3 impact, 9 other."""

    type: str | None = attr("type")
    aggregation_status: bool | str | None = attr("aggregation-status", BOOL)
    title: Narrated | None = child("title", Narrated)
    description: Description | None = child("description", Description)
    document_links: list[DocumentLink] = children("document-link", DocumentLink)
    references: list[ResultReference] = children("reference", ResultReference)
    indicators: list[Indicator] = children("indicator", Indicator)
