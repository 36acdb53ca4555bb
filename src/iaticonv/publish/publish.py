"""Publishing one file: validate, build the payload, find-or-create the dataset, log it.

The command must be safe to repeat from a cron job: the dataset is looked up by short name under
the organisation (the registry keys datasets by UUID, which the publisher does not know in advance),
updated with only the fields that differ, or created when absent. A second identical run therefore
sends no write at all. Order matters: everything that can fail locally (file, options, validation,
token) fails before the first request, so a refused publish leaves the registry untouched.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from ..errors import EnvironmentProblem, IaticonvError, InputError, RegistryError, UsageError
from .client import DEFAULT_REGISTRY, DEFAULT_TIMEOUT, TOKEN_MESSAGE, RegistryClient, tls_context
from .gate import GateResult, run_gate
from .history import PublicationRecord, file_sha256, now_utc, record_publication
from .payload import Payload, build_payload, read_file_facts

__all__ = ["PublishRefused", "PublishRequest", "PublishResult", "load_token", "publish"]

TOKEN_ENV = "IATI_REGISTRY_TOKEN"


class PublishRefused(IaticonvError):
    """The file failed the validation gate and ``--force`` was not given: exit 1."""

    def __init__(self, message: str, *, gate: GateResult, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.gate = gate

    def to_dict(self) -> dict[str, Any]:
        """What ``--format json`` prints on refusal, so a script sees why without parsing stderr."""
        return {"action": "refused", "validation": self.gate.summary, "report": str(self.gate.report_path)}


@dataclass(frozen=True, slots=True, kw_only=True)
class PublishRequest:
    """Everything the user asked for on the command line, token aside."""

    file: Path
    url: str
    org: str
    short_name: str | None = None
    title: str | None = None
    licence: str | None = None
    visibility: str | None = None
    source_type: str | None = None
    registry: str = DEFAULT_REGISTRY
    dry_run: bool = False
    force: bool = False
    check_url: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class PublishResult:
    """What happened: ``dry-run``, ``created``, ``updated`` or ``unchanged``."""

    action: str
    payload: dict[str, str]
    dataset_id: str | None
    sent: dict[str, str]
    validation: dict[str, int]
    report: str
    forced: bool
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"action": self.action, "dataset_id": self.dataset_id, "short_name": self.payload["short_name"],
                "url": self.payload["url"], "sent": self.sent, "payload": self.payload,
                "validation": self.validation, "report": self.report, "forced": self.forced,
                "warnings": self.warnings}


def load_token(token_file: Path | None) -> str | None:
    """The bearer token from ``--token-file`` (first) or ``IATI_REGISTRY_TOKEN``; never from argv."""
    if token_file is not None:
        try:
            token = token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise UsageError(f"--token-file {token_file}: cannot read it ({exc.strerror})") from None
        if not token:
            raise UsageError(f"--token-file {token_file} is empty")
        return token
    return os.environ.get(TOKEN_ENV, "").strip() or None


def _refusal(path: Path, gate: GateResult) -> PublishRefused:
    counts = ", ".join(f"{name} {count}" for name, count in gate.summary.items())
    return PublishRefused(f"{path}: not published — validation found critical or error findings ({counts})",
                          gate=gate,
                          hint=f"report: {gate.report_path}; fix the file, or pass --force to publish anyway")


def check_url_serves(url: str, path: Path, sha256: str, *, timeout: httpx.Timeout = DEFAULT_TIMEOUT) -> None:
    """Fetch ``url`` (without the token: it is not the registry) and compare its bytes with ``path``."""
    digest = hashlib.sha256()
    try:
        with httpx.stream("GET", url, timeout=timeout, follow_redirects=True, verify=tls_context()) as response:
            if response.status_code != 200:
                raise EnvironmentProblem(f"--check-url: {url} answered {response.status_code}")
            for block in response.iter_bytes():
                digest.update(block)
    except httpx.HTTPError as exc:
        raise EnvironmentProblem(f"--check-url: cannot fetch {url} ({type(exc).__name__})") from None
    if digest.hexdigest() != sha256:
        raise InputError(f"the URL serves different bytes (sha256 {digest.hexdigest()[:12]}…) than the file "
                         f"(sha256 {sha256[:12]}…)", file=path, field="url",
                         hint="upload the file to that URL first, or fix --url")


def _changes(payload: Payload, metadata: dict[str, Any]) -> dict[str, str]:
    """Fields to PATCH: the ones the user decided that differ from what the registry holds."""
    return {key: value for key, value in payload.body.items()
            if key in payload.explicit and key != "owner_organisation_id" and metadata.get(key) != value}


def _licence_warnings(client: RegistryClient, licence: str) -> list[str]:
    """Refuse a licence id the registry does not offer, warn about a legacy one."""
    known = {str(item.get("id")): str(item.get("status", "")) for item in client.licences()}
    if known and licence not in known:
        raise UsageError(f"--licence {licence!r} is not a licence id the registry offers",
                         hint="list them with: iaticonv registry licences")
    if known.get(licence) == "legacy":
        return [f"licence {licence!r} is only supported for legacy datasets"]
    return []


def publish(request: PublishRequest, *, token: str | None, client: RegistryClient | None = None,
            gate: Callable[[Path, str], GateResult] = run_gate,
            timeout: httpx.Timeout = DEFAULT_TIMEOUT) -> PublishResult:
    """Validate, then create or update the dataset for ``request.file`` and log the outcome."""
    facts = read_file_facts(request.file)
    payload = build_payload(facts, url=request.url, org=request.org, short_name=request.short_name,
                            title=request.title, licence=request.licence, visibility=request.visibility,
                            source_type=request.source_type)
    sha256, size = file_sha256(request.file), request.file.stat().st_size
    checked = gate(request.file, sha256)
    if checked.blocking and not request.force:
        raise _refusal(request.file, checked)
    if request.check_url:
        check_url_serves(request.url, request.file, sha256, timeout=timeout)

    def result(action: str, dataset_id: str | None, sent: dict[str, str], warnings: list[str]) -> PublishResult:
        return PublishResult(action=action, payload=dict(payload.body), dataset_id=dataset_id, sent=sent,
                             validation=checked.summary, report=str(checked.report_path),
                             forced=checked.blocking and request.force, warnings=warnings)

    if request.dry_run:
        return result("dry-run", None, {}, [])
    if not token:
        raise RegistryError(TOKEN_MESSAGE, hint=f"set {TOKEN_ENV} or pass --token-file")
    with ExitStack() as stack:
        api = client or stack.enter_context(RegistryClient(request.registry, token, timeout=timeout))
        existing = api.find_dataset(payload.body["owner_organisation_id"], payload.body["short_name"])
        if existing is None:
            warnings = _licence_warnings(api, payload.body["licence_id"])
            sent = dict(payload.body)
            created = api.create_dataset(sent)
            if not created.get("id"):
                raise RegistryError("the registry created the dataset but answered without its id",
                                    hint="run `iaticonv registry datasets --org …` to find it")
            outcome = result("created", str(created["id"]), sent, warnings)
        else:
            sent = _changes(payload, existing.get("metadata") or {})
            warnings = _licence_warnings(api, sent["licence_id"]) if "licence_id" in sent else []
            if sent:
                api.update_dataset(str(existing["id"]), sent)
            outcome = result("updated" if sent else "unchanged", str(existing["id"]), sent, warnings)
    record_publication(PublicationRecord(
        published_at=now_utc(), file=str(request.file.resolve()), sha256=sha256,
        size=size, url=request.url, registry=api.base_url,
        org_id=payload.body["owner_organisation_id"], dataset_id=outcome.dataset_id or "",
        short_name=payload.body["short_name"], action=outcome.action, forced=outcome.forced,
        validation=checked.summary, report=outcome.report))
    return outcome
