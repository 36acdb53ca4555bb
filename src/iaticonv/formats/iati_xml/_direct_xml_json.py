"""Direct paths IATI XML → JSON and IATI XML → YAML: records straight from the elements.

The typed path reads each ``iati-activity`` into model nodes and maps them to a record. Here, where
the compiled walk is built (:mod:`._xml_record_plans`), each element's JSON line comes straight from
it (:meth:`.JsonWriter.write_lines`), and YAML gets the record parsed back from that line
(:meth:`.YamlWriter.write_records`); elsewhere the record is the typed path's. The reader is the
same (:meth:`.IatiXmlReader.activity_elements`): it upgrades 2.01/2.02 activities, takes its notes
and raises its errors exactly as for the typed path, and clears each element once it is written, so
memory stays flat.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any

from ...model import FileHeader
from ..base import Reader
from ..records.json_yaml import JsonWriter, YamlWriter, encode_record
from ..records.record import node_to_record
from ._xml_record_plans import activity_json, activity_record
from .xml_io import IatiXmlReader

__all__ = ["xml_to_json", "xml_to_yaml"]


def _records(readers: Sequence[Reader], tick: Callable[[], None]) -> Iterator[dict[str, Any]]:
    for reader in readers:
        if isinstance(reader, IatiXmlReader):
            for element in reader.activity_elements():
                record = activity_record(element)
                tick()
                yield record
        else:  # not expected (the pair's source is iati-xml), but any reader works through its records
            for activity in reader.records():
                tick()
                yield node_to_record(activity)


def _lines(readers: Sequence[Reader], tick: Callable[[], None]) -> Iterator[bytes]:
    """Each activity's JSON line: from the compiled walk where it is built, else encoded from its record."""
    for reader in readers:
        if isinstance(reader, IatiXmlReader):
            for element in reader.activity_elements():
                line = activity_json(element)
                tick()
                yield encode_record(activity_record(element)) if line is None else line
        else:
            for activity in reader.records():
                tick()
                yield encode_record(node_to_record(activity))


def xml_to_json(readers: Sequence[Reader], stream: IO[bytes], header: FileHeader,
                writer_options: Mapping[str, Any], tick: Callable[[], None]) -> int:
    """IATI XML → the JSON record format (the bytes :class:`.JsonWriter` writes from typed records)."""
    return JsonWriter(**writer_options).write_lines(stream, _lines(readers, tick), header)


def xml_to_yaml(readers: Sequence[Reader], stream: IO[bytes], header: FileHeader,
                writer_options: Mapping[str, Any], tick: Callable[[], None]) -> int:
    """IATI XML → the YAML record format (the bytes :class:`.YamlWriter` writes from typed records)."""
    return YamlWriter(**writer_options).write_records(stream, _records(readers, tick), header)


if TYPE_CHECKING:  # a static proof, checked by mypy, that these functions are direct paths
    from .._direct import DirectPath

    _paths: list[DirectPath] = [xml_to_json, xml_to_yaml]
