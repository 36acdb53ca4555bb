"""The project's hash manifest of the IATI Standard files (``schemas/standard-manifest.json``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .._paths import project_schemas

__all__ = ["Manifest", "ManifestEntry", "load_manifest"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ManifestEntry:
    """One file of the store: where it lives, what its bytes hash to, where it comes from."""

    path: str
    sha256: str
    url: str | None = None
    derived: str | None = None
    derived_from: str | None = None
    how: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Manifest:
    versions: tuple[str, ...]
    pins: dict[str, Any]
    entries: tuple[ManifestEntry, ...]

    def by_path(self) -> dict[str, ManifestEntry]:
        return {entry.path: entry for entry in self.entries}


@cache
def load_manifest(path: Path | None = None) -> Manifest:
    """Read the manifest once per process."""
    source = path or project_schemas() / "standard-manifest.json"
    raw = json.loads(source.read_text(encoding="utf-8"))
    entries = tuple(ManifestEntry(**item) for item in raw["files"])
    return Manifest(versions=tuple(raw["versions"]), pins=raw["pins"], entries=entries)
