"""One big file validated by ranges of activities must give exactly the whole-file report."""

from __future__ import annotations

from pathlib import Path

import pytest

from batch_helpers import write_big_file
from conftest import REAL_IATI
from iaticonv.batch import convert_batch, validate_batch
from iaticonv.validate import Finding, ValidateOptions, validate_file
from iaticonv.validate.ranges import assemble, plan_chunks, validate_chunk
from iaticonv.validate.walker import walk_file

OPTIONS = ValidateOptions()
PART = 128 * 1024
# workers enough for a file alone to be cut into ranges even when its walk by pieces keeps two cores
# busy (``_validate_run._units``)
BY_RANGES = 3


def _key(finding: Finding) -> tuple[object, ...]:
    return (finding.rule_id, finding.severity, finding.line, finding.xpath, finding.identifier, finding.value,
            finding.message, finding.file)


def _by_ranges(path: Path) -> tuple[int, object]:
    chunks = plan_chunks(path, OPTIONS, part_bytes=PART)
    assert chunks is not None and len(chunks) >= 3
    return len(chunks), assemble(path, [validate_chunk(chunk) for chunk in reversed(chunks)])


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ranges") / "big.xml"
    write_big_file(path, 0.6)
    return path


def test_ranges_give_the_whole_file_report(big: Path) -> None:
    whole = walk_file(big, OPTIONS)
    _count, merged = _by_ranges(big)
    assert merged is not None, "ranges of a clean file must stand for it"
    assert merged.report.activities == whole.report.activities
    assert [_key(f) for f in merged.report.findings] == [_key(f) for f in whole.report.findings]
    assert merged.identifiers == whole.identifiers
    assert sorted((link.target, _key(link.finding)) for link in merged.links) == sorted(
        (link.target, _key(link.finding)) for link in whole.links)
    assert whole.report.findings, "the corpus has findings, so lines and XPaths were really compared"


def test_duplicates_across_ranges_are_reported_as_one_pass_reports_them(big: Path, tmp_path: Path) -> None:
    """The first activity's identifier reused in a middle range and twice in the last one: each reuse
    is a 1.1.2 pointing at the first line, the last range's second one included (it is a repeat inside
    its own range, whose walk first pointed it at the range's own first use)."""
    data = big.read_bytes()
    ids = [chunk.split(b"</iati-identifier>")[0] for chunk in data.split(b"<iati-identifier>")[1:]]
    dup = tmp_path / "dup.xml"
    for reused in (ids[len(ids) // 2], ids[-2], ids[-1]):
        data = data.replace(b"<iati-identifier>" + reused + b"</iati-identifier>",
                            b"<iati-identifier>" + ids[0] + b"</iati-identifier>", 1)
    dup.write_bytes(data)
    count, merged = _by_ranges(dup)
    whole = walk_file(dup, OPTIONS)
    assert merged is not None and count >= 3
    duplicates = [f for f in whole.report.findings if f.rule_id == "1.1.2"]
    assert len(duplicates) == 3 and len({f.params["first_line"] for f in duplicates}) == 1
    assert [_key(f) for f in merged.report.findings] == [_key(f) for f in whole.report.findings]
    assert [f.params for f in merged.report.findings] == [f.params for f in whole.report.findings]
    assert merged.identifiers == whole.identifiers
    run = validate_batch([dup], jobs=BY_RANGES, part_bytes=PART)  # the report, with the links resolved
    assert [_key(f) for f in run.report.findings] == [_key(f) for f in validate_file(dup, OPTIONS).findings]


def test_a_broken_big_file_is_reported_as_the_whole_file_walk_reports_it(big: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    data = big.read_bytes()
    broken.write_bytes(data[: len(data) * 2 // 3])
    run = validate_batch([broken], jobs=BY_RANGES, part_bytes=PART)
    whole = validate_file(broken, OPTIONS)
    assert [_key(f) for f in run.report.findings] == [_key(f) for f in whole.findings]
    assert run.summary.failed == 1 and "0.1.1" in (run.outcomes[0].reason or "")


def test_small_files_and_organisation_files_are_not_cut(tmp_path: Path) -> None:
    small = tmp_path / "small.xml"
    write_big_file(small, 0.1)
    assert plan_chunks(small, OPTIONS, part_bytes=PART) is None
    org = tmp_path / "org.xml"
    org.write_bytes(b'<iati-organisations version="2.03">' + b" " * (3 * PART) + b"</iati-organisations>")
    assert plan_chunks(org, OPTIONS, part_bytes=PART) is None


@pytest.mark.parametrize("version", ["2.03", "2.01"])
def test_a_big_file_converted_by_ranges_is_byte_identical_to_one_pass(version: str, tmp_path: Path) -> None:
    source = tmp_path / "in" / "big.xml"
    write_big_file(source, 0.5, version=version)
    one = convert_batch([source.parent], tmp_path / "one", target="iati-xml", jobs=1)
    many = convert_batch([source.parent], tmp_path / "many", target="iati-xml", jobs=2, part_bytes=80_000)
    assert (tmp_path / "many" / "big.xml").read_bytes() == (tmp_path / "one" / "big.xml").read_bytes()
    assert many.summary.activities == one.summary.activities > 10
    assert sorted(many.outcomes[0].notes) == sorted(one.outcomes[0].notes)  # upgrade notes of every range
    assert [p.name for p in (tmp_path / "many").iterdir() if not p.name.startswith(".iaticonv-batch")] == ["big.xml"]


def test_a_broken_big_file_converted_by_ranges_fails_as_one_pass_says(big: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    data = big.read_bytes()
    (folder / "broken.xml").write_bytes(data[: len(data) * 2 // 3])
    one = convert_batch([folder], tmp_path / "one", target="iati-xml", jobs=1)
    many = convert_batch([folder], tmp_path / "many", target="iati-xml", jobs=2, part_bytes=PART)
    assert many.outcomes[0].status == "failed" and many.outcomes[0].reason == one.outcomes[0].reason
    assert not list((tmp_path / "many").glob("*.xml"))
    assert not [p for p in (tmp_path / "many").iterdir() if p.name.startswith(".iaticonv-spool")]


def test_workers_move_findings_themselves_and_a_miscounted_file_falls_back(big: Path, tmp_path: Path) -> None:
    chunks = plan_chunks(big, OPTIONS, part_bytes=PART)
    assert chunks is not None and [c.before for c in chunks][:2] == [0, chunks[1].before] and chunks[1].before > 0
    parts = [validate_chunk(chunk) for chunk in chunks]
    assert all(part.moved for part in parts)
    assert {f.file for part in parts for f in part.result.report.findings} == {str(big)}
    # A comment holding an activity start tag throws the planned counts off: the ranges cannot stand.
    data = big.read_bytes()
    first_end = data.index(b"</iati-activity>") + len(b"</iati-activity>")
    odd = tmp_path / "comment.xml"
    odd.write_bytes(data[:first_end] + b"<!-- <iati-activity> -->" + data[first_end:])
    _count, merged = _by_ranges(odd)
    assert merged is None
    run = validate_batch([odd], jobs=BY_RANGES, part_bytes=PART)
    whole = validate_file(odd, OPTIONS)
    assert [_key(f) for f in run.report.findings] == [_key(f) for f in whole.findings]


def _element_lines(path: Path) -> dict[str, int]:
    """Every element's XPath (``/a[1]/b[2]``) → the line of its start tag, by the standard library's
    expat parser: a second parser with no 16-bit line limit, to check libxml2's lines against."""
    import xml.parsers.expat

    lines: dict[str, int] = {}
    steps: list[str] = []
    counts: list[dict[str, int]] = [{}]
    parser = xml.parsers.expat.ParserCreate()

    def start(name: str, _attributes: object) -> None:
        seen = counts[-1]
        seen[name] = seen.get(name, 0) + 1
        steps.append(f"{name}[{seen[name]}]")
        lines["/" + "/".join(steps)] = parser.CurrentLineNumber
        counts.append({})

    def end(_name: str) -> None:
        steps.pop()
        counts.pop()

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    with path.open("rb") as handle:
        parser.ParseFile(handle)
    return lines


@pytest.mark.parametrize("jobs", [0, 1, BY_RANGES, -1], ids=["validate_paths", "one process", "workers",
                                                           "a crashed unit redone"])
def test_lines_past_65535_are_exact_with_one_process_and_with_two(jobs: int, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """libxml2 keeps an element's line in 16 bits; a file of more lines is walked by ranges of fewer,
    also when the batch redoes a file whose unit crashed."""
    from iaticonv.batch import _validate_run as validate_run
    from iaticonv.bigfile.ranges import MAX_LINES, count_lines
    from iaticonv.validate import validate_paths

    if jobs == -1:
        def crash(_unit: object) -> None:
            raise RuntimeError("a bug in a unit")

        monkeypatch.setattr(validate_run, "validate_unit", crash)
        jobs = 1

    path = tmp_path / "long.xml"
    write_big_file(path, 5.5)
    assert count_lines(path) > 65_535 + MAX_LINES // 2
    exact = _element_lines(path)
    report = (validate_paths([path], OPTIONS) if jobs == 0
              else validate_batch([path], jobs=jobs, part_bytes=512 * 1024).report)
    checked = past_the_limit = 0
    for finding in report.findings:
        steps = [step for step in (finding.xpath or "").split("/") if step and not step.startswith("@")]
        if not steps or any(":" in step or "*" in step for step in steps):
            continue
        where = "/" + "/".join(step if "[" in step else f"{step}[1]" for step in steps)
        assert finding.line == exact[where], (finding.rule_id, finding.xpath)
        checked += 1
        past_the_limit += exact[where] > 65_535
    assert checked > 1000 and past_the_limit > 100


def test_a_file_alone_is_cut_for_workers_only_when_its_walk_leaves_cores_idle(tmp_path: Path) -> None:
    """A walk by pieces keeps two cores busy (its thread and the helper thread): a big file alone is
    then cut into ranges for three workers or more, not for two."""
    from iaticonv.batch._inputs import WorkItem
    from iaticonv.batch._validate_run import ALONE_MIN_BYTES, WholeFile, _units
    from iaticonv.validate.ranges import Chunk

    source = (REAL_IATI / "beis-activity.xml").read_bytes()
    start, end = source.index(b"<iati-activity "), source.rindex(b"</iati-activities>")
    copies = ALONE_MIN_BYTES // (end - start) + 1
    path = tmp_path / "alone.xml"
    path.write_bytes(source[:start] + source[start:end] * copies + source[end:])
    item = WorkItem(path, Path(path.name), path.stat().st_size)
    small = WorkItem(REAL_IATI / "fcdo-activity.xml", Path("fcdo-activity.xml"), 9117)
    for part_bytes in (32 * 1024 * 1024, 1024 * 1024):  # the file is big, or very big
        two = _units([item], OPTIONS, 2, part_bytes)
        four = _units([item], OPTIONS, 4, part_bytes)
        among_others = _units([item, small], OPTIONS, 2, part_bytes)
        assert len(four) > 1 and all(isinstance(unit, Chunk) for unit in four)
        assert two == [WholeFile(str(path), item.size, OPTIONS)]  # its walk by pieces keeps both cores busy
        chunks = [unit for unit in among_others if isinstance(unit, Chunk)]
        assert bool(chunks) == (part_bytes == 1024 * 1024)  # a very big file is shared among workers
