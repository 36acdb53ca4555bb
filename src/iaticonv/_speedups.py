"""The one way iaticonv's optional compiled parts are loaded, and what each one is doing.

A compiled part that reads lxml's structures is only safe with the lxml (and libxml2) it was compiled
against: another lxml may lay its objects out differently. So the loader reads the build information
written beside the module (see setup.py) and compares versions *before* importing it; it imports only
a module that matches, catches anything the import raises (or warns), and then runs the Python path
instead. No command ever fails because of a compiled part. ``iaticonv --version`` and
``standard info`` show each part's state (``part_states``); when a part is built but off and a file is
big enough for that to matter, one line on stderr says so (``warn_if_slow``).

It lives apart from the converters and the validator so that each can read it without importing the
other (the validator never needs the data model the converters load).
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import warnings
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ._native_parts import BUILD_INFO_SUFFIX, NATIVE_PARTS

__all__ = ["PartState", "compiled", "part_states", "pure_python", "warn_if_slow"]

# Files at least this big are slowed enough by a compiled part being off to say so.
NOTICEABLE_BYTES = 10 * 1024 * 1024
REBUILD_HINT = ("rebuild them against the installed lxml: pip install --no-build-isolation --no-deps -e . "
                "in a checkout, else pip install Cython setuptools wheel, then pip install --force-reinstall "
                "--no-deps --no-build-isolation --no-binary iaticonv iaticonv")


@dataclass(frozen=True, slots=True)
class PartState:
    """One compiled part: its module (below ``iaticonv.``), what it speeds up, and whether it runs
    (``reason`` says why not: not built, turned off, built for another lxml, failed to import)."""

    name: str
    purpose: str
    active: bool
    reason: str = ""
    built: bool = True

    def describe(self) -> str:
        return "active" if self.active else f"off: {self.reason}"


def pure_python() -> bool:
    """Whether ``IATICONV_PURE_PYTHON`` is set (non-empty): the compiled parts are then not used, to
    compare them with the Python path or to rule them out when something looks wrong."""
    return bool(os.environ.get("IATICONV_PURE_PYTHON"))


def _build_info(name: str) -> dict[str, Any] | None:
    package, _, module = f"iaticonv.{name}".rpartition(".")
    try:
        text = (resources.files(package) / (module + BUILD_INFO_SUFFIX)).read_text(encoding="utf-8")
        info = json.loads(text)
    except (OSError, ValueError, ModuleNotFoundError):
        return None
    return info if isinstance(info, dict) else None


def _mismatch(info: dict[str, Any]) -> str | None:
    """Why a module built as ``info`` says must not be imported here, or None."""
    if info.get("python") != sys.implementation.cache_tag:
        return f"built for {info.get('python')}, running {sys.implementation.cache_tag}"
    if info.get("lxml") is None:
        return None  # it does not read lxml's structures
    from lxml import etree

    if info["lxml"] != etree.__version__:
        return f"built for lxml {info['lxml']}, found {etree.__version__}"
    runtime = ".".join(map(str, etree.LIBXML_VERSION))
    if info.get("libxml2") != runtime:
        return f"built for libxml2 {info.get('libxml2')}, found {runtime}"
    return None


@cache
def _load(name: str) -> tuple[Any, PartState]:
    purpose = NATIVE_PARTS.get(name, "")
    info = _build_info(name)
    if info is None:
        return None, PartState(name, purpose, False, "not built", built=False)
    if pure_python():
        return None, PartState(name, purpose, False, "turned off (IATICONV_PURE_PYTHON)")
    reason = _mismatch(info)
    if reason is not None:
        return None, PartState(name, purpose, False, reason)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a size-changed warning means another layout: do not use it
            module = importlib.import_module(f"iaticonv.{name}")
    except Exception as exc:  # whatever the import does, the Python path runs instead
        return None, PartState(name, purpose, False, f"import failed ({type(exc).__name__}: {exc})")
    return module, PartState(name, purpose, True)


def compiled(name: str) -> Any:
    """The optional compiled module ``iaticonv.<name>`` when it is built for this Python, lxml and
    libxml2, imports cleanly and is not turned off (``pure_python``); else None. Cached per process."""
    return _load(name)[0]


def part_states() -> list[PartState]:
    """The state of every compiled part (what ``--version`` prints)."""
    return [_load(name)[1] for name in NATIVE_PARTS]


_warned: list[bool] = []


def warn_if_slow(total_bytes: int) -> None:
    """One line on stderr, once per process, when compiled parts are built but off for a reason the
    user can fix (another lxml, a failed import) and the input is big enough for it to show."""
    if _warned or total_bytes < NOTICEABLE_BYTES:
        return
    off = [state for state in part_states() if state.built and not state.active and not pure_python()]
    if off:
        _warned.append(True)
        print(f"iaticonv: {len(off)} compiled part(s) are off ({off[0].reason}), so this runs slower; "
              f"{REBUILD_HINT}", file=sys.stderr)
