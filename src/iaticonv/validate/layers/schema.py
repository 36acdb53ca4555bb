"""Layer 2: the IATI XML Schema (0.3.1), one activity or organisation at a time.

Every element of the IATI schemas is declared globally, so libxml can validate an ``iati-activity``
subtree on its own against the compiled schema while the streaming parser holds only that subtree.
That ties each error to its record, line and path without ever building the whole document (the
official validator validates the whole file, then re-validates each activity to attribute errors).
The root element's own attributes and non-IATI children are checked once at the end of the file.

A big file's pieces (``validate._pieces``) are checked whole instead, in the helper thread that
parsed them and before the walker can see them (``piece_check``): lxml's ``XMLSchema`` releases the
GIL while libxml2 validates, and the tree is touched by one thread at a time. Each error is placed in
its record from libxml2's path of the node, as lxml reports it when the record is validated alone
(tests compare both on every schema test and real file), so the findings are the same either way.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from functools import cache

from lxml import etree

from ..._kinds import by_name, by_root
from ..._xml import parse_file
from ...standard.store import store_dir
from ..context import Chunk, Hit, RecordContext

__all__ = ["Placed", "check_record", "check_root", "check_whole", "chunk_hits", "load_schema", "piece_check"]

REGISTRY_RECORD = ("registry-record", "iati-registry-record-schema.xsd")  # one schema, in 2.03's folder


def _new_schema(root_tag: str, version: str) -> etree.XMLSchema:
    if root_tag == REGISTRY_RECORD[0]:
        return etree.XMLSchema(parse_file(store_dir() / "schemas" / "2.03" / REGISTRY_RECORD[1]))
    kind = by_root(root_tag)
    if kind is None:
        raise KeyError(f"no XSD for the root element {root_tag!r}")
    return etree.XMLSchema(parse_file(store_dir() / "schemas" / version / kind.schema_file))


@cache
def _compile(home: str | None, root_tag: str, version: str) -> etree.XMLSchema:
    """``home`` only keys the cache (a process that switches IATICONV_HOME gets the other store)."""
    return _new_schema(root_tag, version)


def load_schema(root_tag: str, version: str) -> etree.XMLSchema:
    """The compiled XSD for a root element and version, built once per process and store."""
    # the store's location as a plain string key: this runs once per record, so no Path work and no
    # stat (the run checked that the store is installed before it started)
    return _compile(os.environ.get("IATICONV_HOME"), root_tag, version)


def _hits(schema: etree.XMLSchema, *, skip_prefix: str | None = None) -> Iterator[Hit]:
    for error in iter(schema.error_log):  # type: ignore[call-overload]
        path = error.path or ""
        if skip_prefix and (path == skip_prefix or path.startswith((skip_prefix + "/", skip_prefix + "["))):
            continue
        yield Hit(
            rule_id="0.3.1",
            line=error.line or None,
            column=error.column or None,
            relpath=path,
            params={"detail": error.message.strip()},
        )


def check_record(ctx: RecordContext) -> Iterator[Hit]:
    """XSD errors of one record; ``relpath`` is libxml's path, rooted at the record element."""
    schema = load_schema(by_name(ctx.kind).root_tag, ctx.version)
    if schema.validate(ctx.element):
        return
    yield from _hits(schema)


# (record index in its piece, line, column, libxml2's path below the record, message) of each error
Placed = list[tuple[int, int, int, str, str]]
_STEP_INDEX = re.compile(r"\[([0-9]+)\]")


def piece_check(root_tag: str, version: str, record_step: str) -> Callable[[etree._Element], Placed | None]:
    """The XSD check of a whole piece, for the helper thread (``_pieces``): a schema of its own, since an
    ``XMLSchema`` keeps the errors of its last call, and the main thread validates with ``load_schema``."""
    schema = _new_schema(root_tag, version)
    return lambda root: place_errors(schema, root, record_step)


def place_errors(schema: etree.XMLSchema, root: etree._Element, record_step: str) -> Placed | None:
    """Validate the document under ``root`` (a container of records), each error placed in its record:
    which record holds the node, and libxml2's path of the node below it, exactly what lxml reports
    when the record is validated alone. Errors on the container itself are left out (a piece's root
    is no real root: the file's root is checked on its own). None when an error cannot be placed in a
    record: the caller then validates record by record."""
    if schema.validate(root):
        return []
    top = f"/{root.tag}"
    prefix = f"{top}/{record_step}"
    placed: Placed = []
    for error in iter(schema.error_log):  # type: ignore[call-overload]
        path = error.path or ""
        if path == top:
            continue
        if not path.startswith(prefix):
            return None
        tail, index = path[len(prefix):], 0
        numbered = _STEP_INDEX.match(tail)  # libxml2 numbers a step only when its name repeats
        if numbered is not None:
            index, tail = int(numbered.group(1)) - 1, tail[numbered.end():]
        if tail and not tail.startswith("/"):
            return None
        placed.append((index, error.line, error.column, tail, error.message))
    return placed


def chunk_hits(chunk: Chunk, placed: Placed | None) -> list[tuple[RecordContext, Hit]]:
    """The XSD hits of every record of ``chunk``, record by record, as ``check_record`` gives them:
    from the errors the helper thread placed (``place_errors``), or, when there are none to go by,
    validated here one record at a time."""
    if placed is None:
        return [(ctx, hit) for ctx in chunk.records for hit in check_record(ctx)]
    step = "/" + chunk.record_step
    return [(chunk.records[index], Hit(rule_id="0.3.1", line=line or None, column=column or None,
                                       relpath=step + tail, params={"detail": message.strip()}))
            for index, line, column, tail, message in placed]


def check_root(skeleton: etree._Element, version: str, record_tag: str) -> Iterator[Hit]:
    """XSD errors of the root element itself, checked on a skeleton whose records were emptied.

    The skeleton keeps the root's attributes, its non-record children and one empty placeholder per
    run of records, so the content model (records first, then foreign elements) is still checked;
    errors inside the placeholders are ignored, since each record was validated on its own.
    """
    schema = load_schema(str(skeleton.tag), version)
    if schema.validate(skeleton):
        return
    yield from _hits(schema, skip_prefix=f"/{skeleton.tag}/{record_tag}")


def check_whole(tree: etree._Element, root_tag: str) -> Iterator[Hit]:
    """XSD errors of a small document validated whole (registry records)."""
    schema = load_schema(root_tag, "2.03")
    if schema.validate(tree):
        return
    yield from _hits(schema)
