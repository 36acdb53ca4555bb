"""Registered publishers' identifiers: saved, read, and used by validation as the official validator does (#5).

The official validator skips the identifier rules with an ``idCondition`` (1.14.8 and others) for
registered IATI publishers. GAC's ``CA-3`` is one: with the list, the seed's conversion validates
without the 1.14.8 warning; without it, the warning stays and the command says why and what to run.
The Bulk Data Service's format is taken from its OpenAPI description in ../shared/registry.
"""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from conftest import SHARED
from iaticonv.cli.main import run
from iaticonv.errors import EnvironmentProblem, InputError
from iaticonv.standard.publishers import parse_publishers, read_publishers, save_publishers, saved_publishers

SEED = SHARED / "seeds" / "gac-project-CA-3-A034224001.txt"
BULK_SPEC = SHARED / "registry" / "iati-bulk-data-service-api.yaml"


def _bulk_document(*identifiers: str) -> bytes:
    """A reporting-orgs index shaped like the Bulk Data Service's own example, with ``identifiers``."""
    spec = yaml.safe_load(BULK_SPEC.read_text(encoding="utf-8"))
    document = spec["components"]["schemas"]["reporting_orgs"]["example"]
    example = document["reporting_orgs"][0]
    document["reporting_orgs"] = [{**example, "organisation_identifier": identifier} for identifier in identifiers]
    return json.dumps(document).encode("utf-8")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data directory of its own (the session's installed Standard linked in), so a saved list
    stays out of every other test."""
    own = tmp_path / "home"
    own.mkdir()
    (own / "standard").symlink_to(Path(os.environ["IATICONV_HOME"]) / "standard")
    monkeypatch.setenv("IATICONV_HOME", str(own))
    return own


@pytest.fixture(scope="module")
def gac_xml(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seed") / "gac.xml"
    assert run(["convert", str(SEED), "-o", str(path), "--quiet"]) == 0
    return path


def test_every_accepted_layout_reads_the_same_identifiers(tmp_path: Path) -> None:
    expected = frozenset({"CA-3", "GB-GOV-1", "XM-DAC-41114"})
    layouts = {
        "bulk.json": _bulk_document("CA-3", "GB-GOV-1", "XM-DAC-41114", ""),
        "list.json": json.dumps(["CA-3", "GB-GOV-1", " XM-DAC-41114 "]).encode(),
        "lines.txt": "\ufeff# registered publishers\nCA-3\n\nGB-GOV-1  # FCDO\r\nXM-DAC-41114\n".encode(),
    }
    for name, data in layouts.items():
        path = tmp_path / name
        path.write_bytes(data)
        assert read_publishers(path) == expected, name


@pytest.mark.parametrize(("data", "says"), [
    (b'{"reporting_orgs": [', "not valid JSON"),
    (b'{"reporting_orgs": "CA-3"}', "reporting-orgs JSON"),
    (b"[1, 2]", "reporting-orgs JSON"),
    (b"\xff\xfeC\x00A\x00", "not UTF-8"),
])
def test_a_bad_list_is_an_error_naming_the_file(data: bytes, says: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_publishers(data, "publishers.json")
    assert says in str(caught.value) and caught.value.file == "publishers.json"


def test_a_missing_file_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_publishers(tmp_path / "nowhere.txt")
    assert caught.value.file == str(tmp_path / "nowhere.txt")


def test_without_a_list_1_14_8_fires_on_ca_3_and_the_command_says_why(
        gac_xml: Path, home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert saved_publishers() == frozenset()
    assert run(["validate", str(gac_xml)]) == 0
    captured = capsys.readouterr()
    assert "1.14.8" in captured.out and "'CA-3' is not an org-id.guide agency prefix" in captured.out
    assert "iaticonv standard publishers" in captured.err


def test_with_a_list_ca_3_is_grandfathered_as_officially(gac_xml: Path, home: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    listing = tmp_path / "registered.json"
    listing.write_bytes(_bulk_document("GB-GOV-1", "CA-3"))
    assert run(["validate", str(gac_xml), "--publishers", str(listing)]) == 0
    captured = capsys.readouterr()
    assert "1.14.8" not in captured.out and "publishers" not in captured.err
    # saved once, then used by default
    assert run(["standard", "publishers", "--from", str(listing)]) == 0
    assert "saved 2 organisation identifiers" in capsys.readouterr().err
    assert saved_publishers() == frozenset({"CA-3", "GB-GOV-1"})
    assert run(["validate", str(gac_xml)]) == 0
    assert "1.14.8" not in capsys.readouterr().out


def test_another_publisher_does_not_grandfather_ca_3(gac_xml: Path, home: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    listing = tmp_path / "registered.txt"
    listing.write_text("GB-GOV-1\n", encoding="utf-8")
    assert run(["validate", str(gac_xml), "--publishers", str(listing)]) == 0
    assert "1.14.8" in capsys.readouterr().out


@pytest.fixture
def bulk_server() -> Iterator[str]:
    """A local stand-in for the Bulk Data Service: /reporting-orgs, and /empty with no organisation."""
    bodies = {"/reporting-orgs": _bulk_document("CA-3", "XM-DAC-41114"), "/empty": _bulk_document()}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = bodies.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body or b"{}")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_fetched_from_the_service_and_refused_when_empty(bulk_server: str, home: Path) -> None:
    saved = save_publishers(f"{bulk_server}/reporting-orgs")
    assert (saved.count, saved.path.parent.parent) == (2, home)
    assert saved_publishers() == frozenset({"CA-3", "XM-DAC-41114"})
    with pytest.raises(InputError, match="no organisation identifier"):
        save_publishers(f"{bulk_server}/empty")
    with pytest.raises(EnvironmentProblem, match="HTTP 404"):
        save_publishers(f"{bulk_server}/missing")
    assert saved_publishers() == frozenset({"CA-3", "XM-DAC-41114"})  # a failed fetch keeps the saved list


def test_a_damaged_saved_list_says_how_to_fetch_it_again(home: Path) -> None:
    path = home / "publishers" / "reporting-orgs.json"
    path.parent.mkdir()
    path.write_text('{"organisation_identifiers": [', encoding="utf-8")
    with pytest.raises(EnvironmentProblem, match="iaticonv standard publishers"):
        saved_publishers()


def test_resumable_state_sees_the_same_options_in_every_process() -> None:
    """The publishers are a set: its printed order changes with the interpreter's hash seed."""
    probe = ("from iaticonv.batch._validate_run import _options_text; from iaticonv.validate import ValidateOptions; "
             "print(_options_text(ValidateOptions(registered_org_ids=frozenset(f'XM-{n}' for n in range(50)))))")
    texts = {subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True,
                            env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(texts) == 1
