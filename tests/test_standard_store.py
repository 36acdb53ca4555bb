"""The IATI Standard store: install from a mirror, verify, refuse changed files, say what to do when missing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import STANDARD_MIRROR
from iaticonv.cli.main import run
from iaticonv.errors import StandardIntegrityError, StandardMissingError
from iaticonv.standard import install, installed_info, require_store, verify
from iaticonv.standard._manifest import load_manifest


@pytest.fixture
def fresh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home of its own, so these tests never disturb the session store."""
    home = tmp_path / "home"
    monkeypatch.setenv("IATICONV_HOME", str(home))
    return home


def test_manifest_lists_every_mirror_file_with_its_upstream() -> None:
    manifest = load_manifest()
    paths = {entry.path for entry in manifest.entries}
    assert "codelists/2.03/Sector.xml" in paths
    assert "schemas/2.01/iati-activities-schema.xsd" in paths
    assert "validator/2.03/rule_mapping.xml" in paths
    codelists = [p for p in paths if p.startswith("codelists/2.03/") and p.endswith(".xml") and "mapping" not in p]
    assert len(codelists) == 70
    for entry in manifest.entries:
        assert len(entry.sha256) == 64
        if entry.path == "org-id/org-id-lists.json":
            assert entry.derived and entry.derived_from and entry.how
        else:
            assert entry.url and entry.url.startswith("https://raw.githubusercontent.com/")
            assert any(commit in entry.url for commit in _all_pins(manifest.pins))


def _all_pins(pins: object) -> set[str]:
    if isinstance(pins, str):
        return {pins}
    if isinstance(pins, dict):
        return set().union(*(_all_pins(v) for v in pins.values()))
    return set()


def test_install_from_mirror_then_verify(fresh_home: Path) -> None:
    result = install(str(STANDARD_MIRROR))
    assert result.files == len(load_manifest().entries)
    assert (fresh_home / "standard" / "codelists" / "2.03" / "Sector.xml").is_file()
    assert verify() == []
    info = installed_info()
    assert info["codelists"] == 70
    assert info["codes"] > 5000
    assert info["source"] == str(STANDARD_MIRROR.resolve())


def test_changed_byte_is_refused_and_nothing_is_left(fresh_home: Path, tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    shutil.copytree(STANDARD_MIRROR, mirror)
    sector = mirror / "codelists" / "2.03" / "Sector.xml"
    sector.chmod(0o644)
    data = bytearray(sector.read_bytes())
    data[200] = ord("X") if data[200] != ord("X") else ord("Y")
    sector.write_bytes(bytes(data))
    with pytest.raises(StandardIntegrityError, match=r"codelists/2\.03/Sector\.xml"):
        install(str(mirror))
    assert not (fresh_home / "standard").exists()
    assert not [p for p in fresh_home.iterdir() if p.name.startswith(".standard-install-")]


def test_failed_reinstall_keeps_the_previous_store(fresh_home: Path, tmp_path: Path) -> None:
    install(str(STANDARD_MIRROR))
    mirror = tmp_path / "mirror"
    shutil.copytree(STANDARD_MIRROR, mirror)
    (mirror / "rulesets" / "2.03" / "standard.json").chmod(0o644)
    (mirror / "rulesets" / "2.03" / "standard.json").write_text("{}", encoding="utf-8")
    with pytest.raises(StandardIntegrityError):
        install(str(mirror))
    assert verify() == []


def test_verify_notices_a_tampered_installed_file(fresh_home: Path) -> None:
    install(str(STANDARD_MIRROR))
    target = fresh_home / "standard" / "codelists" / "2.03" / "Country.xml"
    target.write_bytes(target.read_bytes() + b"\n")
    problems = verify()
    assert len(problems) == 1
    assert problems[0].startswith("codelists/2.03/Country.xml")


def test_missing_store_says_how_to_install(fresh_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(StandardMissingError):
        require_store()
    code = run(["codelist", "find", "Peru"])
    err = capsys.readouterr().err
    assert code == 3
    assert "iaticonv standard install" in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_cli_install_info_verify(fresh_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["standard", "install", "--from", str(STANDARD_MIRROR)]) == 0
    capsys.readouterr()
    assert run(["standard", "info", "--format", "json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["codelists"] == 70
    assert info["pins"]["codelists-non-embedded"] == "7aeece773c60afa0265eb95e988d5e61e96d8482"
    assert run(["standard", "verify"]) == 0


def test_cli_install_from_changed_copy_fails_naming_file(
    fresh_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mirror = tmp_path / "mirror"
    shutil.copytree(STANDARD_MIRROR, mirror)
    sector = mirror / "codelists" / "2.03" / "Sector.xml"
    sector.chmod(0o644)
    sector.write_bytes(sector.read_bytes().replace(b"15112", b"15113", 1))
    code = run(["standard", "install", "--from", str(mirror)])
    err = capsys.readouterr().err
    assert code != 0
    assert "codelists/2.03/Sector.xml" in err


def test_env_variable_names_the_source(fresh_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IATICONV_STANDARD_SOURCE", str(STANDARD_MIRROR))
    result = install()
    assert result.source == str(STANDARD_MIRROR.resolve())
