"""The compiled parts are loaded only when built for the running lxml, never fail a command, and say
what they are doing (``iaticonv --version``).

The commands run in child interpreters, each with one seam of the loader replaced before iaticonv
starts: a build that claims another lxml, or a module whose import raises. Their outputs must be
those of a normal run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from conftest import ROOT
from iaticonv import _speedups
from iaticonv._native_parts import NATIVE_PARTS

SAMPLES = [ROOT / "samples" / "gac-project-browser.csv", ROOT / "samples" / "gac-profile-invented.txt"]
BUILT = all(state.built for state in _speedups.part_states())
needs_build = pytest.mark.skipif(not BUILT, reason="the compiled parts are not built here (setup.py could not)")

# Run the CLI after replacing a seam of the loader: every part's build information claims lxml 5.0.0.
OTHER_LXML = """
import sys
from iaticonv import _speedups
real = _speedups._build_info
_speedups._build_info = lambda name: real(name) and {**real(name), "lxml": "5.0.0"}
from iaticonv.cli.main import main
main()
"""
# ... or an importable module of the same name that raises, found before the built one.
IMPORT_RAISES = """
import sys, pathlib, tempfile
import iaticonv.formats.iati_xml
folder = pathlib.Path(tempfile.mkdtemp())
(folder / "_xml_record_native.py").write_text("raise ValueError('lxml.etree._Element size changed')")
iaticonv.formats.iati_xml.__path__.insert(0, str(folder))
from iaticonv.cli.main import main
main()
"""
PLAIN = "from iaticonv.cli.main import main\nmain()\n"


def _iaticonv(program: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "IATICONV_PURE_PYTHON"}
    return subprocess.run([sys.executable, "-c", program, *map(str, args)], capture_output=True, text=True,
                          env=env, check=False, timeout=300)


def test_every_part_is_listed_with_its_state() -> None:
    states = _speedups.part_states()
    assert [state.name for state in states] == list(NATIVE_PARTS)
    for state in states:
        assert state.active or state.reason, state


@needs_build
def test_version_says_each_part_is_active() -> None:
    done = _iaticonv(PLAIN, "--version")
    assert done.returncode == 0, done.stderr
    assert f"lxml {etree.__version__}" in done.stdout
    for name in NATIVE_PARTS:
        assert f"{name}" in done.stdout
    assert done.stdout.count(" active") == len(NATIVE_PARTS)


@needs_build
def test_a_build_for_another_lxml_is_not_imported_and_the_commands_work(tmp_path: Path) -> None:
    done = _iaticonv(OTHER_LXML, "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(f"off: built for lxml 5.0.0, found {etree.__version__}") == len(NATIVE_PARTS)
    probe = _iaticonv(OTHER_LXML.replace("from iaticonv.cli.main import main\nmain()",
                                         "_speedups.compiled('formats.iati_xml._xml_record_native')\n"
                                         "print('formats.iati_xml._xml_record_native' in str(list(sys.modules)))"))
    assert probe.stdout.strip() == "False", probe.stderr  # checked before the import, not after
    _same_outputs(OTHER_LXML, tmp_path)


@needs_build
def test_a_module_whose_import_raises_is_reported_and_the_commands_work(tmp_path: Path) -> None:
    done = _iaticonv(IMPORT_RAISES, "--version")
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stdout.splitlines() if "formats.iati_xml._xml_record_native" in line)
    assert "off: import failed (ValueError: lxml.etree._Element size changed)" in line
    _same_outputs(IMPORT_RAISES, tmp_path)


def _same_outputs(program: str, tmp_path: Path) -> None:
    """convert (samples → XML → JSON) and validate give the plain run's bytes and exit codes."""
    for name, runner in (("plain", PLAIN), ("patched", program)):
        folder = tmp_path / name
        folder.mkdir()
        xml, records = folder / "samples.xml", folder / "samples.json"
        made = _iaticonv(runner, "convert", *SAMPLES, "-o", xml)
        back = _iaticonv(runner, "convert", xml, "-o", records)
        checked = _iaticonv(runner, "validate", xml, "--format", "json")
        assert (made.returncode, back.returncode, checked.returncode) == (0, 0, 0), made.stderr + checked.stderr
        assert "Traceback" not in made.stderr + back.stderr + checked.stderr
        report = json.loads(checked.stdout)
        findings = [{**finding, "file": None} for finding in report["findings"]]  # the folders differ
        (folder / "findings.json").write_text(json.dumps(findings, sort_keys=True))
    for produced in ("samples.xml", "samples.json", "findings.json"):
        assert (tmp_path / "plain" / produced).read_bytes() == (tmp_path / "patched" / produced).read_bytes()


@needs_build
def test_a_big_input_with_parts_off_says_so_once(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    stale = _speedups.PartState("formats.iati_xml._xml_record_native", "", False, "built for lxml 5.0.0, found 6")
    monkeypatch.setattr(_speedups, "part_states", lambda: [stale])
    monkeypatch.setattr(_speedups, "_warned", [])
    monkeypatch.delenv("IATICONV_PURE_PYTHON", raising=False)  # parts turned off on purpose are not news
    _speedups.warn_if_slow(_speedups.NOTICEABLE_BYTES - 1)
    assert capsys.readouterr().err == ""
    _speedups.warn_if_slow(_speedups.NOTICEABLE_BYTES)
    _speedups.warn_if_slow(_speedups.NOTICEABLE_BYTES)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "built for lxml 5.0.0" in err and "pip install" in err
    monkeypatch.setattr(_speedups, "_warned", [])
    monkeypatch.setenv("IATICONV_PURE_PYTHON", "1")
    _speedups.warn_if_slow(_speedups.NOTICEABLE_BYTES)
    assert capsys.readouterr().err == ""
