"""One big file converted on two processes must be the file, and the notes, of a single pass.

Files are built from the real activities of ``../shared/real-iati`` (``batch_helpers``); small
``part_bytes`` force many ranges, so every join (XML, JSON, YAML) and every line shift is exercised.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from batch_helpers import write_big_file
from iaticonv.batch import convert_batch, convert_file
from iaticonv.batch.convert_file import convert_file_parallel
from iaticonv.bigfile.json_ranges import plan_json_cuts
from iaticonv.bigfile.ranges import plan_cuts
from iaticonv.cli.main import run
from iaticonv.errors import InputError
from iaticonv.formats.convert import ConvertResult, convert

PART = 60_000
UPGRADE = {"upgrade": True}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A 2.03 file, a 2.01 file (its upgrade leaves notes on many activities) and the 2.03 one as JSON."""
    folder = tmp_path_factory.mktemp("convert-file")
    files = {"xml": folder / "big.xml", "xml201": folder / "big201.xml", "json": folder / "big.json"}
    write_big_file(files["xml"], 0.5)
    write_big_file(files["xml201"], 0.4, version="2.01")
    convert([files["xml"]], files["json"])
    return files


def _both(source: Path, folder: Path, suffix: str,
          part: int = PART) -> tuple[Path, Path, ConvertResult, ConvertResult | None]:
    one, many = folder / f"one{suffix}", folder / f"many{suffix}"
    single = convert([source], one, reader_options=UPGRADE)
    parallel = convert_file_parallel(source, many, jobs=2, part_bytes=part, reader_options=UPGRADE)
    return one, many, single, parallel


@pytest.mark.parametrize(("source", "suffix"), [("xml", ".json"), ("xml", ".yaml"), ("xml", ".xml"),
                                                ("xml201", ".json"), ("xml201", ".xml"), ("json", ".xml"),
                                                ("json", ".yaml")])
def test_parallel_output_is_byte_identical_to_one_pass(corpus: dict[str, Path], source: str, suffix: str,
                                                        tmp_path: Path) -> None:
    one, many, single, parallel = _both(corpus[source], tmp_path, suffix)
    assert parallel is not None, "a clean big file in a joinable pair must be converted by ranges"
    assert many.read_bytes() == one.read_bytes()
    assert parallel.records == single.records > 10
    assert parallel.notes == single.notes
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([one.name, many.name])  # parts removed


def test_upgrade_notes_name_the_lines_of_the_whole_file(corpus: dict[str, Path], tmp_path: Path) -> None:
    _one, _many, single, parallel = _both(corpus["xml201"], tmp_path, ".json")
    assert parallel is not None
    notes = parallel.notes
    assert len(notes) > 10 and notes == single.notes
    assert {note.file for note in notes} == {str(corpus["xml201"])}
    cuts = plan_cuts(corpus["xml201"], part_bytes=PART)
    assert cuts is not None and len(cuts) >= 3
    last_range_starts = cuts[-1].line_offset + cuts[-1].header_line
    assert len({note.line for note in notes}) > 10 and max(n.line or 0 for n in notes) > last_range_starts


def test_a_note_about_the_root_is_given_once(corpus: dict[str, Path], tmp_path: Path) -> None:
    data = corpus["xml"].read_bytes().replace(b'<iati-activities version="2.03">', b"<iati-activities>", 1)
    source = tmp_path / "noversion.xml"
    source.write_bytes(data)
    one, many, single, parallel = _both(source, tmp_path, ".json")
    assert parallel is not None and many.read_bytes() == one.read_bytes()
    assert [n.code for n in parallel.notes] == ["read.no-version"]
    assert parallel.notes == single.notes


def test_a_broken_json_line_in_the_middle_falls_back_to_one_pass(corpus: dict[str, Path], tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    lines = corpus["json"].read_bytes().split(b"\n")
    middle = len(lines) // 2
    lines[middle] = lines[middle].replace(b'"', b"'", 1)
    broken = tmp_path / "broken.json"
    broken.write_bytes(b"\n".join(lines))
    cuts = plan_json_cuts(broken, part_bytes=PART)
    assert cuts is not None and len(cuts) >= 3, "the broken line must sit inside one of several ranges"
    assert convert_file_parallel(broken, tmp_path / "x.xml", jobs=2, part_bytes=PART) is None
    assert not (tmp_path / "x.xml").exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    with pytest.raises(InputError) as single:
        convert([broken], tmp_path / "y.xml")
    assert single.value.line == middle + 1
    # The command line: ranges fail, the single pass reports the error in its own words.
    monkeypatch.setattr(convert_file, "MIN_BYTES", 0)
    monkeypatch.setattr(convert_file, "MIN_PART", PART)
    assert run(["convert", str(broken), "-o", str(tmp_path / "z.xml"), "--jobs", "2"]) == 1
    err = capsys.readouterr().err
    assert f"line {middle + 1}" in err and str(broken) in err and "Traceback" not in err
    assert not (tmp_path / "z.xml").exists()


def test_the_command_line_converts_by_ranges_with_jobs(corpus: dict[str, Path], tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    original = convert_file.join_parts

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(convert_file, "MIN_BYTES", 0)
    monkeypatch.setattr(convert_file, "MIN_PART", PART)
    monkeypatch.setattr(convert_file, "join_parts", counting)
    one, many = tmp_path / "one.xml", tmp_path / "many.xml"
    assert run(["convert", str(corpus["xml201"]), "-o", str(one)]) == 1  # upgrade notes: exit 1
    assert run(["convert", str(corpus["xml201"]), "-o", str(many), "--jobs", "2"]) == 1
    assert calls == [1] and many.read_bytes() == one.read_bytes()


def test_json_layouts_the_cutter_does_not_know_are_converted_in_one_pass(corpus: dict[str, Path],
                                                                         tmp_path: Path) -> None:
    data = corpus["json"].read_bytes()
    crlf = tmp_path / "crlf.json"
    crlf.write_bytes(data.replace(b"\n", b"\r\n"))
    early = tmp_path / "early.json"  # a "]}" line in the middle: the reader stops there
    lines = data.split(b"\n")
    early.write_bytes(b"\n".join([*lines[: len(lines) // 2], b"]}", *lines[len(lines) // 2:]]))
    assert plan_json_cuts(corpus["json"], part_bytes=PART) is not None
    for odd in (crlf, early):
        assert plan_json_cuts(odd, part_bytes=PART) is None
        assert convert_file_parallel(odd, tmp_path / "out.xml", jobs=2, part_bytes=PART) is None


def test_a_part_without_the_writers_frame_is_not_joined(corpus: dict[str, Path], tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from iaticonv.bigfile import join as part_join

    monkeypatch.setattr(part_join, "JSON_FOOTER", b"\n]]\n")  # no part ends as expected any more
    assert convert_file_parallel(corpus["xml"], tmp_path / "out.json", jobs=2, part_bytes=PART) is None
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize("target", ["json", "yaml"])
def test_a_batch_into_a_folder_cuts_a_big_file_for_json_and_yaml_too(corpus: dict[str, Path], tmp_path: Path,
                                                                     target: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "big.xml").write_bytes(corpus["xml201"].read_bytes())
    one = convert_batch([folder], tmp_path / "one", target=target, jobs=1)
    many = convert_batch([folder], tmp_path / "many", target=target, jobs=2, part_bytes=PART)
    name = f"big.{target}"
    assert (tmp_path / "many" / name).read_bytes() == (tmp_path / "one" / name).read_bytes()
    assert many.outcomes[0].notes == one.outcomes[0].notes and len(one.outcomes[0].notes) > 10
    assert not [p for p in (tmp_path / "many").iterdir() if p.name.startswith(".iaticonv-spool")]


def test_a_stray_root_element_makes_the_file_go_through_one_pass(corpus: dict[str, Path], tmp_path: Path) -> None:
    data = corpus["xml"].read_bytes()
    middle = data.index(b"<iati-activity", len(data) // 2)
    stray = tmp_path / "stray.xml"
    stray.write_bytes(data[:middle] + b"<organisation-note>not an activity</organisation-note>\n" + data[middle:])
    assert convert_file_parallel(stray, tmp_path / "out.json", jobs=2, part_bytes=PART) is None
    single = convert([stray], tmp_path / "one.json")
    assert [n.code for n in single.notes] == ["read.not-an-activity"]
