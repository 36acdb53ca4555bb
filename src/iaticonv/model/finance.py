"""The money side of an activity: budgets, planned disbursements, transactions, CRS and FSS data."""

# ruff: noqa: RUF009  -- attr()/child()/… return dataclasses.field(...) specs, the dataclass idiom for metadata

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ._meta import Node, attr, child, children, text, text_child
from ._scalars import BOOL, DATE, DECIMAL
from .common import AidType, Code, IsoDate, Narrated, RecipientCountry, RecipientRegion, Sector, TransactionOrg, Value

__all__ = [
    "Budget",
    "BudgetItem",
    "CapitalSpend",
    "CountryBudgetItems",
    "CrsAdd",
    "Forecast",
    "Fss",
    "LoanStatus",
    "LoanTerms",
    "OtherFlag",
    "PlannedDisbursement",
    "Transaction",
]


@dataclass(slots=True, kw_only=True)
class Budget(Node):
    """``budget``: type 1 original / 2 revised, status 1 indicative / 2 committed, over one period."""

    type: str | None = attr("type")
    status: str | None = attr("status")
    period_start: IsoDate | None = child("period-start", IsoDate)
    period_end: IsoDate | None = child("period-end", IsoDate)
    value: Value | None = child("value", Value)


@dataclass(slots=True, kw_only=True)
class PlannedDisbursement(Node):
    """``planned-disbursement``: a forecast payment between two organisations."""

    type: str | None = attr("type")
    period_start: IsoDate | None = child("period-start", IsoDate)
    period_end: IsoDate | None = child("period-end", IsoDate)
    value: Value | None = child("value", Value)
    provider_org: TransactionOrg | None = child("provider-org", TransactionOrg)
    receiver_org: TransactionOrg | None = child("receiver-org", TransactionOrg)


@dataclass(slots=True, kw_only=True)
class CapitalSpend(Node):
    """``capital-spend``: the percentage of the total commitment spent on capital."""

    percentage: Decimal | str | None = attr("percentage", DECIMAL)


@dataclass(slots=True, kw_only=True)
class Transaction(Node):
    """``transaction``: a commitment, disbursement, expenditure, incoming fund, … (TransactionType)."""

    ref: str | None = attr("ref")
    humanitarian: bool | str | None = attr("humanitarian", BOOL)
    transaction_type: Code | None = child("transaction-type", Code)
    transaction_date: IsoDate | None = child("transaction-date", IsoDate)
    value: Value | None = child("value", Value)
    description: Narrated | None = child("description", Narrated)
    provider_org: TransactionOrg | None = child("provider-org", TransactionOrg)
    receiver_org: TransactionOrg | None = child("receiver-org", TransactionOrg)
    disbursement_channel: Code | None = child("disbursement-channel", Code)
    sectors: list[Sector] = children("sector", Sector)
    recipient_country: RecipientCountry | None = child("recipient-country", RecipientCountry)
    recipient_region: RecipientRegion | None = child("recipient-region", RecipientRegion)
    flow_type: Code | None = child("flow-type", Code)
    finance_type: Code | None = child("finance-type", Code)
    aid_types: list[AidType] = children("aid-type", AidType)
    tied_status: Code | None = child("tied-status", Code)


@dataclass(slots=True, kw_only=True)
class BudgetItem(Node):
    """``budget-item``: a code of the recipient country's budget classification with a percentage."""

    code: str | None = attr("code")
    percentage: Decimal | str | None = attr("percentage", DECIMAL)
    description: Narrated | None = child("description", Narrated)


@dataclass(slots=True, kw_only=True)
class CountryBudgetItems(Node):
    """``country-budget-items``: budget items in one BudgetIdentifierVocabulary."""

    vocabulary: str | None = attr("vocabulary")
    budget_items: list[BudgetItem] = children("budget-item", BudgetItem)


@dataclass(slots=True, kw_only=True)
class OtherFlag(Node):
    """``crs-add/other-flags``: a CRS flag code and whether it applies."""

    code: str | None = attr("code")
    significance: bool | str | None = attr("significance", BOOL)


@dataclass(slots=True, kw_only=True)
class LoanTerms(Node):
    """``crs-add/loan-terms``: interest rates, repayment type/plan and key dates."""

    rate_1: Decimal | str | None = attr("rate-1", DECIMAL)
    rate_2: Decimal | str | None = attr("rate-2", DECIMAL)
    repayment_type: Code | None = child("repayment-type", Code)
    repayment_plan: Code | None = child("repayment-plan", Code)
    commitment_date: IsoDate | None = child("commitment-date", IsoDate)
    repayment_first_date: IsoDate | None = child("repayment-first-date", IsoDate)
    repayment_final_date: IsoDate | None = child("repayment-final-date", IsoDate)


@dataclass(slots=True, kw_only=True)
class LoanStatus(Node):
    """``crs-add/loan-status``: the loan's position at the end of a year."""

    year: Decimal | str | None = attr("year", DECIMAL)
    currency: str | None = attr("currency")
    value_date: date | str | None = attr("value-date", DATE)
    interest_received: Decimal | str | None = text_child("interest-received", DECIMAL)
    principal_outstanding: Decimal | str | None = text_child("principal-outstanding", DECIMAL)
    principal_arrears: Decimal | str | None = text_child("principal-arrears", DECIMAL)
    interest_arrears: Decimal | str | None = text_child("interest-arrears", DECIMAL)


@dataclass(slots=True, kw_only=True)
class CrsAdd(Node):
    """``crs-add``: additional data for the OECD DAC Creditor Reporting System."""

    other_flags: list[OtherFlag] = children("other-flags", OtherFlag)
    loan_terms: LoanTerms | None = child("loan-terms", LoanTerms)
    loan_status: LoanStatus | None = child("loan-status", LoanStatus)
    channel_code: str | None = text_child("channel-code")


@dataclass(slots=True, kw_only=True)
class Forecast(Node):
    """``fss/forecast``: a forward spending amount for one year."""

    year: Decimal | str | None = attr("year", DECIMAL)
    value_date: date | str | None = attr("value-date", DATE)
    currency: str | None = attr("currency")
    amount: Decimal | str | None = text(DECIMAL)


@dataclass(slots=True, kw_only=True)
class Fss(Node):
    """``fss``: the OECD DAC Forward Spending Survey."""

    extraction_date: date | str | None = attr("extraction-date", DATE)
    priority: bool | str | None = attr("priority", BOOL)
    phaseout_year: Decimal | str | None = attr("phaseout-year", DECIMAL)
    forecasts: list[Forecast] = children("forecast", Forecast)



