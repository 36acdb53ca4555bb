"""The RYD client on its own: retry policy, Retry-After, error mapping, token hygiene."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from iaticonv.errors import RegistryError
from iaticonv.publish import TOKEN_MESSAGE, RegistryClient, RegistryRejected, RetryPolicy
from iaticonv.publish.retry import parse_retry_after
from registry_server import ORG_ID, FakeRegistry

pytest_plugins = ["registry_server"]
pytestmark = pytest.mark.filterwarnings("ignore:Unsupported scheme type")


class Clock:
    """Records the waits instead of sleeping; jitter fixed so the expected values are exact."""

    def __init__(self, jitter: float = 1.0) -> None:
        self.waits: list[float] = []
        self.policy = RetryPolicy(attempts=4, base_delay=0.5, max_delay=3.0, sleep=self.waits.append,
                                  jitter=lambda: jitter)


def test_backoff_doubles_and_is_capped() -> None:
    clock = Clock(jitter=1.0)
    assert [clock.policy.backoff(n) for n in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert Clock(jitter=0.25).policy.backoff(2) == 0.5  # full jitter scales the whole wait


def test_retry_after_parsing() -> None:
    now = datetime(2026, 11, 27, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now=now) == 30.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_5xx_backoff_waits_grow(registry: FakeRegistry) -> None:
    clock = Clock()
    registry.inject("GET", r"/datasets$", status=502, times=3)
    with RegistryClient(registry.api_url, registry.token, retry=clock.policy) as client:
        assert client.list_datasets(ORG_ID) == []
    assert clock.waits == [0.5, 1.0, 2.0]


def test_retry_after_is_honoured_exactly_when_jitter_is_zero(registry: FakeRegistry) -> None:
    clock = Clock(jitter=0.0)
    registry.inject("GET", r"/datasets$", status=429, headers={"Retry-After": "11"}, times=1)
    with RegistryClient(registry.api_url, registry.token, retry=clock.policy) as client:
        client.list_datasets(ORG_ID)
    assert clock.waits == [11.0]


def test_an_unreasonable_retry_after_is_reported_not_waited(registry: FakeRegistry) -> None:
    clock = Clock()
    registry.inject("GET", r"/datasets$", status=503, headers={"Retry-After": "3600"}, times=1)
    with RegistryClient(registry.api_url, registry.token, retry=clock.policy) as client, \
            pytest.raises(RegistryError, match="retry after 3600s"):
        client.list_datasets(ORG_ID)
    assert clock.waits == []


def test_post_is_not_retried_on_500(registry: FakeRegistry) -> None:
    """A 500 after a POST may hide a created dataset; only 429/503 are safe to repeat."""
    clock = Clock()
    registry.inject("POST", r"/datasets$", status=500, times=1)
    body = {"human_readable_name": "A", "short_name": "xm-a-org", "source_type": "primary_source",
            "url": "https://example.org/a.xml", "licence_id": "cc-by", "visibility": "public",
            "owner_organisation_id": ORG_ID}
    with RegistryClient(registry.api_url, registry.token, retry=clock.policy) as client, \
            pytest.raises(RegistryError, match="answered 500") as caught:
        client.create_dataset(body)
    assert len(registry.calls("POST")) == 1 and clock.waits == []
    assert "attempts" not in str(caught.value) and "run the same publish again" in str(caught.value)


def test_401_message_and_exit_code(registry: FakeRegistry) -> None:
    with RegistryClient(registry.api_url, "stale", retry=Clock().policy) as client, \
            pytest.raises(RegistryError) as caught:
        client.list_datasets(ORG_ID)
    assert TOKEN_MESSAGE in str(caught.value) and caught.value.exit_code == 3


def test_no_token_no_request(registry: FakeRegistry) -> None:
    with RegistryClient(registry.api_url, None) as client, pytest.raises(RegistryError, match="IATI Account"):
        client.list_datasets(ORG_ID)
    assert registry.seen == []


def test_fastapi_style_422_detail_names_the_field(registry: FakeRegistry) -> None:
    registry.inject("PATCH", r"/datasets/", status=422, body={"status": "failed", "error": {
        "status_code": 422, "error_msg": "validation failed"}, "detail": [
        {"loc": ["body", "licence_id"], "msg": "unknown licence"}]})
    did = registry.add_dataset(ORG_ID, short_name="xm-a-activities")
    with RegistryClient(registry.api_url, registry.token) as client, pytest.raises(RegistryRejected) as caught:
        client.update_dataset(did, {"licence_id": "nope"})
    assert caught.value.fields == ("licence_id",) and caught.value.exit_code == 1
    assert "'licence_id'" in str(caught.value)


def test_unknown_dataset_is_404(registry: FakeRegistry) -> None:
    with RegistryClient(registry.api_url, registry.token) as client, pytest.raises(RegistryError, match="404"):
        client.get_dataset("ac30e27a-92bd-4f53-8720-16ae9b6aeaab")


def test_connection_refused_is_retried_then_exit_3() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    clock = Clock()
    with RegistryClient(f"http://127.0.0.1:{port}/api/v1", "t0ken-value", retry=clock.policy) as client, \
            pytest.raises(RegistryError, match="unreachable") as caught:
        client.list_datasets(ORG_ID)
    assert len(clock.waits) == 3 and "t0ken-value" not in str(caught.value)


def test_timeouts_exhaust_the_retries(registry: FakeRegistry) -> None:
    clock = Clock()
    policy = RetryPolicy(attempts=2, sleep=clock.waits.append, jitter=lambda: 0.0)
    registry.inject("GET", r"/datasets$", delay=1.5, times=2)
    with RegistryClient(registry.api_url, registry.token, timeout=0.5, retry=policy) as client, \
            pytest.raises(RegistryError, match=r"no answer within 0.5s") as caught:
        client.list_datasets(ORG_ID)
    assert caught.value.exit_code == 3 and len(registry.calls("GET")) == 2 and clock.waits == [0.0]


def test_repr_hides_the_token() -> None:
    client = RegistryClient("http://127.0.0.1:9/api/v1", "s3cret-token")
    assert "s3cret-token" not in repr(client) and "<set>" in repr(client)
    client.close()


def test_default_registry_is_the_production_server_of_the_spec() -> None:
    import yaml

    from iaticonv.publish import DEFAULT_REGISTRY
    from registry_server import SPEC_PATH

    servers = [server["url"] for server in yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))["servers"]]
    assert DEFAULT_REGISTRY in servers and not DEFAULT_REGISTRY.startswith("https://dev.")


def test_token_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from iaticonv.errors import UsageError
    from iaticonv.publish import load_token

    monkeypatch.delenv("IATI_REGISTRY_TOKEN", raising=False)
    assert load_token(None) is None
    monkeypatch.setenv("IATI_REGISTRY_TOKEN", "  from-env \n")
    assert load_token(None) == "from-env"
    token_file = tmp_path / "token"
    token_file.write_text("from-file\n")
    assert load_token(token_file) == "from-file"
    token_file.write_text("\n")
    with pytest.raises(UsageError, match="empty"):
        load_token(token_file)
    with pytest.raises(UsageError, match="cannot read"):
        load_token(tmp_path / "absent")
