"""Seeded byte-level and structure-aware mutations of real IATI files, for the fuzz tests.

Half the strategies break the XML (bytes flipped, cut, spliced, hostile tokens inserted) to exercise
the parser's error paths; the other half keep it well-formed but put strange values in attributes and
text, or swap element names, so the mutated file gets past parsing into the validator's layers and
the reader's model mapping, where crashes hide.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

TOKENS = (
    b"<", b">", b"&", b"&amp;", b"&#0;", b"&#x1F600;", b"]]>", b"<![CDATA[", b"<!--", b"-->", b"\x00", b"\xff",
    b"\xc3", b"\xef\xbb\xbf", b'"', b"'", b"<iati-activity>", b"</iati-activity>", b"<?pi x?>",
    b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"&a;", b' version="9.99"', b' xmlns="urn:x"', b' xmlns:x="urn:x"',
    b"<x:y/>", b" xml:lang=\"\"", b"\r\n", b"\t", b" " * 64,
)
VALUES = (
    "", " ", "NaN", "-0", "1e309", "-1", "99999999999999999999999999999999", "0.0000000000000000000001",
    "2020-13-45", "2020-02-30", "0000-00-00", "31/02/2017", "2020-01-01T25:61:00", "\u0663\u0660", "\u202eRTL",
    "x" * 3000, "&lt;b&gt;", "1,5", "$1,234.5x", "true", "yes", "100.5", "%", "GB-GOV-1 GB-GOV-1", "\u00a0",
    "@SUM(1)", "=1+2", "\U0001f600", "../../etc/passwd", "http://127.0.0.1:9/", "None", "null",
)
_ATTR = re.compile(rb'(\s[\w:-]+=")([^"]*)(")')
_TEXT = re.compile(rb">([^<>]{1,200})<")
_TAG = re.compile(rb"<([a-z][\w-]*)[\s/>]")

Mutation = Callable[[random.Random, bytes], bytes]


def _span(rng: random.Random, data: bytes, longest: int = 400) -> tuple[int, int]:
    start = rng.randrange(len(data))
    return start, min(len(data), start + rng.randint(1, longest))


def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def delete_span(rng: random.Random, data: bytes) -> bytes:
    start, end = _span(rng, data)
    return data[:start] + data[end:]


def duplicate_span(rng: random.Random, data: bytes) -> bytes:
    start, end = _span(rng, data)
    at = rng.randrange(len(data))
    return data[:at] + data[start:end] + data[at:]


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data))]


def insert_token(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data))
    return data[:at] + rng.choice(TOKENS) + data[at:]


def strange_attribute(rng: random.Random, data: bytes) -> bytes:
    """Replace a few attribute values (well-formedness kept: the value is escaped)."""
    matches = list(_ATTR.finditer(data))
    if not matches:
        return insert_token(rng, data)
    out = data
    for match in sorted(rng.sample(matches, min(len(matches), rng.randint(1, 4))), key=lambda m: -m.start()):
        value = _escape(rng.choice(VALUES)).replace(b'"', b"&quot;")
        out = out[: match.start(2)] + value + out[match.end(2):]
    return out


def strange_text(rng: random.Random, data: bytes) -> bytes:
    matches = list(_TEXT.finditer(data))
    if not matches:
        return insert_token(rng, data)
    out = data
    for match in sorted(rng.sample(matches, min(len(matches), rng.randint(1, 4))), key=lambda m: -m.start()):
        out = out[: match.start(1)] + _escape(rng.choice(VALUES)) + out[match.end(1):]
    return out


def rename_element(rng: random.Random, data: bytes) -> bytes:
    """Every occurrence of one element name becomes another from the same file (stays well-formed)."""
    names = sorted({m.group(1) for m in _TAG.finditer(data)})
    if len(names) < 2:
        return insert_token(rng, data)
    old, new = rng.sample(names, 2)
    return re.sub(rb"(</?)" + re.escape(old) + rb"(?=[\s/>])", rb"\g<1>" + new, data)


def _escape(text: str) -> bytes:
    return text.replace("&", "&amp;").replace("<", "&lt;").encode("utf-8")


MUTATIONS: tuple[Mutation, ...] = (
    flip_bytes, delete_span, duplicate_span, truncate, insert_token, strange_attribute, strange_attribute,
    strange_text, strange_text, rename_element, rename_element,
)


def mutate(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    """One or two mutations in a row; returns their names (for the failure report) and the bytes."""
    names: list[str] = []
    for _ in range(rng.choice((1, 1, 2))):
        mutation = rng.choice(MUTATIONS)
        names.append(mutation.__name__)
        data = mutation(rng, data) or data[:1]
    return "+".join(names), data
