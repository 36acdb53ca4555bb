"""The fake registry is only worth something if it is strict: prove it rejects what the spec rejects."""

from __future__ import annotations

import json

import httpx
import pytest
import yaml
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest

from registry_server import ORG_ID, SPEC_PATH, FakeRegistry

pytest_plugins = ["registry_server"]
pytestmark = pytest.mark.filterwarnings("ignore:Unsupported scheme type")

GOOD = {"human_readable_name": "A", "short_name": "xm-a-activities", "source_type": "primary_source",
        "url": "https://example.org/a.xml", "licence_id": "cc-by", "visibility": "public",
        "owner_organisation_id": ORG_ID}


def _client(server: FakeRegistry) -> httpx.Client:
    return httpx.Client(base_url=server.api_url + "/", headers={"Authorization": f"Bearer {server.token}"})


@pytest.mark.parametrize(("change", "reason"), [
    ({"short_name": "Has Capitals"}, "pattern"),
    ({"source_type": "tertiary_source"}, "enum"),
    ({"visibility": "hidden"}, "enum"),
    ({"owner_organisation_id": "not-a-uuid"}, "uuid"),
])
def test_server_rejects_a_request_that_breaks_the_spec(registry: FakeRegistry, change: dict[str, str],
                                                       reason: str) -> None:
    with _client(registry) as http:
        answer = http.post("datasets", json={**GOOD, **change})
    assert answer.status_code == 400
    assert len(registry.violations) == 1 and "request POST" in registry.violations[0]
    assert registry.datasets() == []
    registry.violations.clear()  # expected here; any other test failing this way fails at teardown


def test_server_records_a_response_that_breaks_the_spec(registry: FakeRegistry) -> None:
    registry.inject("POST", r"/datasets$", status=201, body={"status": "success", "data": "not an object"})
    with _client(registry) as http:
        answer = http.post("datasets", json=GOOD)
    assert answer.status_code == 201
    assert len(registry.violations) == 1 and "response POST" in registry.violations[0]
    registry.violations.clear()


def test_a_valid_create_then_patch_passes_both_ways(registry: FakeRegistry) -> None:
    with _client(registry) as http:
        created = http.post("datasets", json=GOOD)
        did = created.json()["data"]["id"]
        patched = http.patch(f"datasets/{did}", json={"url": "https://example.org/b.xml"})
    assert (created.status_code, patched.status_code) == (201, 200)
    assert patched.json()["data"]["metadata"]["url"] == "https://example.org/b.xml"
    assert registry.violations == []


def test_the_published_oneof_rejects_every_patch_body() -> None:
    """Why the fixture reads PATCH's oneOf as anyOf: literally, even the spec's own example fails."""
    spec = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    spec["servers"] = [{"url": "http://registry.test/api/v1"}]
    operation = spec["paths"]["/datasets/{did}"]["patch"]
    assert "oneOf" in operation["requestBody"]["content"]["application/json"]["schema"]
    example = operation["requestBody"]["content"]["application/json"]["examples"]["full_update"]["value"]
    request = MockRequest("http://registry.test", "patch", "/api/v1/datasets/ac30e27a-92bd-4f53-8720-16ae9b6aeaab",
                          data=json.dumps(example).encode(), content_type="application/json")
    with pytest.raises(Exception, match="valid under each of"):
        OpenAPI.from_dict(spec).validate_request(request)


def test_listing_pages_through_all_datasets(registry: FakeRegistry) -> None:
    from iaticonv.publish import RegistryClient

    names = [f"xm-a-{n}" for n in range(7)]
    for name in names:
        registry.add_dataset(ORG_ID, short_name=name)
    with RegistryClient(registry.api_url, registry.token, page_size=3) as client:
        listed = client.list_datasets(ORG_ID)
        found = client.find_dataset(ORG_ID, "xm-a-6")
    assert [item["metadata"]["short_name"] for item in listed] == names
    assert found is not None and found["metadata"]["short_name"] == "xm-a-6"
    pages = [seen.query.get("page") for seen in registry.calls("GET") if seen.path.endswith("/datasets")]
    assert pages[:3] == ["1", "2", "3"]
