"""Reading the date part of the loose date strings found in IATI data and codelists."""

from __future__ import annotations

import datetime as dt

__all__ = ["leading_date"]


def leading_date(value: str | None) -> dt.date | None:
    """The ``YYYY-MM-DD`` at the start of ``value`` (``2019-12-31``, ``2019-12-31T00:00:00Z``), else None.

    Checks that compare dates (withdrawn codes, transactions in the future, budget periods) only need
    the day; a value that does not start with a real date is left to the schema layer to report.
    """
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
