"""The JSON report: ``Report.to_dict()`` as indented JSON, written piece by piece.

A big file can give hundreds of thousands of findings. Building the whole report as one dict and
one string costs several times the findings' own memory (about 1 GB for 200,000 findings) and,
with ``indent``, the standard library's pure-Python encoder takes seconds. So the report's head is
encoded once with an empty ``findings`` list, and the findings are encoded a batch at a time (orjson,
the same bytes as ``json.dumps(..., indent=2, ensure_ascii=False)``), indented to their place and
written straight to the output: memory stays that of the findings themselves.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import orjson

from ..catalogue import Catalogue
from ..report import Report

__all__ = ["iter_json", "render_catalogue_json", "render_json"]

_EMPTY_FINDINGS = b'\n  "findings": []\n}'
_BATCH = 2000  # findings per piece written: fewer write calls, still small pieces


def _encode(value: Any) -> bytes:
    """``json.dumps(value, indent=2, ensure_ascii=False)`` as UTF-8 bytes, quickly."""
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2)
    except (TypeError, orjson.JSONEncodeError):  # what orjson refuses (a lone surrogate, a huge int)
        return json.dumps(value, indent=2, ensure_ascii=False).encode("utf-8", "surrogatepass")


def iter_json(report: Report) -> Iterator[bytes]:
    """The JSON report (``schemas/validation-report.schema.json``) as UTF-8 pieces, in order."""
    head = _encode(report.to_dict(with_findings=False))
    findings = report.findings
    if not findings:
        yield head + b"\n"
        return
    if not head.endswith(_EMPTY_FINDINGS):  # the findings list is the report's last key
        raise AssertionError("the report's findings are not its last key")
    yield head[: -len(_EMPTY_FINDINGS)] + b'\n  "findings": [\n'
    params_texts: dict[int, dict[str, str]] = {}  # the findings (alive here) share their params objects
    for start in range(0, len(findings), _BATCH):
        batch = [finding.to_dict(params_texts) for finding in findings[start:start + _BATCH]]
        yield (b",\n" if start else b"") + _encode_batch(batch)
    yield b"\n  ]\n}\n"


def _encode_batch(items: list[dict[str, Any]]) -> bytes:
    """The items as the findings array's elements, indented to their place and joined by ``,\n``:
    one orjson call for the batch (a list at indent 2 puts its items at the findings' indent, less 2),
    or one ``_encode`` per item when orjson refuses something in the batch."""
    try:
        encoded = orjson.dumps(items, option=orjson.OPT_INDENT_2)
    except (TypeError, orjson.JSONEncodeError):
        return b",\n".join(b"    " + _encode(item).replace(b"\n", b"\n    ") for item in items)
    return b"  " + encoded[2:-2].replace(b"\n", b"\n  ")  # without "[\n" and "\n]"


def render_json(report: Report) -> str:
    """The report as indented JSON, following ``schemas/validation-report.schema.json``."""
    return b"".join(iter_json(report)).decode("utf-8", "surrogatepass")


def render_catalogue_json(catalogue: Catalogue) -> str:
    """Every rule id the validator can emit, as a JSON array."""
    return json.dumps([info.to_dict() for info in catalogue.values()], indent=2, ensure_ascii=False) + "\n"
