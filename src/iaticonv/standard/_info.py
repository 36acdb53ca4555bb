"""What is installed, as ``iaticonv standard info`` and the reports' headers show it.

It needs both the store (its state file and folder) and the codelists (their counts), which read
the store: so it sits above both, and the store never imports the codelists.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from .codelists import load_codelists
from .store import STATE_FILE, require_store

__all__ = ["installed_info"]


def installed_info() -> dict[str, Any]:
    """What is installed: source, pins, and counts of files, codelists and codes."""
    root = require_store()
    state: dict[str, Any] = json.loads((root / STATE_FILE).read_text(encoding="utf-8"))
    codelists = load_codelists()
    with contextlib.suppress(OSError):
        state["bytes"] = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    state.update(
        {
            "path": str(root),
            "standard_version": max(state.get("versions", ["2.03"])),
            "codelists": len(codelists.names()),
            "codes": sum(len(codelists[name]) for name in codelists.names()),
        }
    )
    return state
