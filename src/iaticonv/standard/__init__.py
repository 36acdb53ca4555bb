"""The IATI Standard: its installed files, codelists and codelist mappings.

The names below are loaded on first use (PEP 562): a command that only needs the store (the
converter's upgrade, for its XSD) does not pay for importing the codelists and mappings.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._info import installed_info
    from ._names import normalise_name
    from .codelists import Code, Codelist, Codelists, Match, load_codelists
    from .mapping import CodelistMapping, codelist_for, load_mappings
    from .store import INSTALL_HINT, install, require_store, store_dir, verify

_HOMES = {
    "Code": "codelists", "Codelist": "codelists", "Codelists": "codelists", "Match": "codelists",
    "load_codelists": "codelists",
    "normalise_name": "_names",
    "CodelistMapping": "mapping", "codelist_for": "mapping", "load_mappings": "mapping",
    "INSTALL_HINT": "store", "install": "store", "installed_info": "_info", "require_store": "store",
    "store_dir": "store", "verify": "store",
}

__all__ = [
    "INSTALL_HINT",
    "Code",
    "Codelist",
    "CodelistMapping",
    "Codelists",
    "Match",
    "codelist_for",
    "install",
    "installed_info",
    "load_codelists",
    "load_mappings",
    "normalise_name",
    "require_store",
    "store_dir",
    "verify",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # later lookups are plain module attributes
    return value
