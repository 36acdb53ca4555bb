"""The compiled record → XML writer functions, kept on disk between runs (like Python's ``.pyc``).

Compiling the ~120 generated functions of :mod:`.record_xml_gen` takes ~0.1 s of CPU, as much as
converting several hundred activities; every ``convert`` process (and every ``--jobs`` worker) would
pay it again. So their code objects are stored, with :mod:`marshal`, under the data directory
(``cache/``), in a file named by a hash of the generated source and of the Python version
(marshal's format belongs to one Python version): a change of the model, of the generator or of
Python gives a new name (the file it replaces is removed), and an unreadable or unexpected file is
compiled over. A data directory that cannot be written to only means compiling each time.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import re
import sys
import tempfile
import types
from pathlib import Path

from .._paths import data_home

__all__ = ["compiled"]


def _path(sources: list[tuple[str, str]], filename: str) -> Path:
    digest = hashlib.sha256()
    for part in (sys.version, str(marshal.version), filename, *(text for _, text in sources)):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return data_home() / "cache" / f"{_stem(filename)}{digest.hexdigest()[:32]}.marshal"


def _stem(filename: str) -> str:
    """The start of the cache file names of one set of functions (a variant): ``record-xml-raw-``."""
    return "-".join(re.findall(r"[a-z0-9]+", filename.lower())).replace("_", "-") + "-"


def _load(path: Path, names: list[str]) -> dict[str, types.CodeType] | None:
    try:
        with path.open("rb") as handle:
            codes = marshal.load(handle)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if (not isinstance(codes, dict) or sorted(codes) != sorted(names)
            or not all(isinstance(code, types.CodeType) for code in codes.values())):
        return None
    return codes


def _store(path: Path, codes: dict[str, types.CodeType]) -> None:
    """Write atomically (two processes may compile at once); a failure only loses the cache."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        temporary = Path(name)
        try:
            with os.fdopen(handle, "wb") as stream:
                marshal.dump(codes, stream)
            temporary.replace(path)
        finally:
            temporary.unlink(missing_ok=True)
        for stale in path.parent.glob(f"{_stem_of(path)}*.marshal"):  # an older model or Python's
            if stale != path:
                stale.unlink(missing_ok=True)


def _stem_of(path: Path) -> str:
    return path.name[: -len(".marshal") - 32]


def compiled(sources: list[tuple[str, str]], filename: str) -> dict[str, types.CodeType]:
    """The code object of each ``(name, source)``: from the cache, or compiled (one at a time, so
    the syntax trees stay small: all at once raised peak memory by ~18 MB) and then cached."""
    path = _path(sources, filename)
    codes = _load(path, [name for name, _ in sources])
    if codes is None:
        codes = {name: compile(source, filename, "exec") for name, source in sources}
        _store(path, codes)
    return codes
