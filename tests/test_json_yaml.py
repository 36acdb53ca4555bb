"""XML → json → XML and XML → yaml → XML lose nothing; the record readers stream and refuse bad input."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from iati_files import activity_files
from iaticonv.errors import InputError
from iaticonv.formats.iati_xml.xml_io import IatiXmlReader, IatiXmlWriter
from iaticonv.formats.records.json_yaml import JsonReader, JsonWriter, YamlReader, YamlWriter
from iaticonv.model import Activity, Budget, IsoDate, Value
from xmlcompare import assert_same_xml

FILES_203 = activity_files("2.03")
CODECS = {"json": (JsonWriter, JsonReader), "yaml": (YamlWriter, YamlReader)}


def _via(path: Path, tmp_path: Path, codec: str) -> bytes:
    writer_cls, reader_cls = CODECS[codec]
    xml_reader = IatiXmlReader(path)
    middle = tmp_path / f"middle.{codec}"
    with middle.open("wb") as handle:
        writer_cls().write(handle, xml_reader.records(), xml_reader.header())
    record_reader = reader_cls(middle)
    out = io.BytesIO()
    IatiXmlWriter().write(out, record_reader.records(), record_reader.header())
    return out.getvalue()


@pytest.mark.parametrize("path", FILES_203, ids=lambda p: p.name)
def test_xml_json_xml_is_lossless(path: Path, tmp_path: Path) -> None:
    assert_same_xml(path, _via(path, tmp_path, "json"))


@pytest.mark.parametrize("path", FILES_203, ids=lambda p: p.name)
def test_xml_yaml_xml_is_lossless(path: Path, tmp_path: Path) -> None:
    assert_same_xml(path, _via(path, tmp_path, "yaml"))


def _activity() -> Activity:
    return Activity(
        iati_identifier="CA-3-A034224001",
        budgets=[Budget(type="1", status="2", period_start=IsoDate(iso_date=date(2010, 4, 1)),
                        period_end=IsoDate(iso_date="2011-03-31Z"),
                        value=Value(currency="CAD", amount=Decimal("19075668.00")))],
    )


def test_json_record_shape_is_plain_and_exact(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    with path.open("wb") as handle:
        JsonWriter().write(handle, [_activity()])
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == '{"iati-activities": {"version": "2.03"},'
    record = json.loads(lines[2])
    assert record["budgets"][0]["value"] == {"currency": "CAD", "amount": "19075668.00"}
    assert record["budgets"][0]["period_end"] == {"iso_date": "2011-03-31Z"}
    (back,) = JsonReader(path).records()
    assert back == _activity()


def test_json_reader_accepts_a_plain_list_and_a_single_record(tmp_path: Path) -> None:
    record = {"iati_identifier": "X-1", "sectors": [{"code": "15112", "percentage": 100}]}
    for data in ([record], record):
        path = tmp_path / "plain.json"
        path.write_text(json.dumps(data, indent=1))
        (activity,) = JsonReader(path).records()
        assert activity.iati_identifier == "X-1"
        assert activity.sectors[0].percentage == Decimal(100)


def test_hand_written_yaml_with_native_types(tmp_path: Path) -> None:
    path = tmp_path / "hand.yaml"
    path.write_text("iati_identifier: X-2\nactivity_dates:\n- type: '2'\n  iso_date: 2011-07-20\n"
                    "sectors:\n- code: '15112'\n  percentage: 100.5\n", encoding="utf-8")
    (activity,) = YamlReader(path).records()
    assert activity.activity_dates[0].iso_date == date(2011, 7, 20)
    assert activity.sectors[0].percentage == Decimal("100.5")


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"iati_identifier": "X", "budget": []}, "activities[0].budget"),
        ({"iati_identifier": "X", "budgets": [{"value": {"amount": [1]}}]}, "activities[0].budgets[0].value.amount"),
        ({"iati_identifier": "X", "title": {"narratives": ["en"]}}, "activities[0].title.narratives"),
        ({"iati_identifier": "X", "extras": ["<broken"]}, "activities[0].extras[0]"),
        ({"iati_identifier": "X", "order": ["nonsense"]}, "activities[0].order[0]"),
    ],
)
def test_bad_records_name_the_field(tmp_path: Path, record: dict[str, object], field: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([record]))
    with pytest.raises(InputError) as info:
        list(JsonReader(path).records())
    assert info.value.field == field and info.value.file == str(path)


def test_broken_json_and_yaml_give_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    with path.open("wb") as handle:
        JsonWriter().write(handle, [_activity(), _activity()])
    lines = path.read_text().splitlines()
    lines[3] = lines[3][:-5]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as info:
        list(JsonReader(path).records())
    assert info.value.line == 4
    yaml_path = tmp_path / "broken.yaml"
    yaml_path.write_text("iati_identifier: X\nsectors: [\n")
    with pytest.raises(InputError) as yinfo:
        list(YamlReader(yaml_path).records())
    assert yinfo.value.line is not None
