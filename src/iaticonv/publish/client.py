"""A small client for the IATI Register Your Data (RYD) API, on ``httpx``.

It speaks only the calls publishing needs (list an organisation's datasets, create, update, read a
dataset, list licences) and turns every HTTP outcome into either parsed data or an iaticonv error a
user can act on: a bad token says where to get a new one, a clash names the field, a busy server is
retried politely (see ``retry``). The bearer token lives only in the ``Authorization`` header: it is
never part of a URL, a message, ``repr()`` or a log line, and any server text quoted in an error is
scrubbed of it in case the server echoes it back.
"""

from __future__ import annotations

import functools
import re
import ssl
from collections.abc import Mapping
from typing import Any

import httpx

from ..errors import IaticonvError, RegistryError
from .retry import RETRYABLE_STATUS, RETRYABLE_STATUS_UNSAFE_METHOD, RetryPolicy, parse_retry_after

__all__ = ["DEFAULT_REGISTRY", "TOKEN_MESSAGE", "RegistryClient", "RegistryRejected", "tls_context"]

# The production server of the RYD API spec (its ``servers`` also lists dev.api… for staging).
DEFAULT_REGISTRY = "https://api.registeryourdata.iatistandard.org/api/v1"
TOKEN_MESSAGE = "token missing, expired or invalid — get a new one from IATI Account"
DATASET_FIELDS = ("human_readable_name", "short_name", "source_type", "url", "licence_id", "visibility",
                  "owner_organisation_id")
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)


@functools.cache
def tls_context() -> ssl.SSLContext:
    """httpx's default TLS trust settings, built once per process (loading the CA bundle is slow)."""
    return httpx.create_ssl_context()


class RegistryRejected(IaticonvError):
    """The registry understood the request and refused the metadata (409, 422…): exit 1.

    The data (short name, URL, licence) is what must change, not the environment, hence not a
    ``RegistryError``. ``fields`` names the payload fields the refusal is about.
    """

    exit_code = 1

    def __init__(self, message: str, *, status: int, fields: tuple[str, ...] = (), hint: str | None = None):
        super().__init__(message, hint=hint)
        self.status = status
        self.fields = fields


def _server_message(response: httpx.Response) -> tuple[str, tuple[str, ...]]:
    """The server's own words and any field names it points at (RYD envelope or FastAPI ``detail``)."""
    try:
        body = response.json()
    except ValueError:
        return " ".join(response.text.split())[:200], ()
    fields: list[str] = []
    message = ""
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            message = str(error.get("error_msg") or "")
            if isinstance(error.get("field"), str):
                fields.append(error["field"])
        detail = body.get("detail")
        if isinstance(detail, str):
            message = message or detail
        elif isinstance(detail, list):
            parts = []
            for item in detail:
                if isinstance(item, dict):
                    loc = [str(x) for x in item.get("loc", []) if str(x) != "body"]
                    fields.extend(loc[-1:])
                    parts.append(f"{'.'.join(loc)}: {item.get('msg', '')}".strip(": "))
            message = message or "; ".join(parts)
    for name in DATASET_FIELDS:
        if name not in fields and re.search(rf"\b{name}\b", message):
            fields.append(name)
    return message[:500], tuple(fields)


class RegistryClient:
    """One registry, one token, one connection pool; use as a context manager."""

    def __init__(
        self,
        base_url: str = DEFAULT_REGISTRY,
        token: str | None = None,
        *,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        page_size: int = 100,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.retry = retry or RetryPolicy()
        self.page_size = page_size
        self._timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self._http = httpx.Client(base_url=self.base_url + "/", timeout=self._timeout, transport=transport,
                                  verify=tls_context(),
                                  headers={"Accept": "application/json", "User-Agent": "iaticonv"})

    def __repr__(self) -> str:
        return f"RegistryClient({self.base_url!r}, token={'<set>' if self._token else None})"

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- the calls publishing needs -------------------------------------------------------------
    def licences(self) -> list[dict[str, Any]]:
        """``GET /licences``: the licence ids the registry accepts (no token needed)."""
        data = self._call("GET", "licences", what="listing licences", auth=False)
        return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []

    def list_datasets(self, org_id: str) -> list[dict[str, Any]]:
        """``GET /reporting-orgs/{oid}/datasets``, every page."""
        found: list[dict[str, Any]] = []
        page = 1
        while True:
            body = self._call("GET", f"reporting-orgs/{org_id}/datasets", what="listing datasets",
                              params={"page": page, "page_size": self.page_size},
                              not_found=f"organisation {org_id} is not known to the registry (--org)")
            items = (body.get("data") or []) if isinstance(body, dict) else []
            found.extend(item for item in items if isinstance(item, dict))
            pages = (body.get("pagination") or {}).get("total_pages") if isinstance(body, dict) else None
            if not items or not isinstance(pages, int) or page >= pages:
                return found
            page += 1

    def find_dataset(self, org_id: str, short_name: str) -> dict[str, Any] | None:
        """The organisation's dataset called ``short_name``, if any."""
        for item in self.list_datasets(org_id):
            if (item.get("metadata") or {}).get("short_name") == short_name:
                return item
        return None

    def get_dataset(self, dataset_id: str) -> dict[str, Any]:
        return self._data(self._call("GET", f"datasets/{dataset_id}", what="reading the dataset",
                                     not_found=f"dataset {dataset_id} is not known to the registry"))

    def create_dataset(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /datasets``; the answer's ``data`` holds the new id."""
        return self._data(self._call(
            "POST", "datasets", json=dict(body), what=f"creating dataset {body.get('short_name')!r}",
            not_found=f"organisation {body.get('owner_organisation_id')} is not known to the registry (--org)"))

    def update_dataset(self, dataset_id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        """``PATCH /datasets/{did}`` with only the fields that change."""
        return self._data(self._call(
            "PATCH", f"datasets/{dataset_id}", json=dict(changes), what=f"updating dataset {dataset_id}",
            not_found=f"dataset {dataset_id} is not known to the registry (deleted meanwhile?)"))

    # -- plumbing -----------------------------------------------------------------------------
    @staticmethod
    def _data(body: Any) -> dict[str, Any]:
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            raise RegistryError("the registry answered without a dataset in 'data'")
        return data

    def _headers(self, auth: bool) -> dict[str, str]:
        if not auth:
            return {}
        if not self._token:
            raise RegistryError(TOKEN_MESSAGE, hint="set IATI_REGISTRY_TOKEN or pass --token-file")
        return {"Authorization": f"Bearer {self._token}"}

    def _scrub(self, text: str) -> str:
        return text.replace(self._token, "<token>") if self._token else text

    def _call(self, method: str, path: str, *, what: str, auth: bool = True, json: Any = None,
              params: dict[str, Any] | None = None, not_found: str | None = None) -> Any:
        headers = self._headers(auth)
        safe = method in ("GET", "PATCH", "PUT", "DELETE")  # repeating these cannot duplicate anything
        attempt = 0
        while True:
            try:
                response = self._http.request(method, path, json=json, params=params, headers=headers)
            except httpx.TimeoutException as exc:
                problem = (f"could not connect within {self._timeout.connect}s" if isinstance(exc, httpx.ConnectTimeout)
                           else f"no answer within {self._timeout.read}s")
                unsent = isinstance(exc, httpx.ConnectTimeout)  # nothing reached the server
                if not (safe or unsent) or attempt + 1 >= self.retry.attempts:
                    raise self._unreachable(what, problem, created_maybe=not (safe or unsent)) from None
            except httpx.TransportError as exc:
                unsent = isinstance(exc, httpx.ConnectError)
                if not (safe or unsent) or attempt + 1 >= self.retry.attempts:
                    raise self._unreachable(what, type(exc).__name__, created_maybe=not (safe or unsent)) from None
            else:
                retryable = RETRYABLE_STATUS if safe else RETRYABLE_STATUS_UNSAFE_METHOD
                if response.status_code < 400:
                    return self._json(response, what)
                if response.status_code not in retryable or attempt + 1 >= self.retry.attempts:
                    raise self._error(response, what, json, not_found, attempts=attempt + 1)
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                if retry_after is not None and retry_after > self.retry.max_retry_after:
                    raise RegistryError(f"{what}: the registry is busy ({response.status_code}) and asks to "
                                        f"retry after {retry_after:.0f}s", hint="try again later")
                self.retry.sleep(self.retry.wait_for(attempt, retry_after))
                attempt += 1
                continue
            self.retry.sleep(self.retry.backoff(attempt))
            attempt += 1

    def _unreachable(self, what: str, problem: str, *, created_maybe: bool) -> RegistryError:
        hint = ("the dataset may have been created anyway: run the same publish again, it finds the dataset "
                "by short name instead of creating a second one" if created_maybe else
                "check the network and --registry, or raise --timeout")
        return RegistryError(f"{what}: registry {self.base_url} unreachable ({problem})", hint=hint)

    def _json(self, response: httpx.Response, what: str) -> Any:
        try:
            return response.json()
        except ValueError:
            raise RegistryError(f"{what}: the registry answered {response.status_code} with non-JSON "
                                f"content ({response.headers.get('content-type', 'no content type')})") from None

    def _error(self, response: httpx.Response, what: str, body: Any, not_found: str | None, *,
               attempts: int) -> IaticonvError:
        status = response.status_code
        message, fields = _server_message(response)
        message = self._scrub(message)
        said = f" — registry says: {message}" if message else ""
        if status == 401:
            return RegistryError(f"{TOKEN_MESSAGE} ({what} answered 401)")
        if status == 403:
            extra = " (only organisation admins may change 'visibility')" if isinstance(body, dict) and \
                "visibility" in body else ""
            return RegistryError(f"{what}: forbidden (403){said}",
                                 hint=f"your IATI Account role must allow this for the organisation{extra}")
        if status == 404:
            return RegistryError(f"{what}: {not_found or 'not found'} (404){said}")
        if status == 409:
            name = body.get("short_name") if isinstance(body, dict) else None
            return RegistryRejected(
                f"{what}: field 'short_name': {name!r} is already used by another dataset in the registry "
                f"(409){said}", status=409, fields=("short_name",),
                hint="short names are unique across all organisations: choose another with --short-name")
        if status in RETRYABLE_STATUS:
            tries = f" after {attempts} attempts" if attempts > 1 else ""
            hint = ("try again later" if attempts > 1 else "the dataset may have been created anyway: run the "
                    "same publish again, it finds the dataset by short name instead of creating a second one")
            return RegistryError(f"{what}: the registry answered {status}{tries}{said}", hint=hint)
        named = f"field(s) {', '.join(repr(f) for f in fields)}: " if fields else ""
        if status == 400:
            return RegistryError(f"{what}: bad request (400): {named}{message or 'no detail given'}",
                                 hint="the RYD API answers 400 for credential problems too; check the token")
        return RegistryRejected(f"{what}: the registry refused it ({status}): {named}{message or 'no detail'}",
                                status=status, fields=fields)
