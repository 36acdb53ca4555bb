"""Attacks on the record formats (JSON, YAML, GAC profile text): refused without a hang, in little memory.

The YAML alias bomb is the record formats' "billion laughs": 1.7 KB of nested aliases that the
loader keeps shared but a record reader copies — 2.5 million result targets, gigabytes, if expanded.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hostile.harness import cli, cli_subprocess

HANG_GUARD = 120.0  # not a timing assertion: a run still going after this long is stuck, killed and failed
MAX_RSS_MB = 200.0


def _alias_bomb(path: Path, fan_out: int = 40) -> Path:
    lines = ["--- {iati-activities: {version: '2.03'}}", "---", "iati_identifier: BOMB", "results:",
             "- &res", "  type: '1'", "  indicators:", "  - &ind", "    measure: '1'", "    periods:",
             "    - &per", "      targets:", "      - &tgt {value: '1'}"]
    lines += ["      - *tgt"] * (fan_out - 1) + ["    - *per"] * (fan_out - 1)
    lines += ["  - *ind"] * (fan_out - 1) + ["- *res"] * (fan_out - 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_yaml_alias_bomb_is_refused_small_without_a_hang(tmp_path: Path) -> None:
    path = _alias_bomb(tmp_path / "bomb.yaml")
    output = tmp_path / "bomb.json"
    outcome = cli_subprocess("convert", path, "-o", output, timeout=HANG_GUARD)
    outcome.assert_clean_failure(str(path), "document 2 repeats a mapping or list through a YAML alias",
                                 "write each value out in full")
    assert outcome.max_rss_mb < MAX_RSS_MB, outcome  # and not killed at the hang guard (assert_clean_failure)
    assert not output.exists()


def test_a_shared_scalar_alias_is_harmless_and_accepted(tmp_path: Path) -> None:
    """Aliases to plain strings copy nothing big, so they stay legal YAML for the reader."""
    path = tmp_path / "scalar.yaml"
    path.write_text("---\niati_identifier: &id GB-1-X\ntitle: {narratives: {en: *id}}\n", encoding="utf-8")
    output = tmp_path / "scalar.xml"
    assert cli("convert", path, "-o", output).code == 0
    assert "<narrative xml:lang=\"en\">GB-1-X</narrative>" in output.read_text(encoding="utf-8")


# name → (file content, what the error says)
BROKEN_RECORDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "json-deep-nesting": ("deep.json", "[" * 100_000 + "]" * 100_000, ("line 1", "nested too deeply")),
    "json-huge-integer": ("int.json", '[{"iati_identifier": "X", "budgets": [{"value": {"amount": 1'
                          + "0" * 10_000 + "}}]}]", ("line 1", "4300 digits")),
    "json-truncated": ("cut.json", '{"iati-activities": {"version": "2.03"},\n"activities": [\n'
                       '{"iati_identifier": "X"},\n', ("ends before the closing ']}'",)),
    "json-not-utf8": ("latin1.json", '[{"iati_identifier": "Caf\xe9"}]', ("not UTF-8 text",)),
    "yaml-deep-nesting": ("deep.yaml", "[" * 100_000 + "]" * 100_000, ("invalid YAML", "nesting depth")),
    "yaml-not-a-mapping": ("list.yaml", "--- 42\n--- [1, 2]\n",
                           ("field 'activities[0]'", "expected an object, got int")),
    "profile-empty": ("empty.txt", "", ("line 1", "no 'Project Number:' line: is this a GAC profile page?")),
}


@pytest.mark.parametrize("case", sorted(BROKEN_RECORDS))
def test_broken_record_file(case: str, tmp_path: Path) -> None:
    name, content, says = BROKEN_RECORDS[case]
    path = tmp_path / name
    path.write_bytes(content.encode("latin-1" if case == "json-not-utf8" else "utf-8"))
    source = ["--from", "gac-profile"] if name.endswith(".txt") else []
    outcome = cli("convert", path, *source, "-o", tmp_path / "out.xml")
    outcome.assert_clean_failure(str(path), *says)
    assert not (tmp_path / "out.xml").exists()


def test_huge_profile_page_is_refused_before_reading(tmp_path: Path) -> None:
    """A profile is read whole (it is one page): a 200 MB "page" grew past 450 MB before the guard."""
    path = tmp_path / "huge.txt"
    with path.open("w", encoding="utf-8") as out:
        out.write("Project Number: CA-3-A034224001\n\nStatus: Closed\n\nProject Description\n\n")
        out.writelines("x" * 1000 + "\n" for _ in range(5000))
    outcome = cli("convert", path, "-o", tmp_path / "out.xml")
    outcome.assert_clean_failure(str(path), "4.8 MB is far more than a profile page", "really one GAC")
