"""Shared fixtures: the IATI Standard installed once per test session from ``../shared``.

Tests never touch the user's data directory: ``IATICONV_HOME`` points at a session temporary folder,
and the store is installed there from the read-only mirror beside the checkout.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("IATICONV_SHARED", ROOT.parent / "shared")).resolve()
STANDARD_MIRROR = SHARED / "iati-standard"
REAL_IATI = SHARED / "real-iati"
REAL_IATI_MORE = SHARED / "real-iati-more"
SEED_PROFILE = SHARED / "seeds" / "gac-project-CA-3-A034224001.txt"
EXAMPLE_ACTIVITY = STANDARD_MIRROR / "examples" / "activity-standard-example-annotated.xml"
EXAMPLE_ORGANISATION = STANDARD_MIRROR / "examples" / "organisation-standard-example-annotated.xml"
SCHEMA_TESTS = STANDARD_MIRROR / "examples" / "schema-tests"
SAMPLES = ROOT / "samples"


def real_files() -> list[Path]:
    """Every real published IATI file in ``../shared`` (activities and organisations)."""
    return sorted([*REAL_IATI.glob("*.xml"), *REAL_IATI_MORE.glob("*.xml")])


@pytest.fixture(scope="session", autouse=True)
def iati_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Install the standard into a temporary IATICONV_HOME for the whole session."""
    from iaticonv.standard import install

    home = tmp_path_factory.mktemp("iaticonv-home")
    previous = os.environ.get("IATICONV_HOME")
    os.environ["IATICONV_HOME"] = str(home)
    install(str(STANDARD_MIRROR))
    yield home
    if previous is None:
        os.environ.pop("IATICONV_HOME", None)
    else:
        os.environ["IATICONV_HOME"] = previous


def compiled_off(name: str) -> str:
    """Why the compiled part ``name`` (below ``iaticonv.``) is not used here, for a skip's reason."""
    from iaticonv._speedups import part_states

    state = next(state for state in part_states() if state.name == name)
    return f"the compiled part {name} is off here: {state.reason or 'active'}"
