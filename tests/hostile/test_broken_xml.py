"""Broken XML through ``validate`` and ``convert``, in-process: each ends in a clear, located message.

A file that is broken on purpose but still valid XML (a byte-order mark, UTF-16) must give exactly
the result of the clean original; a file whose values are wrong (text in a date) is carried over
verbatim by ``convert`` (nothing lost) and flagged by ``validate``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hostile import corpus
from hostile.harness import Outcome, cli


def _validate(path: Path) -> Outcome:
    return cli("validate", path)


def _convert(path: Path, tmp_path: Path) -> tuple[Outcome, Path]:
    output = tmp_path / "out" / f"{path.stem}.json"
    return cli("convert", path, "-o", output), output


# case → (finding id, what the validate message says, what the convert error says)
NOT_XML: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "empty": ("0.1.1", ("the file is empty",), ("line 1", "the file is empty")),
    "truncated": ("0.1.1", ("line 3638", "the file ends before the XML is complete"),
                  ("line 3638", "the file ends before the XML is complete")),
    "binary-garbage": ("0.1.1", ("line 1", "this is not XML"), ("line 1", "this is not XML")),
    "invalid-utf8": ("0.1.1", ("line 6", "not valid in the file's encoding", "save it as UTF-8"),
                     ("line 6", "not valid in the file's encoding")),
    "non-iati-root": ("0.2.1", ("its root element is <html>",), ("line 1", "not an IATI activity file", "<html>")),
    "namespaced-root": ("0.2.1", ("its root element is <{urn:not-iati}iati-activities>",),
                        ("line 1", "the root element is <{urn:not-iati}iati-activities>")),
}


@pytest.mark.parametrize("case", sorted(NOT_XML))
def test_unreadable_file(case: str, tmp_path: Path) -> None:
    path = corpus.BROKEN[case](tmp_path)
    rule, validate_says, convert_says = NOT_XML[case]
    outcome = _validate(path)
    outcome.assert_clean_failure(str(path), rule, "INVALID", *validate_says)
    converted, output = _convert(path, tmp_path)
    converted.assert_clean_failure(str(path), *convert_says)
    assert not output.exists()


def test_truncated_file_keeps_the_location_in_json(tmp_path: Path) -> None:
    """Scripts get the same facts: rule, line and the plain message in the JSON report."""
    path = corpus.truncated(tmp_path)
    outcome = cli("validate", path, "--format", "json")
    assert outcome.code == 1
    report = json.loads(outcome.out)
    assert [(f["id"], f["line"], f["file"]) for f in report["findings"]] == [("0.1.1", 3638, str(path))]
    assert "the file ends before the XML is complete" in report["findings"][0]["message"]


@pytest.mark.parametrize("case", ["utf16-bom", "utf8-bom"])
def test_byte_order_marks_read_like_the_original(case: str, tmp_path: Path) -> None:
    path = corpus.BROKEN[case](tmp_path)
    original, marked = cli("validate", corpus.FCDO, "--format", "json"), cli("validate", path, "--format", "json")
    assert marked.code == original.code == 0, marked.text

    def facts(outcome: Outcome) -> list[tuple[str, int | None, str | None]]:
        report = json.loads(outcome.out)
        return [(f["id"], f["line"], f["xpath"]) for f in report["findings"]]

    assert facts(marked) == facts(original) and facts(original)
    left, out_left = _convert(corpus.FCDO, tmp_path / "a")
    right, out_right = _convert(path, tmp_path / "b")
    assert left.code == right.code == 0, right.text
    assert out_right.read_bytes() == out_left.read_bytes()


def test_activity_in_a_foreign_namespace_is_not_dropped_silently(tmp_path: Path) -> None:
    path = corpus.namespaced_activity(tmp_path)
    _validate(path).assert_clean_failure("0.3.1", "{urn:elsewhere}iati-activity", "line 3")
    converted, _ = _convert(path, tmp_path)
    converted.assert_clean_failure(f"{path}:3", "in the namespace 'urn:elsewhere'", "not converted",
                                   "read.not-an-activity", "0 activities")


@pytest.mark.parametrize("case", ["version-missing", "version-on-activity"])
def test_version_missing_or_on_the_activity(case: str, tmp_path: Path) -> None:
    path = corpus.BROKEN[case](tmp_path)
    outcome = _validate(path)
    outcome.assert_clean_failure("0.6.1", "(none declared)", "Checked against the 2.03 rules")
    if case == "version-on-activity":
        assert "attribute 'version' is not allowed" in outcome.out  # the real exports' mistake, located
    converted, output = _convert(path, tmp_path)
    converted.assert_warned(f"{path}:2", "declares no version", "read.no-version")
    record = json.loads(output.read_text(encoding="utf-8"))["activities"][0]
    assert record["iati_identifier"] == "GB-GOV-1-HOSTILE"  # converted all the same, nothing lost
    if case == "version-on-activity":
        assert record["extra_attrs"] == {"version": "2.03"}


def test_text_where_a_number_or_date_belongs(tmp_path: Path) -> None:
    path = corpus.wrong_types(tmp_path)
    outcome = _validate(path)
    outcome.assert_clean_failure("0.3.1", "'yesterday' is not a valid value of the atomic type 'xs:date'",
                                 "'the end of March' is not a valid value", "'about a million' is not a valid value")
    assert "line 10" in outcome.out and "line 13" in outcome.out
    converted, output = _convert(path, tmp_path)
    assert converted.code == 0, converted.text  # convert carries values verbatim: validate is the judge
    budget = json.loads(output.read_text(encoding="utf-8"))["activities"][0]["budgets"][0]
    assert budget["value"]["amount"] == "about a million" and budget["period_end"]["iso_date"] == "the end of March"
    back = tmp_path / "back.xml"
    assert cli("convert", output, "-o", back).code == 0
    assert ">about a million</value>" in back.read_text(encoding="utf-8")
