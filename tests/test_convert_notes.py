"""Notes a reader makes carry a severity, and only notes that lose something make convert exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REAL_IATI, SEED_PROFILE
from iaticonv.cli.main import run


def test_seed_profile_converts_with_info_notes_and_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "seed.xml"
    assert run(["convert", str(SEED_PROFILE), "-o", str(out), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    codes = {(note["code"], note["severity"]) for note in report["notes"]}
    # "Geographic Information" and "900" on the page are noise: reported, nothing lost.
    assert ("gac-profile.page-noise", "info") in codes
    assert all(note["severity"] != "error" for note in report["notes"])
    assert out.is_file()


def test_upgrade_that_cannot_carry_everything_still_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = REAL_IATI / "gac-CA-3-sample-3-activities-v2.01.xml"
    assert run(["upgrade", str(source), "-o", str(tmp_path / "up.xml"), "--format", "json"]) == 1
    notes = json.loads(capsys.readouterr().out)["notes"]
    assert notes and all(note["severity"] == "error" for note in notes)
    assert any(note["code"] == "upgrade.result-without-indicator" for note in notes)
