"""XML attacks against ``validate`` and ``convert``: nothing expanded, nothing fetched, no hang, < 200 MB.

Each run is a separate interpreter (network refused at the socket level), killed if it passes the
time limit, with its peak RSS measured. External references point at a local file holding a marker
and at a local trap server: the marker must appear in no output and the server must see no request.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from hostile import corpus
from hostile.corpus import SECRET_MARKER, Attack
from hostile.harness import Outcome, cli_subprocess, run_child
from hostile.launch import NETWORK_ATTEMPT

# Not a timing assertion: a run still going after this long is stuck (a hang), killed and failed by
# assert_no_crash. Each case takes about a second; bench/ measures time.
HANG_GUARD = 120.0
MAX_RSS_MB = 200.0
DOCTYPE_REFUSED = "IATI files need no DOCTYPE"

# case → what the message must say (validate: inside the 0.1.1 finding; convert: the InputError)
REFUSED: dict[str, tuple[str, ...]] = {
    "billion-laughs": ("DOCTYPE declares 10 entities", DOCTYPE_REFUSED),
    "quadratic-blowup": ("DOCTYPE declares 1 entity (a)", DOCTYPE_REFUSED),
    "external-entity-file": ("DOCTYPE declares 1 entity (xxe)", DOCTYPE_REFUSED),
    "external-entity-http": ("DOCTYPE declares 1 entity (xxe)", DOCTYPE_REFUSED),
    "parameter-entity": ("DOCTYPE declares 2 entities (local, remote)", DOCTYPE_REFUSED),
    "external-dtd-http": ("DOCTYPE points at an external DTD", DOCTYPE_REFUSED),
    "external-dtd-file": ("DOCTYPE points at an external DTD", DOCTYPE_REFUSED),
    "deep-nesting": ("nested more than 256 levels deep", "line 2"),
    "huge-text-node": ("a single text or attribute value over 10 MB", "line 6"),
}


@pytest.fixture(scope="module")
def huge_text(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 200 MB file is written once for both commands (it takes seconds of disk time)."""
    folder = tmp_path_factory.mktemp("huge")
    return corpus.huge_text_node(Attack(folder, folder / "unused", "http://127.0.0.1:9"))


def _run(command: str, path: Path, tmp_path: Path) -> tuple[Outcome, Path]:
    output = tmp_path / f"{path.stem}.json"
    argv = ["validate", path] if command == "validate" else ["convert", path, "-o", output]
    return cli_subprocess(*argv, timeout=HANG_GUARD), output


def _assert_contained(outcome: Outcome, output: Path, attack: Attack, hits: list[str]) -> None:
    """The attack reached nothing: no request, no leaked marker, no network attempt; no hang, small."""
    outcome.assert_no_crash()
    assert hits == [], f"the trap server was contacted: {hits}"
    assert NETWORK_ATTEMPT not in outcome.err
    assert SECRET_MARKER not in outcome.text
    if output.exists():
        assert SECRET_MARKER not in output.read_text(encoding="utf-8", errors="replace")
    assert outcome.max_rss_mb < MAX_RSS_MB, f"peak RSS {outcome.max_rss_mb:.0f} MB"


@pytest.mark.parametrize("command", ["validate", "convert"])
@pytest.mark.parametrize("case", sorted(REFUSED))
def test_attack_is_refused(case: str, command: str, attack: Attack, trap_server: tuple[str, list[str]],
                           tmp_path: Path, request: pytest.FixtureRequest) -> None:
    if case == "huge-text-node":
        request.applymarker(pytest.mark.slow)
        path = request.getfixturevalue("huge_text")
    else:
        path = corpus.ATTACKS[case](attack)
    outcome, output = _run(command, path, tmp_path)
    _assert_contained(outcome, output, attack, trap_server[1])
    outcome.assert_clean_failure(str(path), *REFUSED[case])
    if command == "validate":
        assert "0.1.1" in outcome.out and "INVALID" in outcome.out
    else:
        assert not output.exists(), "a refused conversion must not leave an output"


@pytest.mark.parametrize("command", ["validate", "convert"])
def test_xinclude_is_carried_not_followed(command: str, attack: Attack, trap_server: tuple[str, list[str]],
                                          tmp_path: Path) -> None:
    """IATI allows foreign-namespace elements, so xi:include is data: kept verbatim, never resolved."""
    path = corpus.xinclude(attack)
    outcome, output = _run(command, path, tmp_path)
    _assert_contained(outcome, output, attack, trap_server[1])
    assert outcome.code == 0, outcome.text
    if command == "convert":
        text = output.read_text(encoding="utf-8")
        assert text.count("xi:include") == 2 and attack.secret.as_uri() in text


def test_network_guard_of_the_subprocess_works(tmp_path: Path) -> None:
    """The launcher really refuses connections (otherwise the tests above would prove little)."""
    script = tmp_path / "probe.py"
    script.write_text("import socket, hostile.launch as launch\nlaunch.block_network()\n"
                      "socket.create_connection(('127.0.0.1', 9))\n", encoding="utf-8")
    probe = run_child([sys.executable, str(script)], tmp_path, 30.0)
    assert probe.code == 1 and NETWORK_ATTEMPT in probe.err and "network access is disabled" in probe.err


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_device_is_not_read_forever() -> None:
    """/dev/zero is an endless stream of NUL bytes: one error, at once, no hang."""
    outcome = cli_subprocess("validate", "/dev/zero", timeout=HANG_GUARD)
    outcome.assert_clean_failure("/dev/zero", "0.1.1", "this is not XML")
    assert outcome.max_rss_mb < MAX_RSS_MB
