"""Layer 2: the IATI XML Schema (0.3.1), one activity or organisation at a time.

Every element of the IATI schemas is declared globally, so libxml can validate an ``iati-activity``
subtree on its own against the compiled schema while the streaming parser holds only that subtree.
That ties each error to its record, line and path without ever building the whole document (the
official validator validates the whole file, then re-validates each activity to attribute errors).
The root element's own attributes and non-IATI children are checked once at the end of the file.

Where the compiled module is built (``_xsd_native``), a chunk's records are validated together, by
the same libxml2 with the GIL released, in the helper thread (``helper``), while the main thread runs
the other layers on the chunk (``prepare_chunk``); each error is placed in its record as lxml places
it when the record is validated alone, so the findings are the same either way.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from lxml import etree

from ..._speedups import compiled
from ..._xml import parse_file
from ...standard.store import store_dir
from ..context import Chunk, Hit, RecordContext

__all__ = ["check_record", "check_root", "check_whole", "load_schema", "prepare_chunk"]

SCHEMA_FILES = {
    "iati-activities": "iati-activities-schema.xsd",
    "iati-organisations": "iati-organisations-schema.xsd",
    "registry-record": "iati-registry-record-schema.xsd",
}


@cache
def _compile(home: str | None, root_tag: str, version: str) -> etree.XMLSchema:
    """``home`` only keys the cache (a process that switches IATICONV_HOME gets the other store)."""
    folder = store_dir() / "schemas" / (version if root_tag != "registry-record" else "2.03")
    return etree.XMLSchema(parse_file(folder / SCHEMA_FILES[root_tag]))


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
    root_tag = "iati-activities" if ctx.kind == "activity" else "iati-organisations"
    schema = load_schema(root_tag, ctx.version)
    if schema.validate(ctx.element):
        return
    yield from _hits(schema)


ChunkHits = Callable[[], list[tuple[RecordContext, Hit]]]


@cache
def native_module() -> Any:
    """The compiled chunk validator when it is built for this lxml, finds libxml2's functions in it,
    and is not turned off (``IATICONV_PURE_PYTHON``); else None."""
    module = compiled("validate.layers._xsd_native")
    return module if module is not None and module.bind(etree.__file__) else None


@cache
def _chunk_schema(home: str | None, root_tag: str, version: str) -> Any:
    """The compiled chunk validator's schema (None without the module); ``home`` keys the cache only."""
    native = native_module()
    if native is None:
        return None
    folder = store_dir() / "schemas" / version
    return native.ChunkSchema(parse_file(folder / SCHEMA_FILES[root_tag]).getroot())


def prepare_chunk(chunk: Chunk) -> tuple[Any, ChunkHits]:
    """The XSD check of every record of ``chunk``: (the compiled check to run in the helper thread's
    job, or None; the function giving the hits, record by record, as ``check_record`` gives them,
    once that job is joined). Without the compiled check, lxml validates the records one by one."""
    root_tag = "iati-activities" if chunk.kind == "activity" else "iati-organisations"
    compiled = _chunk_schema(os.environ.get("IATICONV_HOME"), root_tag, chunk.version)
    if compiled is None:
        return None, lambda: _record_by_record(chunk)
    run = compiled.run(chunk.root)

    def hits() -> list[tuple[RecordContext, Hit]]:
        placed = run.placed()
        if placed is None:
            return _record_by_record(chunk)
        step = "/" + chunk.record_step
        return [(chunk.records[index], Hit(rule_id="0.3.1", line=line or None, column=column or None,
                                           relpath=step + tail, params={"detail": message.strip()}))
                for index, line, column, tail, message in placed]

    return run, hits


def _record_by_record(chunk: Chunk) -> list[tuple[RecordContext, Hit]]:
    return [(ctx, hit) for ctx in chunk.records for hit in check_record(ctx)]


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
