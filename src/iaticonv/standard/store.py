"""The local store of the IATI Standard: install, verify, describe, locate.

The official files are IATI's data (CC BY 4.0), so the project never ships them: it installs them
into the user's data directory, checking each file's SHA-256 against ``schemas/standard-manifest.json``.
An install is built in a temporary folder beside the store and swapped in with renames, so a failed
or interrupted install leaves the previous store (or none), never a half-filled one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .._paths import data_home
from ..errors import EnvironmentProblem, StandardIntegrityError, StandardMissingError, UsageError
from ._manifest import Manifest, ManifestEntry, load_manifest

__all__ = [
    "INSTALL_HINT",
    "InstallResult",
    "http_get",
    "install",
    "require_store",
    "store_dir",
    "verify",
]

INSTALL_HINT = "iaticonv standard install   (or: iaticonv standard install --from ../shared/iati-standard)"
STATE_FILE = "installed.json"
SOURCE_ENV = "IATICONV_STANDARD_SOURCE"


def store_dir() -> Path:
    """Where the installed standard lives (inside the iaticonv data directory)."""
    return data_home() / "standard"


def require_store() -> Path:
    """The store folder, or a one-line environment error telling how to install it (exit 3)."""
    root = store_dir()
    if not (root / STATE_FILE).is_file():
        raise StandardMissingError(f"the IATI Standard is not installed in {root}; run: {INSTALL_HINT}")
    return root


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(slots=True)
class InstallResult:
    store: Path
    source: str
    files: int
    bytes: int
    skipped: list[str] = field(default_factory=list)


Fetcher = Callable[[ManifestEntry], bytes]


def _mirror_fetcher(root: Path) -> Fetcher:
    if not root.is_dir():
        raise UsageError(f"{root}: not a directory holding the IATI Standard files")

    def fetch(entry: ManifestEntry) -> bytes:
        path = root / entry.path
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise StandardIntegrityError(
                f"{path}: missing from the source; the mirror must have the same layout as the manifest"
            ) from None

    return fetch


def http_get(url: str) -> bytes:
    """The body of a GET of ``url`` (redirects followed); EnvironmentProblem on any failure."""
    import httpx  # imported here: only downloads need it

    try:
        response = httpx.get(url, timeout=httpx.Timeout(30.0, connect=10.0), follow_redirects=True)
    except httpx.HTTPError as exc:
        hint = "check the network, or install from a local mirror with --from DIR"
        raise EnvironmentProblem(f"could not download {url}: {exc}", hint=hint) from exc
    if response.status_code != 200:
        raise EnvironmentProblem(f"could not download {url}: HTTP {response.status_code}")
    return response.content


def _derive_org_id_lists(entry: ManifestEntry) -> bytes:
    """Rebuild ``org-id-lists.json`` from the org-id register's list files at the pinned commit."""
    if not entry.derived_from:
        raise StandardIntegrityError(f"{entry.path}: the manifest does not say how to derive it")
    listing = json.loads(http_get(entry.derived_from))
    items = []
    for item in listing:
        if not str(item.get("name", "")).endswith(".json"):
            continue
        data = json.loads(http_get(item["download_url"]))
        items.append({"code": data["code"], "confirmed": bool(data.get("confirmed", False))})
    items.sort(key=lambda row: row["code"])
    return json.dumps({"lists": items}).encode("utf-8")


def _url_fetcher(base: str | None) -> Fetcher:
    def fetch(entry: ManifestEntry) -> bytes:
        if base is not None:
            return http_get(base.rstrip("/") + "/" + entry.path)
        if entry.url:
            return http_get(entry.url)
        if entry.derived == "org-id-lists":
            return _derive_org_id_lists(entry)
        raise StandardIntegrityError(f"{entry.path}: the manifest gives no source for it")

    return fetch


def _fetcher_for(source: str | None) -> tuple[str, Fetcher]:
    chosen = source or os.environ.get(SOURCE_ENV) or "upstream"
    if chosen == "upstream":
        return "upstream (official IATI repositories at pinned commits)", _url_fetcher(None)
    if chosen.startswith(("http://", "https://")):
        return chosen, _url_fetcher(chosen)
    root = Path(chosen).expanduser().resolve()
    return str(root), _mirror_fetcher(root)


def install(source: str | None = None, *, manifest: Manifest | None = None) -> InstallResult:
    """Fetch every manifest file, check its hash, and swap the new store in atomically."""
    manifest = manifest or load_manifest()
    label, fetch = _fetcher_for(source)
    target = store_dir()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".standard-install-", dir=target.parent))
    try:
        total = 0
        for entry in manifest.entries:
            data = fetch(entry)
            digest = _sha256(data)
            if digest != entry.sha256:
                raise StandardIntegrityError(
                    f"{entry.path}: SHA-256 {digest} does not match the manifest ({entry.sha256}); "
                    "refusing to install a changed file",
                    hint="the source is not the pinned official release; nothing was installed",
                )
            dest = staging / entry.path
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
            total += len(data)
        state = {
            "source": label,
            "installed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "versions": list(manifest.versions),
            "pins": manifest.pins,
            "files": len(manifest.entries),
        }
        (staging / STATE_FILE).write_text(json.dumps(state, indent=1) + "\n", encoding="utf-8")
        _swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return InstallResult(store=target, source=label, files=len(manifest.entries), bytes=total)


def _swap_in(staging: Path, target: Path) -> None:
    old = target.with_name(f".standard-old-{os.getpid()}")
    if target.exists():
        target.replace(old)
    staging.replace(target)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def verify(*, manifest: Manifest | None = None) -> list[str]:
    """Re-hash every installed file; return one line per problem (empty when all is well)."""
    root = require_store()
    manifest = manifest or load_manifest()
    problems: list[str] = []
    for entry in manifest.entries:
        path = root / entry.path
        try:
            digest = _sha256(path.read_bytes())
        except FileNotFoundError:
            problems.append(f"{entry.path}: missing")
            continue
        if digest != entry.sha256:
            problems.append(f"{entry.path}: SHA-256 {digest} differs from the manifest ({entry.sha256})")
    return problems
