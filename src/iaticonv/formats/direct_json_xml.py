"""The direct path json → iati-xml: each JSON activity line written as XML without typed records.

For every activity the JSON reader hands out, the compiled writer (:mod:`.record_xml_native`, where
it is built, else the generated writers of :mod:`.record_xml_gen`) writes the XML straight from the
parsed record. When it declines (anything it does not handle, anything wrong),
that one record goes the typed way — :func:`.record.node_from_record` then the XML writer's
:func:`.iati_xml.activity_xml` — so the output bytes, the errors naming the field and the record
count are those of the typed path, whatever the input (tests compare both on real files, generated
records and broken ones). Lines are read one at a time, as the reader streams them: memory stays flat.

The JSON text of each line is looked at before it is parsed. Without ``\\u``, ``\\b`` or ``\\f``
escapes (nearly every line) it can hold no character XML 1.0 refuses, so the whole-activity scan
for one is skipped, and every string in it is escaped at once, in the JSON text itself
(:func:`.record_xml.pre_escape`), instead of value by value. It is then parsed with orjson where
orjson reads it as the standard parser does (see :func:`_parse`).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import IO, Any

import orjson

from ..model import Activity, FileHeader
from .base import Reader
from .iati_xml import ROOT_END, IatiXmlWriter, activity_xml
from .iati_xml_write import NamespaceContext, first_invalid_char
from .json_yaml import JsonReader, _activity
from .record_xml import ESCAPED, RAW, pre_escape
from .record_xml_gen import RecordWriter, record_writer
from .record_xml_native import NativeWriter, native_writer

__all__ = ["json_to_xml"]

_TAG, _DEPTH = "iati-activity", 1


def _parse(text: bytes) -> Any:
    """orjson where it reads as the standard parser does, else the standard parser.

    orjson refuses NaN, Infinity and numbers out of the float range (the standard parser takes
    them): those go to :func:`json.loads`. It reads an integer beyond 64 bits as a float, which the
    compiled writer declines (see :mod:`.record_xml`). Lines with ``\\u`` escapes never come here.
    """
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def json_to_xml(readers: Sequence[Reader], stream: IO[bytes], header: FileHeader, writer_options: Mapping[str, Any],
                tick: Callable[[], None]) -> int:
    """Write the activities of the JSON ``readers`` to ``stream`` as one IATI XML file (a DirectPath)."""
    ns = NamespaceContext(header.nsmap)
    stream.write(IatiXmlWriter(**writer_options).root_start(header, ns).encode("utf-8"))
    count = 0
    for reader in readers:
        chunks = _chunks(reader, ns, tick) if isinstance(reader, JsonReader) else _typed(reader, ns, tick)
        for chunk in chunks:
            stream.write(chunk)
            count += 1
    stream.write(ROOT_END)
    return count


def _typed(reader: Reader, ns: NamespaceContext, tick: Callable[[], None]) -> Iterator[bytes]:
    for activity in reader.records():
        tick()
        yield activity_xml(activity, ns).encode("utf-8")


def _chunks(reader: JsonReader, ns: NamespaceContext, tick: Callable[[], None]) -> Iterator[bytes]:
    """The XML of each activity of ``reader``, in order; the typed path's errors where it has one."""
    escaped = raw = None
    native = native_writer(Activity, _TAG, _DEPTH)  # the compiled escaped writer, where it is built
    # a prefix declared in the header is written into activities: one XML cannot carry forces the scan
    prefixes_ok = first_invalid_char("".join(ns.prefixes.values())) is None
    file = str(reader.path)
    for index, (text, where) in enumerate(reader.texts()):
        data: Any = None
        # U+FFFE and U+FFFF are the characters XML refuses that JSON may hold unescaped
        plain = text is not None and prefixes_ok and "\ufffe" not in text and "\uffff" not in text
        escaped_line = pre_escape(text.encode("utf-8", "surrogatepass")) if plain and text is not None else None
        if escaped_line is not None:
            line, marks = escaped_line
            with contextlib.suppress(ValueError, RecursionError):  # not JSON: the typed path says where
                data = _parse(line)
            if native is not None:
                chunk = _native(native, data, ns, marks) if data is not None else None
            else:
                escaped = escaped or record_writer(Activity, _TAG, _DEPTH, ESCAPED)
                chunk = _fast(escaped, data, ns, marks, False) if data is not None else None
        else:
            raw = raw or record_writer(Activity, _TAG, _DEPTH, RAW)
            data = where if text is None else reader.loads(text, where)
            chunk = _fast(raw, data, ns, False, True) if data is not None else None
        if chunk is None:
            activity = _activity(where if text is None else reader.loads(text, where), index, file)
            tick()
            chunk = activity_xml(activity, ns).encode("utf-8")
        else:
            tick()
        yield chunk


def _native(write: NativeWriter, data: Any, ns: NamespaceContext, marks: bool) -> bytes | None:
    """The activity's XML from the compiled writer, or None when it declines (or fails in any way)."""
    try:
        return write(data, ns, marks)
    except Exception:  # any failure: the typed path reports it
        return None


def _fast(write: RecordWriter, data: Any, ns: NamespaceContext, marks: bool, scan: bool) -> bytes | None:
    """The activity's XML from the generated writer, or None when it declines (or fails in any way:
    the typed path then decides what the record gives)."""
    out: list[str] = []
    try:
        write(data, out, ns, marks)
    except Exception:  # any failure: the typed path reports it
        return None
    chunk = "".join(out)
    if scan and first_invalid_char(chunk) is not None:
        return None
    return chunk.encode("utf-8")
