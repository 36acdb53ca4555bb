"""The DOCTYPE is read from the first bytes and refused before libxml2 parses the document.

The refusal must not depend on the libxml2 installed: the same words and line for every hostile
prolog, whichever limits libxml2 applies of its own. Real files (no DOCTYPE) pass untouched.
"""

from __future__ import annotations

import codecs
import io
from pathlib import Path

import pytest
from lxml import etree

from conftest import EXAMPLE_ACTIVITY, real_files
from iaticonv._prolog import Doctype, decode_head, read_doctype
from iaticonv._xml import UnsafeXMLError, check_prolog, iterparse, parse_bytes, root_start

ROOT = "<iati-activities version='2.03'/>"


def _doctype(text: str) -> Doctype | bool | None:
    return read_doctype(text, complete=True)


@pytest.mark.parametrize(("prolog", "expected"), [
    ("<!DOCTYPE iati-activities [<!ENTITY a 'x'>]>", Doctype(1, None, ("a",))),
    ("<?xml version='1.0'?>\n<!-- <!DOCTYPE x> -->\n<!DOCTYPE r [\n<!ENTITY % p SYSTEM 'f'> %p;\n<!ENTITY q \"]\">]>",
     Doctype(3, None, ("p", "q"))),
    ("<!DOCTYPE r SYSTEM 'http://127.0.0.1/x.dtd'>", Doctype(1, "http://127.0.0.1/x.dtd", ())),
    ('<!DOCTYPE r PUBLIC "-//X//EN" "file:///etc/passwd">', Doctype(1, "file:///etc/passwd", ())),
    ("<!DOCTYPE r [<!ENTITY a \"<!ENTITY b 'c'>\">]>", Doctype(1, None, ("a",))),
    ("<!DOCTYPE r>", Doctype(1, None, ())),
    ("<!-- a comment -->\n<?pi x?>", None),
])
def test_the_doctype_is_read_as_written(prolog: str, expected: Doctype | None) -> None:
    assert _doctype(prolog + "\n" + ROOT) == expected


def test_a_prolog_cut_short_asks_for_more() -> None:
    text = "<!DOCTYPE r [<!ENTITY a '" + "x" * 100
    assert read_doctype(text, complete=False) is False
    assert read_doctype("<!-- unfinished", complete=False) is False
    assert read_doctype(text, complete=True) == Doctype(1, None, ("a",))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_encodings_with_a_mark_or_a_first_angle_bracket_are_read(encoding: str) -> None:
    data = f"<!DOCTYPE r [<!ENTITY lol 'lol'>]>{ROOT}".encode(encoding)
    text = decode_head(data)
    assert text is not None
    assert _doctype(text.lstrip(codecs.BOM_UTF8.decode("utf-8"))) == Doctype(1, None, ("lol",))


def test_a_long_internal_subset_is_read_across_blocks() -> None:
    decls = "".join(f"<!ENTITY e{i} '{'y' * 1000}'>" for i in range(200))  # ~220 kB: several read blocks
    data = f"<!DOCTYPE r [{decls}]>{ROOT}".encode()
    with pytest.raises(UnsafeXMLError, match="declares 200 entities"):
        check_prolog(io.BytesIO(data).read)


def test_every_entry_point_refuses_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With libxml2's own parse made to fail loudly, the refusal still comes: it happened first."""
    path = tmp_path / "laughs.xml"
    data = b"<?xml version='1.0'?>\n<!DOCTYPE r [<!ENTITY a 'aaaa'>]>\n<r>&a;</r>"
    path.write_bytes(data)

    def no_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("libxml2 was given the document")

    monkeypatch.setattr(etree, "fromstring", no_parse)
    monkeypatch.setattr(etree, "iterparse", no_parse)
    monkeypatch.setattr(etree, "XMLPullParser", no_parse)
    for call in (lambda: parse_bytes(data), lambda: root_start(path), lambda: next(iterparse(path)),
                 lambda: next(iterparse(path.open("rb")))):
        with pytest.raises(UnsafeXMLError, match=r"declares 1 entity \(a\)") as caught:
            call()
        assert caught.value.lineno == 2


@pytest.mark.parametrize("path", [EXAMPLE_ACTIVITY, *real_files()], ids=lambda p: p.name)
def test_real_files_have_no_doctype_to_refuse(path: Path) -> None:
    with path.open("rb") as handle:
        check_prolog(handle.read)
        text = decode_head(path.read_bytes()[:65536])
    assert text is not None and read_doctype(text, complete=False) is None
