"""Running the CLI against hostile inputs: in-process for speed, in a subprocess where a crash, a
hang or memory matters.

The subprocess runs ``python -m hostile.launch`` (network refused at the socket level), with its
stdout and stderr in files, and is reaped with ``os.wait4`` — the same ``rusage`` that
``getrusage(RUSAGE_CHILDREN)`` reports, but for this one child only, so an earlier, bigger child of
the same pytest worker cannot mask it.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from iaticonv.cli.common import BUG_EXIT
from iaticonv.cli.main import run

TESTS = Path(__file__).resolve().parents[1]
MIB = 1024 * 1024


@dataclass(frozen=True)
class Outcome:
    """What one CLI run did."""

    code: int
    out: str
    err: str
    seconds: float = 0.0
    max_rss_mb: float = 0.0
    killed: bool = False

    @property
    def text(self) -> str:
        return self.out + self.err

    def assert_clean_failure(self, *needles: str) -> None:
        """A deliberate, explained failure: exit 1, a message, every needle in it, no traceback."""
        assert self.code == 1, f"exit {self.code}\n{self.text}"
        self.assert_no_crash()
        for needle in needles:
            assert needle in self.text, f"{needle!r} not in:\n{self.text}"

    def assert_warned(self, *needles: str) -> None:
        """Converted with a warning: exit 0, every needle in the messages, no traceback."""
        assert self.code == 0, f"exit {self.code}\n{self.text}"
        self.assert_no_crash()
        assert "warning:" in self.err, self.err
        for needle in needles:
            assert needle in self.text, f"{needle!r} not in:\n{self.text}"

    def assert_no_crash(self) -> None:
        assert "Traceback" not in self.text, self.text
        assert self.code != BUG_EXIT and "internal error" not in self.err, self.text
        assert not self.killed, f"killed after {self.seconds:.1f}s\n{self.text}"


def cli(*argv: str | Path) -> Outcome:
    """Run ``iaticonv ARGV`` in this process and capture what it printed."""
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run([str(a) for a in argv])
    return Outcome(code, out.getvalue(), err.getvalue(), time.perf_counter() - started)


def cli_subprocess(*argv: str | Path, timeout: float = 60.0) -> Outcome:
    """Run ``iaticonv ARGV`` in a fresh interpreter with the network refused; measure time and peak RSS."""
    with tempfile.TemporaryDirectory(prefix="hostile-") as folder:
        return run_child([sys.executable, "-m", "hostile.launch", *map(str, argv)], Path(folder), timeout)


def run_child(command: list[str], workdir: Path, timeout: float) -> Outcome:
    out_path, err_path = workdir / "stdout", workdir / "stderr"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    env.pop("IATICONV_DEBUG", None)
    started = time.perf_counter()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        status, usage, killed = _reap(proc, timeout)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    return Outcome(code, out_path.read_text("utf-8", "replace"), err_path.read_text("utf-8", "replace"),
                   seconds, usage.ru_maxrss / 1024, killed)


def _reap(proc: subprocess.Popen[bytes], timeout: float) -> tuple[int, os.struct_rusage | object, bool]:
    deadline = time.monotonic() + timeout
    killed = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return status, usage, killed
        if time.monotonic() > deadline and not killed:
            os.kill(proc.pid, signal.SIGKILL)
            killed = True
        time.sleep(0.02)
