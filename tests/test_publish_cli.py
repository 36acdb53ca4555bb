"""``iaticonv publish`` end to end against the local fake registry (see ``registry_server``)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from openapi_core.testing import MockRequest

from conftest import EXAMPLE_ORGANISATION
from publish_samples import break_activity_file, write_activity_file
from registry_server import FORBIDDEN_ORG_ID, ORG_ID, OTHER_ORG_ID, PublishEnv

pytest_plugins = ["registry_server"]  # the fake registry's fixtures
pytestmark = pytest.mark.filterwarnings("ignore:Unsupported scheme type")
URL = "https://data.example.org/iati/activities.xml"


@pytest.fixture
def activity_file(tmp_path: Path) -> Path:
    return write_activity_file(tmp_path / "activities.xml")


def test_create_stores_exactly_the_payload(publish_env: PublishEnv, activity_file: Path) -> None:
    dry = publish_env.publish(activity_file, "--dry-run", "--format", "json")
    assert dry.code == 0, dry.err
    payload = json.loads(dry.out)
    result = publish_env.publish(activity_file, "--format", "json")
    assert result.code == 0, result.err
    outcome = json.loads(result.out)
    assert outcome["action"] == "created"
    [stored] = publish_env.registry.datasets(ORG_ID)
    assert stored["id"] == outcome["dataset_id"]
    assert stored["owner_organisation_id"] == payload["owner_organisation_id"] == ORG_ID
    for key in ("human_readable_name", "short_name", "source_type", "url", "visibility", "licence_id"):
        assert stored["metadata"][key] == payload[key], key
    assert payload["short_name"] == "ca-3-activities"
    assert payload["human_readable_name"] == "Global Affairs Canada - activity file"
    [post] = publish_env.registry.calls("POST")
    assert post.body == payload and post.authorised


def test_second_identical_run_changes_nothing(publish_env: PublishEnv, activity_file: Path) -> None:
    first = json.loads(publish_env.publish(activity_file, "--format", "json").out)
    before = publish_env.registry.datasets(ORG_ID)
    publish_env.registry.seen.clear()
    second = publish_env.publish(activity_file, "--format", "json")
    assert second.code == 0, second.err
    outcome = json.loads(second.out)
    assert outcome["action"] == "unchanged" and outcome["dataset_id"] == first["dataset_id"]
    assert publish_env.registry.calls("POST") == [] and publish_env.registry.calls("PATCH") == []
    assert publish_env.registry.datasets(ORG_ID) == before


def test_changing_the_url_sends_one_patch_with_only_the_url(publish_env: PublishEnv, activity_file: Path) -> None:
    first = json.loads(publish_env.publish(activity_file, "--format", "json").out)
    publish_env.registry.seen.clear()
    new_url = "https://data.example.org/iati/2026/activities.xml"
    result = publish_env.publish(activity_file, "--format", "json", url=new_url)
    assert result.code == 0, result.err
    assert json.loads(result.out)["action"] == "updated"
    [patch] = publish_env.registry.calls("PATCH")
    assert patch.path.endswith(first["dataset_id"]) and patch.body == {"url": new_url}
    assert publish_env.registry.calls("POST") == []
    [stored] = publish_env.registry.datasets(ORG_ID)
    assert stored["id"] == first["dataset_id"] and stored["metadata"]["url"] == new_url


def test_update_keeps_fields_the_user_did_not_choose(publish_env: PublishEnv, activity_file: Path) -> None:
    """A title edited in IATI Account survives a re-publish that does not pass --title."""
    did = publish_env.registry.add_dataset(ORG_ID, short_name="ca-3-activities", url=URL,
                                           human_readable_name="GAC activities (edited by hand)",
                                           licence_id="gpl-3.0")
    result = publish_env.publish(activity_file, "--format", "json")
    assert json.loads(result.out)["action"] == "unchanged"
    assert publish_env.registry.calls("PATCH") == []
    publish_env.publish(activity_file, "--title", "GAC: all activities", "--licence", "cc-zero")
    [patch] = publish_env.registry.calls("PATCH")
    assert patch.body == {"human_readable_name": "GAC: all activities", "licence_id": "cc-zero"}
    assert publish_env.registry.datasets(ORG_ID)[0]["id"] == did


def test_dry_run_json_is_a_valid_create_body(publish_env: PublishEnv) -> None:
    result = publish_env.publish(EXAMPLE_ORGANISATION, "--dry-run", "--format", "json",
                                 url="https://example.org/org.xml")
    assert result.code == 0, result.err
    payload = json.loads(result.out)
    assert payload["short_name"] == "aa-aaa-123456789-org"
    api = publish_env.registry.openapi
    request = MockRequest(publish_env.registry.url, "post", "/api/v1/datasets", data=json.dumps(payload).encode(),
                          content_type="application/json", headers={"Authorization": "Bearer x"})
    api.validate_request(request)  # raises if the payload breaks the spec's dataset schema
    schema = api.spec / "components" / "schemas"
    allowed = set((schema / "DatasetBasicUpdateableData" / "properties").keys()) | {"visibility",
                                                                                    "owner_organisation_id"}
    assert set(payload) == allowed
    assert publish_env.registry.seen == []


def test_invalid_file_is_refused_before_any_request(publish_env: PublishEnv, tmp_path: Path) -> None:
    bad = break_activity_file(tmp_path / "bad.xml")
    result = publish_env.publish(bad)
    assert result.code == 1
    assert "not published" in result.err and "critical 1" in result.err
    report = next((publish_env.home / "publish" / "reports").glob("bad-*.validation.json"))
    assert str(report) in result.err
    assert json.loads(report.read_text())  # the report is a real JSON document
    as_json = publish_env.publish(bad, "--format", "json")
    assert as_json.code == 1
    refused = json.loads(as_json.out)
    assert (refused["action"], refused["report"], refused["validation"]["critical"]) == ("refused", str(report), 1)
    assert publish_env.registry.seen == []


def test_force_publishes_an_invalid_file_and_logs_it(publish_env: PublishEnv, tmp_path: Path) -> None:
    bad = break_activity_file(tmp_path / "bad.xml")
    result = publish_env.publish(bad, "--force", "--format", "json")
    assert result.code == 0, result.err
    assert "--force" in result.err
    outcome = json.loads(result.out)
    assert outcome["forced"] is True and outcome["validation"]["critical"] == 1
    status = json.loads(publish_env.cli("registry", "status", "--format", "json").out)
    assert status[0]["forced"] is True and status[0]["validation"]["critical"] == 1


def test_bad_token_is_exit_3_with_the_account_hint(publish_env: PublishEnv, activity_file: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IATI_REGISTRY_TOKEN", "expired-token-value")
    result = publish_env.publish(activity_file)
    assert result.code == 3
    assert "token missing, expired or invalid — get a new one from IATI Account" in result.err
    assert publish_env.registry.datasets() == []


def test_missing_token_fails_before_any_request(publish_env: PublishEnv, activity_file: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IATI_REGISTRY_TOKEN")
    result = publish_env.publish(activity_file)
    assert result.code == 3 and "IATI Account" in result.err
    assert publish_env.registry.seen == []


def test_token_file_is_used(publish_env: PublishEnv, activity_file: Path, tmp_path: Path,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(publish_env.registry.token + "\n")
    monkeypatch.setenv("IATI_REGISTRY_TOKEN", "wrong")
    result = publish_env.publish(activity_file, "--token-file", str(token_file))
    assert result.code == 0, result.err
    assert all(seen.authorised for seen in publish_env.registry.calls() if "licences" not in seen.path)


def test_403_on_visibility_change_says_only_admins_may(publish_env: PublishEnv, activity_file: Path) -> None:
    publish_env.registry.add_dataset(ORG_ID, short_name="ca-3-activities", url=URL)
    publish_env.registry.inject("PATCH", r"/datasets/", status=403)
    result = publish_env.publish(activity_file, "--visibility", "private", url=URL)
    assert result.code == 3 and "forbidden (403)" in result.err and "'visibility'" in result.err
    [patch] = publish_env.registry.calls("PATCH")
    assert patch.body == {"visibility": "private"}


def test_forbidden_organisation_is_exit_3(publish_env: PublishEnv, activity_file: Path) -> None:
    result = publish_env.publish(activity_file, org=FORBIDDEN_ORG_ID)
    assert result.code == 3
    assert "forbidden (403)" in result.err and "role" in result.err


def test_unknown_organisation_names_the_org_option(publish_env: PublishEnv, activity_file: Path) -> None:
    result = publish_env.publish(activity_file, org="00000000-0000-4000-8000-000000000000")
    assert result.code == 3 and "--org" in result.err and "404" in result.err


def test_short_name_taken_by_another_organisation_is_409(publish_env: PublishEnv, activity_file: Path) -> None:
    publish_env.registry.add_dataset(OTHER_ORG_ID, short_name="ca-3-activities")
    result = publish_env.publish(activity_file)
    assert result.code == 1
    assert "'short_name'" in result.err and "409" in result.err and "--short-name" in result.err
    renamed = publish_env.publish(activity_file, "--short-name", "ca-3-activities-2")
    assert renamed.code == 0, renamed.err


def test_422_names_the_field(publish_env: PublishEnv, activity_file: Path) -> None:
    publish_env.registry.inject("POST", r"/datasets$", status=422, body={
        "status": "failed", "data": None,
        "error": {"status_code": 422, "error_msg": "url must point to an .xml file"}})
    result = publish_env.publish(activity_file)
    assert result.code == 1
    assert "field(s) 'url'" in result.err and "422" in result.err


def test_429_with_retry_after_is_retried(publish_env: PublishEnv, activity_file: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from iaticonv.publish import retry

    waits: list[float] = []
    monkeypatch.setattr(retry, "SLEEP", waits.append)
    publish_env.registry.inject("POST", r"/datasets$", status=429, headers={"Retry-After": "7"}, times=2)
    result = publish_env.publish(activity_file)
    assert result.code == 0, result.err
    assert len(publish_env.registry.calls("POST")) == 3
    assert len(waits) == 2 and all(7 <= wait <= 7.7 for wait in waits)
    assert len(publish_env.registry.datasets(ORG_ID)) == 1


def test_5xx_then_success(publish_env: PublishEnv, activity_file: Path) -> None:
    publish_env.registry.inject("GET", r"/datasets$", status=503, times=1)
    publish_env.registry.inject("GET", r"/datasets$", status=500, times=1)
    result = publish_env.publish(activity_file)
    assert result.code == 0, result.err
    assert len([c for c in publish_env.registry.calls("GET") if c.path.endswith("/datasets")]) == 3


def test_persistent_5xx_gives_up_with_exit_3(publish_env: PublishEnv, activity_file: Path) -> None:
    publish_env.registry.inject("GET", r"/datasets$", status=503, times=99)
    result = publish_env.publish(activity_file)
    assert result.code == 3 and "503 after 5 attempts" in result.err
    assert len(publish_env.registry.calls("GET")) == 5


def test_read_timeout_is_retried(publish_env: PublishEnv, activity_file: Path) -> None:
    """Margins are wide (1 s timeout, 2.5 s stall) so a loaded CI machine cannot turn this into a flake."""
    publish_env.registry.inject("GET", r"/datasets$", delay=2.5, times=1)
    ok = publish_env.publish(activity_file, "--timeout", "1")
    assert ok.code == 0, ok.err
    assert len([c for c in publish_env.registry.calls("GET") if c.path.endswith("/datasets")]) == 2


def test_post_timeout_is_not_blindly_repeated(publish_env: PublishEnv, activity_file: Path) -> None:
    """A POST that timed out may have been applied: no retry, and the hint says re-running is safe."""
    publish_env.registry.inject("POST", r"/datasets$", delay=2.5, status=503, times=1)
    result = publish_env.publish(activity_file, "--timeout", "1")
    assert result.code == 3 and "no answer within 1.0s" in result.err
    assert "run the same publish again" in result.err
    assert len(publish_env.registry.calls("POST")) == 1


def test_token_never_in_output_or_logs(publish_env: PublishEnv, activity_file: Path, tmp_path: Path) -> None:
    token = publish_env.registry.token
    outputs = [publish_env.publish(activity_file, "--format", "json"),
               publish_env.publish(activity_file, url="https://data.example.org/v2.xml"),
               publish_env.cli("registry", "datasets", "--org", ORG_ID, "--registry", publish_env.registry.api_url),
               publish_env.cli("registry", "status", "--format", "json")]
    # the server echoing the token back in an error must not leak it either
    publish_env.registry.inject("GET", r"/datasets$", status=422, body={
        "status": "failed", "data": None, "error": {"status_code": 422, "error_msg": f"bad token {token}"}})
    outputs.append(publish_env.publish(activity_file))
    assert outputs[-1].code == 1 and "<token>" in outputs[-1].err
    for outcome in outputs:
        assert token not in outcome.out and token not in outcome.err
    for path in (publish_env.home / "publish").rglob("*"):
        if path.is_file():
            assert token.encode() not in path.read_bytes(), path


def test_status_notices_a_changed_local_file(publish_env: PublishEnv, activity_file: Path) -> None:
    assert publish_env.publish(activity_file).code == 0
    first = json.loads(publish_env.cli("registry", "status", "--format", "json").out)
    assert [row["state"] for row in first] == ["unchanged"]
    write_activity_file(activity_file, suffix=" (phase 2)")
    after = publish_env.cli("registry", "status")
    assert after.code == 0 and after.out.startswith("changed") and "ca-3-activities" in after.out
    activity_file.unlink()
    gone = json.loads(publish_env.cli("registry", "status", "--format", "json").out)
    assert gone[0]["state"] == "missing"


def test_history_rows_carry_hash_url_dataset_and_summary(publish_env: PublishEnv, activity_file: Path) -> None:
    import hashlib

    publish_env.publish(activity_file)
    publish_env.publish(activity_file, url="https://data.example.org/v2.xml")
    with sqlite3.connect(publish_env.home / "publish" / "history.sqlite3") as conn:
        cursor = conn.execute("SELECT sha256, url, dataset_id, action, validation FROM publications ORDER BY id")
        rows = cursor.fetchall()
    digest = hashlib.sha256(activity_file.read_bytes()).hexdigest()
    [dataset] = publish_env.registry.datasets(ORG_ID)
    assert [(r[0], r[2], r[3]) for r in rows] == [(digest, dataset["id"], "created"),
                                                  (digest, dataset["id"], "updated")]
    assert rows[1][1] == "https://data.example.org/v2.xml"
    assert json.loads(rows[0][4])["error"] == 0


def test_registry_datasets_and_licences(publish_env: PublishEnv, activity_file: Path) -> None:
    publish_env.publish(activity_file)
    listed = publish_env.cli("registry", "datasets", "--org", ORG_ID, "--registry", publish_env.registry.api_url,
                             "--format", "json")
    assert listed.code == 0 and [d["metadata"]["short_name"] for d in json.loads(listed.out)] == ["ca-3-activities"]
    licences = publish_env.cli("registry", "licences", "--registry", publish_env.registry.api_url)
    assert licences.code == 0 and "cc-by" in licences.out and "legacy" in licences.out


def test_unknown_licence_is_a_usage_error_and_nothing_is_created(publish_env: PublishEnv,
                                                                 activity_file: Path) -> None:
    result = publish_env.publish(activity_file, "--licence", "all-rights-reserved")
    assert result.code == 2 and "--licence" in result.err
    assert publish_env.registry.datasets() == []
    legacy = publish_env.publish(activity_file, "--licence", "other-open")
    assert legacy.code == 0 and "legacy" in legacy.err


def test_check_url_compares_the_served_bytes(publish_env: PublishEnv, activity_file: Path) -> None:
    server = publish_env.registry
    server.hosted["activities.xml"] = activity_file.read_bytes()
    good = publish_env.publish(activity_file, "--check-url", url=f"{server.url}/host/activities.xml")
    assert good.code == 0, good.err
    server.hosted["activities.xml"] = b"<iati-activities/>"
    stale = publish_env.publish(activity_file, "--check-url", url=f"{server.url}/host/activities.xml")
    assert stale.code == 1 and "different bytes" in stale.err and "'url'" in stale.err
    missing = publish_env.publish(activity_file, "--check-url", url=f"{server.url}/host/nothing.xml")
    assert missing.code == 3 and "404" in missing.err
    assert not any(seen.authorised for seen in server.calls() if seen.path.startswith("/host/"))


@pytest.mark.parametrize(("args", "needle"), [
    (["--url", "ftp://example.org/a.xml"], "--url"),
    (["--org", "not-a-uuid"], "--org"),
    (["--short-name", "Bad Name"], "--short-name"),
])
def test_bad_options_are_usage_errors(publish_env: PublishEnv, activity_file: Path, args: list[str],
                                      needle: str) -> None:
    base = {"--url": URL, "--org": ORG_ID}
    extra = []
    for flag, value in zip(args[::2], args[1::2], strict=True):
        if flag in base:
            base[flag] = value
        else:
            extra += [flag, value]
    result = publish_env.cli("publish", str(activity_file), *[x for kv in base.items() for x in kv], *extra,
                             "--registry", publish_env.registry.api_url)
    assert result.code == 2 and needle in result.err
    assert publish_env.registry.seen == []
