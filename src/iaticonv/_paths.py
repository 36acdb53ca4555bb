"""Where iaticonv keeps things: the project's own schemas folder and the user's data directory."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

__all__ = ["data_home", "project_schemas"]


def project_schemas() -> Path:
    """The project's ``schemas/`` folder (manifests, crosswalks, generated JSON Schemas).

    iaticonv is installed in editable mode from its checkout, so the folder sits two levels above
    the package; ``IATICONV_SCHEMAS`` points elsewhere for unusual installs.
    """
    override = os.environ.get("IATICONV_SCHEMAS")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "schemas"


def data_home() -> Path:
    """The user's iaticonv data directory (``IATICONV_HOME`` overrides; tests use temporary dirs)."""
    override = os.environ.get("IATICONV_HOME")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir("iaticonv", appauthor=False))
