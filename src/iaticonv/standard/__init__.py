"""The IATI Standard: its installed files, codelists and codelist mappings."""

from .codelists import Code, Codelist, Codelists, Match, load_codelists
from .mapping import CodelistMapping, codelist_for, load_mappings
from .store import INSTALL_HINT, install, installed_info, require_store, store_dir, verify

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
    "require_store",
    "store_dir",
    "verify",
]
