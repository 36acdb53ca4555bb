"""Dataset payloads from real and generated IATI files, and the errors for files that cannot give one."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLE_ACTIVITY, EXAMPLE_ORGANISATION, real_files
from iaticonv.errors import InputError, UsageError
from iaticonv.publish import build_payload, read_file_facts
from iaticonv.publish.payload import SHORT_NAME_PATTERN, sanitise_publisher
from publish_samples import ACTIVITY_XML, write_activity_file

ORG = "5401c7f4-e9fd-4ce3-b184-bfe1cb71a9f8"


def test_organisation_example() -> None:
    facts = read_file_facts(EXAMPLE_ORGANISATION)
    assert (facts.kind, facts.reporting_org_ref, facts.reporting_org_name) == (
        "organisations", "AA-AAA-123456789", "Organisation name")
    payload = build_payload(facts, url="https://example.org/org.xml", org=ORG.upper())
    assert payload.body == {
        "human_readable_name": "Organisation name - organisation file", "short_name": "aa-aaa-123456789-org",
        "source_type": "primary_source", "url": "https://example.org/org.xml", "visibility": "public",
        "licence_id": "cc-by", "owner_organisation_id": ORG}
    assert payload.explicit == {"url", "short_name", "owner_organisation_id"}


def test_activity_example_and_explicit_choices() -> None:
    facts = read_file_facts(EXAMPLE_ACTIVITY)
    assert facts.kind == "activities"
    payload = build_payload(facts, url="http://example.org/a.xml", org=ORG, short_name="my_set-1",
                            title="  My activities ", licence="cc-zero", visibility="private",
                            source_type="secondary_source")
    assert payload.body["short_name"] == "my_set-1" and payload.body["human_readable_name"] == "My activities"
    assert payload.explicit >= {"human_readable_name", "licence_id", "visibility", "source_type"}


def test_french_only_name_is_used_when_no_english(tmp_path: Path) -> None:
    english = '   <narrative>Global Affairs Canada</narrative>\n   <narrative xml:lang="fr">'
    text = ACTIVITY_XML.format(ref="CA-3", suffix="").replace(english, '   <narrative xml:lang="fr">', 1)
    path = tmp_path / "fr.xml"
    path.write_text(text, encoding="utf-8")
    assert read_file_facts(path).reporting_org_name == "Affaires mondiales Canada"


@pytest.mark.parametrize(("ref", "expected"), [
    ("CA-3", "ca-3"), ("XM-DAC-41114", "xm-dac-41114"), ("GB-COH-01234567", "gb-coh-01234567"),
    (" NL-KVK-41149486 ", "nl-kvk-41149486"), ("US-EIN-12/3456 7", "us-ein-12-3456-7"), ("DE.1..", "de-1"),
])
def test_sanitise_publisher(ref: str, expected: str) -> None:
    assert sanitise_publisher(ref) == expected and SHORT_NAME_PATTERN.match(expected)


def test_every_real_file_gives_a_valid_short_name() -> None:
    files = real_files()
    assert files, "no real files found in ../shared"
    for path in files:
        facts = read_file_facts(path)
        payload = build_payload(facts, url="https://example.org/x.xml", org=ORG)
        assert SHORT_NAME_PATTERN.match(payload.body["short_name"]), path
        assert payload.body["short_name"].endswith("-activities" if facts.kind == "activities" else "-org")


def test_reading_stops_at_the_first_reporting_org(tmp_path: Path) -> None:
    """Everything after the first record is never parsed: a broken tail does not matter."""
    path = write_activity_file(tmp_path / "a.xml")
    path.write_text(path.read_text().replace("</iati-activities>", "<iati-activity><broken"), encoding="utf-8")
    assert read_file_facts(path).reporting_org_ref == "CA-3"


def test_malformed_xml_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.xml"
    path.write_text("<?xml version='1.0'?>\n<iati-activities>\n<iati-activity>\n<reporting-org ref='X'\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_file_facts(path)
    assert caught.value.file == str(path) and caught.value.line is not None and caught.value.exit_code == 1


def test_wrong_root_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_text("<html><body/></html>", encoding="utf-8")
    with pytest.raises(InputError, match="root element is <html>") as caught:
        read_file_facts(path)
    assert caught.value.line == 1


def test_missing_reporting_org_ref_needs_a_short_name(tmp_path: Path) -> None:
    path = tmp_path / "noref.xml"
    path.write_text(ACTIVITY_XML.format(ref="", suffix=""), encoding="utf-8")
    facts = read_file_facts(path)
    with pytest.raises(InputError, match="short name") as caught:
        build_payload(facts, url="https://example.org/a.xml", org=ORG)
    assert caught.value.field == "reporting-org/@ref" and "--short-name" in str(caught.value)
    assert build_payload(facts, url="https://example.org/a.xml", org=ORG, short_name="n").body["short_name"] == "n"


def test_missing_file() -> None:
    with pytest.raises(InputError, match="no such file"):
        read_file_facts(Path("/nonexistent/activities.xml"))


@pytest.mark.parametrize(("kwargs", "needle"), [
    ({"url": "example.org/a.xml"}, "--url"),
    ({"url": "file:///tmp/a.xml"}, "--url"),
    ({"org": "CA-3"}, "--org"),
    ({"short_name": "GAC Activities"}, "--short-name"),
    ({"title": "   "}, "--title"),
])
def test_bad_choices_are_usage_errors(kwargs: dict[str, str], needle: str) -> None:
    args = {"url": "https://example.org/a.xml", "org": ORG, **kwargs}
    with pytest.raises(UsageError, match=needle):
        build_payload(read_file_facts(EXAMPLE_ORGANISATION), **args)
