"""Property test: any record the model can hold survives record → tables → record, CSV and XLSX.

The records come from the model engineer's metadata-driven strategy (``test_model_properties``),
so every class and field kind — narratives in any language, kept non-canonical values, verbatim
extras, other-namespace attributes, empty 0..1 elements — is exercised without listing them here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings

from iaticonv.formats.tables import TablesReader, TablesWriter
from iaticonv.model import Activity
from test_model_properties import ACTIVITIES, SLOW_OK


def _round_trip(activities: list[Activity], target: Path) -> list[Activity]:
    TablesWriter(overwrite=True).write_to(target, activities, None)
    return list(TablesReader(target).records())


@settings(max_examples=30, deadline=None, suppress_health_check=SLOW_OK)
@given(activities=ACTIVITIES)
def test_record_csv_folder_record_is_identity(activities: list[Activity], tmp_path_factory: Any) -> None:
    target = tmp_path_factory.mktemp("tables") / "folder"
    assert _round_trip(activities, target) == activities


@settings(max_examples=12, deadline=None, suppress_health_check=SLOW_OK)
@given(activities=ACTIVITIES)
def test_record_workbook_record_is_identity(activities: list[Activity], tmp_path_factory: Any) -> None:
    target = tmp_path_factory.mktemp("tables") / "book.xlsx"
    assert _round_trip(activities, target) == activities
