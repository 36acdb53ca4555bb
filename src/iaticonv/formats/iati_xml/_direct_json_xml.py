"""The direct path json → iati-xml: each JSON activity line written as XML without typed records.

For every activity the JSON reader hands out, the compiled walk (:mod:`._record_xml_plans`, where it
is built) writes the XML straight from the parsed record. When it declines (anything wrong, a
character XML 1.0 cannot carry, a float), or where it is not built, the record goes the typed way —
:func:`..records.record.node_from_record` then the XML writer's :func:`.iati_xml.activity_xml` — so the output
bytes, the errors naming the field and the record count are those of the typed path, whatever the
input (tests compare both on real files, generated records and broken ones). Lines are read one at a
time, as the reader streams them: memory stays flat.

Lines are parsed with orjson, which reads a line as the standard parser does except for what it
refuses (NaN, Infinity, numbers out of the float range, lone surrogates: those lines go the typed way)
and integers wider than 64 bits, which it reads as floats, and the walk declines floats.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import IO, Any

import orjson

from ...model import FileHeader
from ..base import Reader
from ..records.json_yaml import JsonReader, _activity
from ._record_xml_plans import NativeWriter, native_writer
from ._typed_write import NamespaceContext
from .xml_io import ROOT_END, IatiXmlWriter, activity_xml

__all__ = ["json_to_xml"]


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
    native = native_writer()
    file = str(reader.path)
    for index, (text, where) in enumerate(reader.texts()):
        chunk = None
        if native is not None:
            chunk = _native(native, _parse(text) if text is not None else where, ns)
        if chunk is None:
            activity = _activity(where if text is None else reader.loads(text, where), index, file)
            tick()
            chunk = activity_xml(activity, ns).encode("utf-8")
        else:
            tick()
        yield chunk


def _parse(text: str) -> Any:
    """The line parsed by orjson; None where orjson refuses it (the typed path's parser decides)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return None


def _native(write: NativeWriter, data: Any, ns: NamespaceContext) -> bytes | None:
    """The activity's XML from the compiled walk, or None when it declines (or fails in any way: the
    typed path then decides what the record gives)."""
    if data is None:
        return None
    try:
        return write(data, ns)
    except Exception:  # any failure: the typed path reports it
        return None
