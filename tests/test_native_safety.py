"""The compiled modules keep to lxml's public C API (STYLE.md 22), checked on their sources.

The validator runs on files from strangers: compiled code that rewrote lxml's private fields, judged
a document's users by its reference count or looked libxml2 up behind lxml's back could turn a bad
file into a use-after-free. So no ``.pyx``/``.pxd`` under ``src`` assigns ``_c_doc``, ``_c_node`` or
``_private`` or reads ``Py_REFCNT``, and no source file loads libxml2 (or anything) with
``dlopen``/``dlsym``. Reading ``_c_node`` through ``lxml.includes.etreepublic`` stays allowed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PRIVATE_WRITE = re.compile(r"(_c_doc|_c_node|_private)\s*=[^=]|Py_REFCNT")
DYNAMIC_LOADING = re.compile(r"\bdl(open|sym)\b")


def _offences(pattern: re.Pattern[str], paths: list[Path]) -> list[str]:
    return [f"{path.relative_to(SRC)}:{number}: {line.strip()}"
            for path in paths for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if pattern.search(line)]


def _sources(*suffixes: str) -> list[Path]:
    return sorted(path for path in SRC.rglob("*") if path.suffix in suffixes)


def test_no_compiled_module_writes_lxml_private_fields_or_reads_reference_counts() -> None:
    compiled = _sources(".pyx", ".pxd")
    assert len(compiled) >= 5  # the scan reads the real modules
    assert _offences(PRIVATE_WRITE, compiled) == []


def test_nothing_looks_libxml2_up_by_itself() -> None:
    assert _offences(DYNAMIC_LOADING, _sources(".pyx", ".pxd", ".py", ".pxi", ".h")) == []


@pytest.mark.parametrize(("line", "caught"), [
    ("    root._c_node = stand_in", True),
    ("document._c_doc=empty", True),
    ("    top._private = NULL", True),
    ("if Py_REFCNT(document) != 2:", True),
    ("    cdef xmlNode* top = root._c_node", False),
    ("    if node._private == NULL:", False),
])
def test_the_scan_catches_what_it_looks_for(line: str, caught: bool) -> None:
    assert bool(PRIVATE_WRITE.search(line)) is caught
