"""The Register Your Data dataset payload, built from an IATI file and the publisher's choices.

The registry stores only a handful of fields per dataset (the RYD API's ``DatasetFullUpdateableData``
plus ``owner_organisation_id``); everything else (activity count, version, country) the IATI pipeline
derives from the file itself. So the file contributes just two things: whether it holds activities or
organisations, and the reporting organisation, whose ``@ref`` gives the default short name
(``<publisher>-activities`` / ``<publisher>-org``) and whose name gives the default title. Reading stops
at the first ``reporting-org``, so a 60 MB file costs a few kilobytes of parsing.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from .._kinds import KINDS, by_record, by_root
from .._xml import iterparse
from ..errors import InputError, UsageError

__all__ = [
    "DEFAULT_LICENCE",
    "SHORT_NAME_PATTERN",
    "FileFacts",
    "Payload",
    "build_payload",
    "read_file_facts",
    "sanitise_publisher",
]

SHORT_NAME_PATTERN = re.compile(r"^[a-z0-9_-]+$")
# CC BY 4.0 is the licence IATI recommends for open aid data; the RYD API's own PATCH example uses it.
DEFAULT_LICENCE = "cc-by"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True, slots=True, kw_only=True)
class FileFacts:
    """What the payload needs from the file: its kind and its reporting organisation."""

    path: Path
    kind: str  # "activities" | "organisations"
    reporting_org_ref: str | None
    reporting_org_name: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Payload:
    """The POST body, plus which fields the user chose explicitly.

    An update only sends fields that differ *and* that the user (or the file URL) decided: a default
    title or licence must never overwrite what the publisher set by hand in IATI Account.
    """

    body: dict[str, str]
    explicit: frozenset[str] = field(default_factory=frozenset)


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _pick_name(names: list[tuple[str | None, str]]) -> str | None:
    """English (or untagged) narrative first, because registry titles are read in English."""
    for lang, text in names:
        if lang in (None, "en", "EN"):
            return text
    return names[0][1] if names else None


def read_file_facts(path: Path) -> FileFacts:
    """Stream ``path`` only as far as its first ``reporting-org`` and return what it says."""
    if not path.is_file():
        raise InputError("no such file", file=path)
    kind: str | None = None
    names: list[tuple[str | None, str]] = []
    ref: str | None = None
    inside = False
    try:
        with path.open("rb") as handle:
            for event, element in iterparse(handle, events=("start", "end")):
                tag = _local(element.tag)
                if kind is None:
                    record = by_root(tag)
                    if record is None:
                        raise InputError(
                            f"root element is <{tag}>, not " + " or ".join(f"<{k.root_tag}>" for k in KINDS),
                            file=path, line=element.sourceline, field=tag,
                            hint="only IATI activity and organisation files can be registered",
                        )
                    kind = record.registry_type
                if tag == "reporting-org" and event == "start":
                    inside = True
                    ref = (element.get("ref") or "").strip() or None
                elif tag == "narrative" and event == "end" and inside and element.text and element.text.strip():
                    names.append((element.get(_XML_LANG), " ".join(element.text.split())))
                elif event == "end" and (tag == "reporting-org" or by_record(tag) is not None):
                    break  # reporting-org opens every record: the first record is as far as we read
    except etree.XMLSyntaxError as exc:
        raise InputError(f"not well-formed XML: {exc.msg}", file=path, line=exc.lineno) from exc
    if kind is None:
        raise InputError("empty XML document", file=path)
    return FileFacts(path=path, kind=kind, reporting_org_ref=ref, reporting_org_name=_pick_name(names))


def sanitise_publisher(ref: str) -> str:
    """``reporting-org/@ref`` → a short-name prefix matching ``^[a-z0-9_-]+$`` (``CA-3`` → ``ca-3``)."""
    text = re.sub(r"[^a-z0-9_-]+", "-", ref.strip().lower())
    return re.sub(r"-{2,}", "-", text).strip("-")


def default_short_name(facts: FileFacts) -> str:
    """``<publisher>-activities`` or ``<publisher>-org``, the registry's long-standing naming habit."""
    prefix = sanitise_publisher(facts.reporting_org_ref or "")
    if not prefix:
        raise InputError(
            "the file has no usable reporting-org/@ref to derive the dataset short name from",
            file=facts.path, field="reporting-org/@ref", hint="pass --short-name",
        )
    return f"{prefix}-{'activities' if facts.kind == 'activities' else 'org'}"


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"--url {url!r} is not an http(s) URL", hint="give the public address of the file")
    return url


def _check_org(org: str) -> str:
    try:
        return str(uuid.UUID(org))
    except ValueError:
        raise UsageError(
            f"--org {org!r} is not a UUID",
            hint="the registry identifies reporting organisations by UUID (see IATI Account)",
        ) from None


def build_payload(
    facts: FileFacts,
    *,
    url: str,
    org: str,
    short_name: str | None = None,
    title: str | None = None,
    licence: str | None = None,
    visibility: str | None = None,
    source_type: str | None = None,
) -> Payload:
    """The ``POST /datasets`` body for ``facts``; explicit choices are remembered for updates."""
    name = short_name if short_name is not None else default_short_name(facts)
    if not SHORT_NAME_PATTERN.match(name):
        raise UsageError(f"--short-name {name!r} must match ^[a-z0-9_-]+$ (lower-case letters, digits, _ and -)")
    if title is not None and not title.strip():
        raise UsageError("--title must not be empty")
    kind_label = "activity file" if facts.kind == "activities" else "organisation file"
    default_title = f"{facts.reporting_org_name or facts.reporting_org_ref or name} - {kind_label}"
    body: dict[str, Any] = {
        "human_readable_name": title.strip() if title else default_title,
        "short_name": name,
        "source_type": source_type or "primary_source",
        "url": _check_url(url),
        "visibility": visibility or "public",
        "licence_id": licence or DEFAULT_LICENCE,
        "owner_organisation_id": _check_org(org),
    }
    chosen = {"url", "short_name", "owner_organisation_id"}
    for key, value in (("human_readable_name", title), ("licence_id", licence),
                       ("visibility", visibility), ("source_type", source_type)):
        if value is not None:
            chosen.add(key)
    return Payload(body=body, explicit=frozenset(chosen))
