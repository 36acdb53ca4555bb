"""Fuzzing ``validate`` and the iati-xml reader with seeded mutations of the real files in ../shared.

Every mutated file goes through the CLI in-process twice — ``validate --format json`` and ``convert``
(iati-xml reader → JSON or XML writer) — and each run must end in a result or a clean iaticonv error:
exit 0 or 1, no traceback, no "internal error" (exit 70). Failures are collected with their seed, the
mutations applied and the message, and the mutated files are kept for reproduction.

``IATICONV_FUZZ_SEED`` and ``IATICONV_FUZZ_RUNS`` change the seed and the number of mutations
(default: 360 per run, in six chunks so xdist spreads them).
"""

from __future__ import annotations

import json
import os
import random
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from conftest import REAL_IATI
from hostile.harness import Outcome, cli
from hostile.mutate import mutate

SEED = int(os.environ.get("IATICONV_FUZZ_SEED", "20261127"))
RUNS = int(os.environ.get("IATICONV_FUZZ_RUNS", "360"))
CHUNKS = 6
# the real files, small ones more often (each run validates the whole mutated file)
FILES = sorted(REAL_IATI.glob("*.xml"), key=lambda p: p.stat().st_size)
WEIGHTS = [4 if p.stat().st_size < 100_000 else 1 for p in FILES]


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> NoReturn:
        attempts.append(args[1:])
        raise OSError("network access is disabled in fuzz tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    yield
    assert not attempts, f"network access attempted: {attempts}"


def _problem(outcome: Outcome, json_report: bool) -> str | None:
    if outcome.code not in (0, 1) or "Traceback" in outcome.text or "internal error" in outcome.err:
        return f"exit {outcome.code}: {outcome.text[-600:]}"
    if json_report:
        try:
            json.loads(outcome.out)
        except ValueError as exc:
            return f"the JSON report does not parse: {exc}"
    return None


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_mutated_real_files_end_cleanly(chunk: int, tmp_path: Path) -> None:
    assert len(FILES) >= 5, "the real IATI files are missing from ../shared/real-iati"
    failures: list[str] = []
    outcomes: dict[int, int] = {0: 0, 1: 0}
    for run in range(chunk, RUNS, CHUNKS):
        rng = random.Random(SEED * 100_003 + run)
        source = rng.choices(FILES, WEIGHTS)[0]
        names, data = mutate(rng, source.read_bytes())
        path = tmp_path / f"run{run}-{source.name}"
        path.write_bytes(data)
        validated = cli("validate", path, "--format", "json")
        output = tmp_path / f"run{run}.{rng.choice(['json', 'xml'])}"
        converted = cli("convert", path, "-o", output, "--overwrite")
        for command, outcome, is_json in (("validate", validated, True), ("convert", converted, False)):
            problem = _problem(outcome, is_json)
            if problem:
                failures.append(f"seed {SEED} run {run} ({source.name}, {names}) {command}: {problem}")
            else:
                outcomes[outcome.code] += 1
        if not failures or not failures[-1].startswith(f"seed {SEED} run {run} "):
            path.unlink()  # keep only the files that failed, for reproduction
        if output.exists():
            output.unlink()
    assert not failures, f"{len(failures)} unclean runs, files kept in {tmp_path}:\n" + "\n".join(failures[:10])
    assert outcomes[1] > 0 and outcomes[0] + outcomes[1] == 2 * len(range(chunk, RUNS, CHUNKS))
