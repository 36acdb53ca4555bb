"""A local stand-in for the IATI Register Your Data API, strict about the OpenAPI spec.

The server runs in a thread on 127.0.0.1 (werkzeug, which openapi-core already depends on), keeps
its datasets in an in-memory SQLite database, and checks EVERY request it receives and EVERY
response it sends against ``../shared/registry/iati-register-your-data-api.yaml`` with openapi-core.
A request that breaks the spec is answered 400 and recorded; a response that breaks it is recorded
too, and the ``registry`` fixture fails the test at teardown if anything was recorded. So a client
that drifts from the spec, or a fake that drifts from it, cannot pass silently.

The spec is read as published, with four documented adjustments made to the loaded dict (never to
the file), each because the published text cannot be used literally:

1. ``servers`` points at this local server, so openapi-core can match request URLs.
2. ``PATCH /datasets/{did}``: the body is ``oneOf: [DatasetBasicUpdateableData,
   DatasetFullUpdateableData]``. Full = Basic + ``visibility`` and neither sets
   ``additionalProperties: false``, so every valid body matches *both* schemas and a strict
   ``oneOf`` rejects every PATCH. We read it as ``anyOf``, which is what the authors meant.
3. The 409 answers use ``schema: $ref: '#/components/responses/Conflict'`` — a *response* object
   used as a schema, which constrains nothing. We use that response's own schema instead, so 409
   bodies are actually checked.
4. The spec documents no 422, 429, 502, 503 or 504 answers, but real servers (and their gateways) send them
   and the client must handle them; we add them to the operations the client calls, with the same
   error envelope as the documented 4xx answers, so scripted failures are checked too.

Security schemes are ``openIdConnect``/``oauth2``, which openapi-core cannot verify (it warns
"Unsupported scheme type"), so the server checks ``Authorization: Bearer <token>`` itself.
Success envelopes omit ``error``: the spec's examples show ``error: null``, but its schema declares
``error`` as a non-nullable object, and the server must satisfy the schema.

Test modules load the fixtures with ``pytest_plugins = ["registry_server"]`` after importing its
constants, hence PYTEST_DONT_REWRITE (pytest would otherwise warn that it cannot rewrite asserts).
"""

from __future__ import annotations

import copy
import json
import re
import secrets
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
import yaml
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from conftest import SHARED

SPEC_PATH = SHARED / "registry" / "iati-register-your-data-api.yaml"
ORG_ID = "5401c7f4-e9fd-4ce3-b184-bfe1cb71a9f8"  # the test publisher
OTHER_ORG_ID = "9285b3cc-e819-467a-9e77-92351771eee1"  # another publisher, owns a clashing short name
FORBIDDEN_ORG_ID = "0f851b98-914b-472d-89f6-301fc04f40e0"  # exists, but the token has no role there
API_PREFIX = "/api/v1"
LICENCES = [
    {"id": "cc-by", "full_label": "Creative Commons Attribution 4.0", "short_label": "CC BY 4.0",
     "status": "preferred"},
    {"id": "cc-zero", "full_label": "Creative Commons CCZero", "short_label": "CC0", "status": "preferred"},
    {"id": "gpl-3.0", "full_label": "OSI Approved::GNU General Public License version 3.0 (GPLv3)",
     "short_label": "GNU General Public License version 3.0 (GPLv3)", "status": "supported"},
    {"id": "other-open", "full_label": "Other (Open)", "short_label": "Other (Open)", "status": "legacy"},
]
FIELDS = ("human_readable_name", "short_name", "source_type", "url", "licence_id", "visibility")
_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["status", "error"],
    "properties": {
        "status": {"type": "string", "enum": ["failed"]},
        "data": {"nullable": True},
        "error": {"type": "object", "required": ["status_code", "error_msg"],
                  "properties": {"status_code": {"type": "integer"}, "error_msg": {"type": "string"}}},
    },
}


def load_spec(server_url: str) -> dict[str, Any]:
    """The published spec with the four adjustments described in the module docstring."""
    spec: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    spec["servers"] = [{"url": server_url + API_PREFIX}]
    patch_body = spec["paths"]["/datasets/{did}"]["patch"]["requestBody"]["content"]["application/json"]
    patch_body["schema"] = {"anyOf": patch_body["schema"].pop("oneOf")}  # adjustment 2: oneOf read as anyOf
    conflict = spec["components"]["responses"]["Conflict"]["content"]["application/json"]["schema"]
    for item in spec["paths"].values():
        for operation in item.values():
            responses = operation.get("responses", {}) if isinstance(operation, dict) else {}
            content = responses.get("409", {}).get("content", {}).get("application/json")
            if content and content.get("schema", {}).get("$ref") == "#/components/responses/Conflict":
                content["schema"] = copy.deepcopy(conflict)  # adjustment 3
    for path, method in (("/reporting-orgs/{oid}/datasets", "get"), ("/datasets", "post"),
                         ("/datasets/{did}", "get"), ("/datasets/{did}", "patch"), ("/licences", "get")):
        responses = spec["paths"][path][method]["responses"]
        for status in ("422", "429", "502", "503", "504"):  # adjustment 4: undocumented but real answers
            responses.setdefault(status, {"description": f"added for the fake registry ({status})",
                                          "content": {"application/json": {"schema": _ERROR_SCHEMA}}})
    return spec


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def error_body(status: int, message: str) -> dict[str, Any]:
    """The spec's error envelope. ``data`` is left out: the 404 schemas declare it a non-nullable object."""
    return {"status": "failed", "error": {"status_code": status, "error_msg": message}}


@dataclass
class Scripted:
    """One injected behaviour: matched by method and path regex, consumed ``times`` times."""

    method: str
    path: str
    status: int | None = None
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    times: int = 1


@dataclass(frozen=True)
class Seen:
    """A request as the server received it (the Authorization header is reduced to ok / not ok)."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    authorised: bool


class _Quiet(WSGIRequestHandler):
    def log(self, type: str, message: str, *args: Any) -> None:
        """Request lines are not wanted in test output."""


class FakeRegistry:
    """The server state plus the WSGI app; one instance per test session, reset per test."""

    def __init__(self) -> None:
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True, request_handler=_Quiet)
        self.url = f"http://127.0.0.1:{self._server.port}"
        self.api_url = self.url + API_PREFIX
        self.openapi = OpenAPI.from_dict(load_spec(self.url))
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute("CREATE TABLE datasets (id TEXT PRIMARY KEY, owner TEXT NOT NULL, short_name TEXT UNIQUE,"
                         " human_readable_name TEXT, source_type TEXT, url TEXT, licence_id TEXT, visibility TEXT,"
                         " last_url_update_date TEXT, last_metadata_update_date TEXT)")
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._db.execute("DELETE FROM datasets")
            self._db.commit()
        self.token = "ryd-" + secrets.token_hex(16)
        self.orgs = {ORG_ID: True, OTHER_ORG_ID: True, FORBIDDEN_ORG_ID: False}
        self.script: list[Scripted] = []
        self.seen: list[Seen] = []
        self.violations: list[str] = []
        self.hosted: dict[str, bytes] = {}

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._db.close()

    # -- what tests use ----------------------------------------------------------------------
    def inject(self, method: str, path: str, **kwargs: Any) -> None:
        """Script a response (status/body/headers) or a delay for requests matching ``path`` (regex)."""
        self.script.append(Scripted(method, path, **kwargs))

    def add_dataset(self, owner: str, **metadata: str) -> str:
        """Put a dataset straight into the store (e.g. one owned by another organisation)."""
        did = str(uuid.uuid4())
        values = {"human_readable_name": "Existing", "source_type": "primary_source",
                  "url": "https://example.org/x.xml", "licence_id": "cc-by", "visibility": "public", **metadata}
        with self._lock:
            self._db.execute("INSERT INTO datasets VALUES (?,?,?,?,?,?,?,?,?,?)",
                             (did, owner, values["short_name"], values["human_readable_name"], values["source_type"],
                              values["url"], values["licence_id"], values["visibility"], _now(), _now()))
            self._db.commit()
        return did

    def datasets(self, owner: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM datasets WHERE ? IS NULL OR owner = ? ORDER BY rowid",
                                    (owner, owner)).fetchall()
        return [self._read(row) for row in rows]

    def calls(self, method: str | None = None) -> list[Seen]:
        return [seen for seen in self.seen if method is None or seen.method == method]

    # -- the server ----------------------------------------------------------------------------
    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        response = self._handle(request)
        if request.path.startswith(API_PREFIX):
            try:
                self.openapi.validate_response(WerkzeugOpenAPIRequest(request), WerkzeugOpenAPIResponse(response))
            except Exception as exc:  # any spec failure is a test failure, reported at teardown
                self.violations.append(f"response {request.method} {request.path} {response.status_code}: {exc}")
        return response(environ, start_response)

    def _handle(self, request: Request) -> Response:
        body = request.get_json(silent=True) if request.data else None
        self.seen.append(Seen(request.method, request.path, dict(request.args), body,
                              request.headers.get("Authorization") == f"Bearer {self.token}"))
        if request.path.startswith("/host/"):  # the publisher's web server, for --check-url
            data = self.hosted.get(request.path[len("/host/"):])
            return Response(data, 200) if data is not None else Response(b"not found", 404)
        try:
            self.openapi.validate_request(WerkzeugOpenAPIRequest(request))
        except Exception as exc:
            self.violations.append(f"request {request.method} {request.path}: {exc}")
            return self._json(400, error_body(400, f"request does not match the spec: {exc}"))
        for item in self.script:
            if item.times > 0 and item.method == request.method and re.search(item.path, request.path):
                item.times -= 1
                if item.delay:
                    threading.Event().wait(item.delay)
                if item.status is not None:
                    payload = item.body or error_body(item.status, f"scripted {item.status}")
                    return self._json(item.status, payload, item.headers)
                break
        path = request.path[len(API_PREFIX):]
        if path == "/licences":
            return self._json(200, LICENCES)
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return self._json(401, error_body(401, "No authorisation information provided."))
        return self._route(request.method, path, body, request.args)

    def _route(self, method: str, path: str, body: Any, args: Any) -> Response:
        if match := re.fullmatch(r"/reporting-orgs/([0-9a-f-]+)/datasets", path):
            return self._list(match.group(1), int(args.get("page", 1)), int(args.get("page_size", 100)))
        if path == "/datasets" and method == "POST":
            return self._create(body)
        if match := re.fullmatch(r"/datasets/([0-9a-f-]+)", path):
            return self._get(match.group(1)) if method == "GET" else self._patch(match.group(1), body)
        return self._json(404, error_body(404, "UUID is not known in the registry."))

    def _org_problem(self, org: str) -> Response | None:
        if org not in self.orgs:
            return self._json(404, error_body(404, "Organisation UUID is not known in the registry."))
        if not self.orgs[org]:
            return self._json(403, error_body(403, "No authorisation to perform this operation on this resource."))
        return None

    def _list(self, org: str, page: int, size: int) -> Response:
        if problem := self._org_problem(org):
            return problem
        rows = self.datasets(org)
        pages = max(1, -(-len(rows) // size))
        link = f"{self.api_url}/reporting-orgs/{org}/datasets?page={{}}&page_size={size}"
        links = {"first": link.format(1), "last": link.format(pages)}
        if page < pages:
            links["next"] = link.format(page + 1)
        if page > 1:
            links["prev"] = link.format(page - 1)
        return self._json(200, {"status": "success", "data": rows[(page - 1) * size: page * size],
                                "pagination": {"page": page, "page_size": size, "total_pages": pages,
                                               "total_records": len(rows), "links": links}})

    def _create(self, body: dict[str, Any]) -> Response:
        if problem := self._org_problem(body["owner_organisation_id"]):
            return problem
        if self._by_short_name(body["short_name"]):
            return self._json(409, error_body(409, "There is already a dataset with that short_name in the Registry."))
        did = self.add_dataset(body["owner_organisation_id"], **{k: body[k] for k in FIELDS if k in body})
        return self._json(201, {"status": "success", "data": self._one(did)})

    def _get(self, did: str) -> Response:
        row = self._one(did)
        if row is None:
            return self._json(404, error_body(404, "Dataset UUID is not known in the registry."))
        return self._json(200, {"status": "success", "data": row})

    def _patch(self, did: str, body: dict[str, Any]) -> Response:
        row = self._one(did)
        if row is None:
            return self._json(404, error_body(404, "Dataset UUID is not known in the registry."))
        other = self._by_short_name(body.get("short_name", row["metadata"]["short_name"]))
        if other and other != did:
            return self._json(409, error_body(409, "Error: unable to update dataset as there is already a "
                                                   "dataset with that short_name in the Registry."))
        changes = {key: body[key] for key in FIELDS if key in body}
        with self._lock:
            for key, value in changes.items():
                self._db.execute(f"UPDATE datasets SET {key} = ? WHERE id = ?", (value, did))
            stamp = "last_url_update_date" if "url" in changes else "last_metadata_update_date"
            self._db.execute(f"UPDATE datasets SET {stamp} = ? WHERE id = ?", (_now(), did))
            self._db.commit()
        return self._json(200, {"status": "success", "data": self._one(did)})

    def _by_short_name(self, name: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT id FROM datasets WHERE short_name = ?", (name,)).fetchone()
        return str(row[0]) if row else None

    def _one(self, did: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM datasets WHERE id = ?", (did,)).fetchone()
        return self._read(row) if row else None

    @staticmethod
    def _read(row: tuple[Any, ...]) -> dict[str, Any]:
        did, owner, *values = row
        names = ("short_name", "human_readable_name", "source_type", "url", "licence_id", "visibility",
                 "last_url_update_date", "last_metadata_update_date")
        return {"id": did, "owner_organisation_id": owner, "metadata": dict(zip(names, values, strict=True))}

    @staticmethod
    def _json(status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
        return Response(json.dumps(payload), status=status, headers=headers or {}, mimetype="application/json")


@pytest.fixture(scope="session")
def registry_session() -> Iterator[FakeRegistry]:
    """One server per test session (per xdist worker); ``registry`` resets it for each test."""
    server = FakeRegistry()
    yield server
    server.close()


@pytest.fixture
def registry(registry_session: FakeRegistry) -> Iterator[FakeRegistry]:
    """A clean fake registry for one test; fails the test if any request or response broke the spec."""
    registry_session.reset()
    yield registry_session
    assert registry_session.violations == [], "\n".join(registry_session.violations)


@dataclass
class Outcome:
    """Exit code and the two channels of one in-process CLI run."""

    code: int
    out: str
    err: str


@dataclass
class PublishEnv:
    """A private data directory, the token in the environment, and a CLI runner."""

    home: Any
    registry: FakeRegistry
    capsys: Any

    def cli(self, *args: str) -> Outcome:
        from iaticonv.cli.main import run

        self.capsys.readouterr()
        code = run(list(args))
        captured = self.capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    def publish(self, file: Any, *extra: str, url: str = "https://data.example.org/iati/activities.xml",
                org: str = ORG_ID) -> Outcome:
        return self.cli("publish", str(file), "--url", url, "--org", org, "--registry", self.registry.api_url,
                        *extra)


@pytest.fixture
def publish_env(registry: FakeRegistry, tmp_path: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any,
                iati_home: Any) -> PublishEnv:
    """Each test gets its own publication log (a fresh IATICONV_HOME sharing the session's standard)."""
    from iaticonv.publish import retry

    home = tmp_path / "home"
    home.mkdir()
    (home / "standard").symlink_to(iati_home / "standard", target_is_directory=True)
    monkeypatch.setenv("IATICONV_HOME", str(home))
    monkeypatch.setenv("IATI_REGISTRY_TOKEN", registry.token)
    monkeypatch.setattr(retry, "SLEEP", lambda seconds: None)  # retries never wait for real in tests
    return PublishEnv(home=home, registry=registry, capsys=capsys)
