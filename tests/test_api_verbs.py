"""One walk behind three verbs: ``iter_findings`` (lazy), ``is_valid`` (stops at the first blocking
finding) and ``validate_paths`` / ``validate`` (everything, as a report), through the package's face."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import iaticonv
from conftest import EXAMPLE_ACTIVITY, REAL_IATI, REAL_IATI_MORE, ROOT
from iaticonv.validate import api

MANY_ERRORS = REAL_IATI_MORE / "multi-publisher-dportal-covid.xml"  # thousands of errors, from its first records
CLEAN = ROOT / "samples" / "gac-profile-invented.txt"


def _key(finding: iaticonv.Finding) -> tuple[object, ...]:
    return (finding.file, finding.rule_id, finding.line, finding.xpath, finding.identifier, finding.message)


def test_iter_findings_gives_every_finding_of_the_report() -> None:
    paths = [EXAMPLE_ACTIVITY, REAL_IATI, REAL_IATI_MORE]
    report = iaticonv.validate_paths(paths)
    lazily = list(iaticonv.iter_findings(paths))
    assert len(lazily) > 1000
    assert Counter(map(_key, lazily)) == Counter(map(_key, report.findings))


def test_iter_findings_reads_no_further_file_than_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    walked: list[Path] = []
    walk = api.walk_exact

    def counting(path: Path, *args: object, **kwargs: object) -> object:
        walked.append(path)
        return walk(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(api, "walk_exact", counting)
    first = next(iaticonv.iter_findings([MANY_ERRORS, *sorted(REAL_IATI.glob("*.xml"))]))
    assert first.file == str(MANY_ERRORS)
    assert walked == [MANY_ERRORS]


def test_is_valid_stops_within_the_file_at_the_first_blocking_finding() -> None:
    full = iaticonv.validate_paths([MANY_ERRORS]).files[0]
    stopped = iaticonv.validate_paths([MANY_ERRORS], iaticonv.ValidateOptions(stop_at_blocking=True)).files[0]
    assert full.blocking and not full.stopped
    assert stopped.stopped and stopped.blocking
    assert len(stopped.findings) < len(full.findings) / 10
    # the same findings, fewer; but for the links between activities, which depend on the identifiers seen
    own = [finding for finding in stopped.findings if not finding.rule_id.startswith("1000.")]
    assert own and set(map(_key, own)) <= set(map(_key, full.findings))
    assert iaticonv.is_valid([MANY_ERRORS]) is False


def test_is_valid_and_validate_on_a_file_without_blocking_findings(tmp_path: Path) -> None:
    xml = tmp_path / "clean.xml"
    iaticonv.convert([CLEAN], xml)
    assert iaticonv.is_valid([xml]) is True
    report = iaticonv.validate([xml])
    assert not report.blocking and report.files[0].activities == 1


def test_validate_raises_with_the_whole_report() -> None:
    with pytest.raises(iaticonv.ValidationFailed) as caught:
        iaticonv.validate([MANY_ERRORS])
    assert isinstance(caught.value, iaticonv.IaticonvError)
    assert caught.value.report.blocking and not caught.value.report.files[0].stopped
    first = next(finding for finding in caught.value.report.findings if finding.blocking)
    assert first.rule_id in str(caught.value) and str(MANY_ERRORS) in str(caught.value)


def test_every_public_name_resolves_and_importing_the_package_stays_light() -> None:
    for name in iaticonv.__all__:
        assert getattr(iaticonv, name) is not None, name
    assert set(iaticonv.FORMATS) >= {"iati-xml", "json", "yaml", "tables", "gac-csv", "gac-profile", "gac-xlsx"}
    done = subprocess.run([sys.executable, "-c", "import iaticonv, sys; print('lxml' in sys.modules)"],
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
