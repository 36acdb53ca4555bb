"""Registered IATI publishers' organisation identifiers: a local copy for the identifier rules.

The official validator skips some identifier rules (``idCondition`` in the rulesets: 1.14.8, 1.3.13,
1.14.13…) for organisations registered as IATI publishers, whose identifiers it fetches from the
registry. iaticonv validates offline, so it reads them from a local copy: ``iaticonv standard
publishers`` saves the list of IATI's Bulk Data Service (``/reporting-orgs``) under the data
directory, or imports one from a file; ``validate`` uses it (``--publishers FILE`` for another).
Without one, those rules run on every identifier, and a registered publisher such as Global
Affairs Canada (``CA-3``) gets a 1.14.8 warning the official validator does not give.

The list changes as publishers register, so it is kept apart from the hash-checked Standard store.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._io import atomic_writer
from .._paths import data_home
from ..errors import EnvironmentProblem, InputError
from .store import http_get

__all__ = ["PUBLISHERS_URL", "SavedPublishers", "parse_publishers", "publishers_path", "read_publishers",
           "save_publishers", "saved_publishers"]

PUBLISHERS_URL = "https://bulk-data.iatistandard.org/reporting-orgs"
FETCH_HINT = "iaticonv standard publishers"


@dataclass(frozen=True, slots=True)
class SavedPublishers:
    """What ``save_publishers`` stored: where, how many identifiers, and from where."""

    path: Path
    count: int
    source: str


def publishers_path() -> Path:
    """Where the saved list lives (under the data directory, beside the Standard store)."""
    return data_home() / "publishers" / "reporting-orgs.json"


def parse_publishers(data: bytes, source: str) -> frozenset[str]:
    """The organisation identifiers in ``data``: the Bulk Data Service's JSON (``reporting_orgs``,
    each with ``organisation_identifier``), the list this module saves, a JSON list of strings, or
    text with one identifier per line (``#`` starts a comment). Identifiers are stripped; blank ones
    are dropped. InputError, naming ``source``, for anything else."""
    text = _text(data, source)
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON: {exc.msg}", file=source, line=exc.lineno) from None
        items = _identifiers(document, source)
    else:
        items = [line.split("#", 1)[0] for line in text.splitlines()]
    return frozenset(item.strip() for item in items if item.strip())


def _text(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text: {exc.reason}", file=source) from None


def _identifiers(document: Any, source: str) -> list[str]:
    if isinstance(document, dict) and isinstance(document.get("organisation_identifiers"), list):
        items: Any = document["organisation_identifiers"]  # the list this module saves
    elif isinstance(document, dict) and isinstance(document.get("reporting_orgs"), list):
        items = [org.get("organisation_identifier") if isinstance(org, dict) else None
                 for org in document["reporting_orgs"]]
    else:
        items = document
    if not isinstance(items, list) or not all(isinstance(item, str) or item is None for item in items):
        raise InputError("expected the Bulk Data Service's reporting-orgs JSON, a JSON list of identifiers, "
                         "or one identifier per line", file=source, field="reporting_orgs")
    return [item for item in items if item]


def read_publishers(path: Path) -> frozenset[str]:
    """The identifiers in the file ``path`` (see :func:`parse_publishers`)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the publishers list: {exc.strerror or exc}", file=path) from None
    return parse_publishers(data, str(path))


def saved_publishers() -> frozenset[str]:
    """The saved list, or an empty set when none was saved (validation then runs every rule)."""
    path = publishers_path()
    if not path.exists():
        return frozenset()
    try:
        return read_publishers(path)
    except InputError as exc:
        raise EnvironmentProblem(f"the saved publishers list is damaged: {exc}", hint=f"fetch it again: {FETCH_HINT}",
                                 ) from None


def save_publishers(source: str | None = None) -> SavedPublishers:
    """Fetch the list from ``source`` (a URL; default the Bulk Data Service) or import it from a file,
    and save it. Refuses a list without a single identifier, so a broken download cannot silently
    turn the identifier rules back on for everyone."""
    where = source or PUBLISHERS_URL
    if where.startswith(("http://", "https://")):
        data = http_get(where)
    else:
        try:
            data = Path(where).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read the publishers list: {exc.strerror or exc}", file=where) from None
    identifiers = parse_publishers(data, where)
    if not identifiers:
        raise InputError("the publishers list holds no organisation identifier", file=where)
    path = publishers_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"source": where, "saved_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "organisation_identifiers": sorted(identifiers)}
    with atomic_writer(path) as handle:
        handle.write(json.dumps(document, indent=1, ensure_ascii=False).encode("utf-8") + b"\n")
    return SavedPublishers(path=path, count=len(identifiers), source=where)
