"""A big file's pieces (``bigfile.pieces``) parsed and checked against the XSD in a helper thread
while the walker checks the pieces before.

``lxml.etree.iterparse`` holds the GIL while it parses (it hands out events), so under it the parse
and the checks took turns on one core: a quarter of a big file's validation time was the parse. So
the walker has a plain file cut into pieces of ``per_piece`` records (``bigfile.pieces.plan``), and
a helper thread (``read``) parses each piece with lxml's own ``etree.fromstring`` and a parser of
its own, then validates it with lxml's ``XMLSchema`` (``layers.schema.piece_check``): lxml releases
the GIL during both, so they run on the second core while the main thread runs the other layers on
the pieces before. A piece is handed to the main thread only when the helper is done with it, and
the helper never sees it again: no tree is ever touched by two threads at once, no compiled code
runs on it, and lxml frees each document as usual when the walker lets go of it.

Each piece's records' findings are born on the file's lines (``context.Placement.piece_lines``), so
a file of any length gets exact lines in one pass, and needs no ranges (``ranges.walk_exact``). The
walker checks that each parsed piece holds exactly the records it expects and nothing else at the
root (no text, comment or other element). When a piece fails to parse, or holds anything else, the
walker drops what it did and walks the file with ``iterparse`` (by ranges, for a long file) instead,
which reports what is wrong with the usual words and places.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from lxml import etree

from .._xml import SAFE_PARSER_OPTIONS
from ..bigfile.pieces import Plan, frame
from .layers.schema import Placed

__all__ = ["AHEAD", "PARSE_OPTIONS", "Parsed", "read"]

# the options ``_xml.iterparse`` parses with, so a piece's tree is the one iterparse would build
PARSE_OPTIONS = {key: SAFE_PARSER_OPTIONS[key] for key in ("resolve_entities", "no_network", "load_dtd",
                                                            "dtd_validation", "huge_tree")}
# Pieces the helper thread may have parsed before the walker takes them: it keeps working while it
# waits for the GIL, and the main thread rarely waits for it; each piece held costs a few MB.
AHEAD = 3


@dataclass(frozen=True, slots=True)
class Parsed:
    """A piece as the helper thread leaves it: its root (None when it did not parse) and its XSD
    errors placed in its records (None when they could not be: the walker validates it then)."""

    root: etree._Element | None
    schema_errors: Placed | None


def read(cut: Plan, check: Callable[[etree._Element], Placed | None]) -> Generator[Parsed, None, None]:
    """Every piece of ``cut`` in order, read here, then parsed and checked (``check``) in a helper
    thread up to ``AHEAD`` pieces before the caller takes it. The helper only calls lxml; a piece is
    the caller's alone once yielded. Closing the iterator early stops the helper."""
    with cut.path.open("rb") as handle, ThreadPoolExecutor(1, thread_name_prefix="iaticonv-pieces") as helper:
        pending: deque[Future[Parsed]] = deque()
        try:
            for index in range(len(cut.pieces)):
                pending.append(helper.submit(_parse, frame(cut, index, handle), check))
                if len(pending) > AHEAD:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def _parse(data: bytes, check: Callable[[etree._Element], Placed | None]) -> Parsed:
    """The helper thread's work on one piece: parse it with a parser of its own (a parser serves one
    thread), and check it against the XSD, both before any other thread can see it. (The caller
    reads the piece: each wait of the helper for the GIL, as after a read, slows it down.)"""
    try:
        root = etree.fromstring(data, etree.XMLParser(**PARSE_OPTIONS))
    except etree.XMLSyntaxError:
        return Parsed(None, None)
    return Parsed(root, check(root))
