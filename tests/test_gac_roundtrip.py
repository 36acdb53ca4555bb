"""Property tests: any record the GAC layout can hold survives record → IATI → CSV/XLSX/page → IATI → record."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iaticonv.formats.gac._common import Budget, GacProject, Marker, Share
from iaticonv.formats.gac._model import from_activity, to_activity
from iaticonv.formats.gac.csv_io import GacCsvReader, GacCsvWriter
from iaticonv.formats.gac.profile_page import read_profile, write_profile
from iaticonv.formats.gac.xlsx_io import GacXlsxReader, GacXlsxWriter

COUNTRIES = ["PE", "HT", "KE", "CD", "BO", "CI", "ML"]
REGIONS = ["489", "298", "798"]
SECTORS = ["15112", "11220", "12110", "31120", "23230"]
MARKERS = [("1", str(c)) for c in range(1, 13)] + [("99", str(c)) for c in range(8, 15)]

# words separated by single spaces: page lines and cells are stripped, so edges carry no spaces
words = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "S"), exclude_characters=";"),
                min_size=1, max_size=12)
line = st.lists(words, min_size=1, max_size=6).map(" ".join)
label_line = line.filter(lambda t: ":" not in t and not t.startswith(("'", "=", "+", "-", "@")))
paragraphs = st.lists(st.lists(line, min_size=1, max_size=2).map("\n".join), max_size=3).map("\n\n".join)
percent = st.decimals(min_value=0, max_value=100, places=2).map(lambda d: d.normalize() if d % 1 else d.quantize(1))
amount = st.decimals(min_value=0, max_value=10**9, places=2).map(lambda d: d.normalize() if d % 1 else d.quantize(1))
place = st.from_regex(r"[A-Z][a-z]{1,8}( [A-Z][a-z]{1,8})?", fullmatch=True)
locations = st.builds(
    lambda name, gid, pos: " ".join(p for p in (name, f"[G1:{gid}]" if gid else "", pos) if p),
    place, st.none() | st.integers(1, 10**7), st.just("") | st.just("(18.53917 -72.335)"))
day = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31))


def _shares(codes: list[str]) -> st.SearchStrategy[list[Share]]:
    return st.lists(st.builds(Share, st.sampled_from(codes), st.none() | percent), max_size=3,
                    unique_by=lambda s: s.code)


@st.composite
def projects(draw: st.DrawFn) -> GacProject:
    start = draw(st.none() | day)
    return GacProject(
        identifier="CA-3-" + draw(st.from_regex(r"[A-Z][0-9]{9}", fullmatch=True)),
        title=draw(label_line),
        description=draw(paragraphs),
        status=draw(st.sampled_from(["2", "3", "4"])),
        start=start,
        end=draw(st.none() | day),
        date_modified=draw(day) if start is None else draw(st.dates(min_value=start, max_value=dt.date(2045, 1, 1))),
        countries=draw(_shares(COUNTRIES)),
        regions=draw(_shares(REGIONS)),
        sectors=draw(_shares(SECTORS)),
        locations=draw(st.lists(locations, max_size=2)),
        executing_agencies=draw(st.lists(label_line, max_size=2)),
        contributing_organizations=draw(st.lists(label_line, max_size=2)),
        maximum_contribution=draw(st.none() | amount),
        budgets=[Budget(dt.date(y, 4, 1), dt.date(y + 1, 3, 31), v) for y, v in
                 draw(st.lists(st.tuples(st.integers(1990, 2040), amount), max_size=3))],
        program_name=draw(st.just("") | label_line),
        aid_type=draw(st.none() | st.sampled_from(["D01", "C01", "B03"])),
        collaboration_type=draw(st.none() | st.sampled_from(["1", "2"])),
        finance_type=draw(st.none() | st.sampled_from(["110", "410"])),
        flow_type=draw(st.none() | st.just("10")),
        reporting_organization="Global Affairs Canada",
        selection_mechanism=draw(st.just("") | label_line),
        expected_results=draw(paragraphs),
        results_achieved=draw(paragraphs),
        policy_markers=[Marker(v, c, s) for (v, c), s in draw(st.lists(
            st.tuples(st.sampled_from(MARKERS), st.sampled_from("012")), max_size=4, unique_by=lambda m: m[0]))],
        alternate_im_position=draw(st.just("") | label_line),
        other_identifiers=[(ref, "A2") for ref in draw(st.lists(st.from_regex(r"[0-9]{10}", fullmatch=True),
                                                                max_size=2))],
    )


PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(projects())
def test_record_survives_csv_and_xlsx(project: GacProject) -> None:
    activity = to_activity(project)
    assert from_activity(activity) == project
    with tempfile.TemporaryDirectory() as folder:
        for writer, reader, name in ((GacCsvWriter(), GacCsvReader, "t.csv"), (GacXlsxWriter(), GacXlsxReader,
                                                                              "t.xlsx")):
            path = Path(folder) / name
            buffer = io.BytesIO()
            writer.write(buffer, [activity])
            path.write_bytes(buffer.getvalue())
            (back,) = reader(path).records()
            assert from_activity(back) == project


@PROPERTY
@given(projects())
def test_record_survives_the_profile_page(project: GacProject) -> None:
    page = write_profile(from_activity(to_activity(project)))
    again, _notes = read_profile(page, "page.txt")
    assert again == project
