"""Where iaticonv keeps things: the project's own data files and the user's data directory."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import platformdirs

__all__ = ["data_home", "project_schemas"]

SCHEMAS_PACKAGE = "iaticonv._schemas"


def project_schemas() -> Path:
    """The project's ``schemas/`` folder (manifests, crosswalks, generated JSON Schemas).

    Installed as the package ``iaticonv._schemas`` (a wheel carries it; an editable install maps it to
    the checkout's ``schemas/``), so it is found the same way wherever iaticonv runs from.
    ``IATICONV_SCHEMAS`` points elsewhere, to try other crosswalks or a manifest being prepared.
    """
    override = os.environ.get("IATICONV_SCHEMAS")
    if override:
        return Path(override)
    folder = resources.files(SCHEMAS_PACKAGE)
    if not isinstance(folder, Path):  # a zipped install: pip never makes one, but say what went wrong
        raise RuntimeError(f"iaticonv's data files are not in a folder ({folder}): install iaticonv with pip")
    return folder


def data_home() -> Path:
    """The user's iaticonv data directory (``IATICONV_HOME`` overrides; tests use temporary dirs)."""
    override = os.environ.get("IATICONV_HOME")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir("iaticonv", appauthor=False))
