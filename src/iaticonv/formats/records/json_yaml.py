"""The ``json`` and ``yaml`` formats: the canonical activity record, streamed both ways.

JSON layout written (one activity per line, so a reader can stream it back with flat memory)::

    {"iati-activities": {...header...},
    "activities": [
    {...activity...},
    {...activity...}
    ]}

Each activity line is compact JSON (no spaces after ``:`` and ``,``: see :func:`encode_record`).
Any other JSON is accepted too (read whole): that object with other whitespace, a list of activity
records, or a single activity record. YAML is a stream of documents: an optional first document
``{iati-activities: {...header...}}``, then one document per activity (``yaml.safe_load_all`` reads
them one at a time). Both use the record mapping of :mod:`.record`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import orjson

from ..._kinds import ACTIVITY
from ...bigfile.join import Frame, read_ends
from ...errors import InputError
from ...model import Activity, FileHeader
from ..base import Reader, ReadNote, Writer
from .record import header_from_record, header_to_record, node_from_record, node_to_record

__all__ = ["JsonReader", "JsonWriter", "YamlReader", "YamlWriter", "encode_record", "yaml_frame"]

HEADER_KEY = ACTIVITY.root_tag  # the header is the root element's attributes, under its name
_FIRST = f'{{"{HEADER_KEY}": '
_SECOND = '"activities": [\n'
_LAST = "]}"

# What orjson refuses (an integer over 64 bits, a string holding a lone surrogate, nesting over 255
# levels) goes through the standard encoder set to orjson's layout, which writes the same bytes.
_COMPACT = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":")).encode



@functools.cache
def yaml_library() -> tuple[Any, Any, Any]:
    """PyYAML with its safe loader and dumper (libyaml's where built), imported on first use: the
    import costs ~20 ms, which every conversion that never touches YAML would pay at start-up."""
    import yaml

    return yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader), getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _activity(data: Any, index: int, file: str) -> Activity:
    node = node_from_record(Activity, data, f"activities[{index}]", file)
    assert isinstance(node, Activity)
    return node


class _RecordReader:
    """What JSON and YAML readers share: a header found on first use, a record stream."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.notes: list[ReadNote] = []
        self._header: FileHeader | None = None

    def header(self) -> FileHeader:
        if self._header is None:
            for _ in self._documents(header_only=True):
                break
        return self._header if self._header is not None else FileHeader()

    def records(self) -> Iterator[Activity]:
        for index, data in enumerate(self._documents(header_only=False)):
            yield _activity(data, index, str(self.path))

    def _documents(self, *, header_only: bool) -> Iterator[Any]:
        raise NotImplementedError

    def _split(self, data: Any) -> list[Any]:
        """Activities of a whole document: {header, activities}, a list, or one activity."""
        if isinstance(data, list):
            return data
        if isinstance(data, dict) and ("activities" in data or HEADER_KEY in data):
            extra = set(data) - {"activities", HEADER_KEY}
            if extra:
                raise InputError(f"unexpected top-level key(s): {', '.join(sorted(extra))}", file=self.path)
            if HEADER_KEY in data:
                self._header = header_from_record(data[HEADER_KEY], str(self.path))
            activities = data.get("activities", [])
            if not isinstance(activities, list):
                raise InputError("'activities' must be a list", file=self.path, field="activities")
            return activities
        return [data]


class JsonReader(_RecordReader):
    """Reads the JSON record format; streams the layout :class:`JsonWriter` writes."""

    def _documents(self, *, header_only: bool) -> Iterator[Any]:
        for text, where in self.texts(header_only=header_only):
            yield where if text is None else self.loads(text, where)

    def texts(self, *, header_only: bool = False) -> Iterator[tuple[str, int] | tuple[None, Any]]:
        """The activities as ``(JSON text, its line number)`` for the streamed layout, unparsed (a
        direct path looks at the text first, then parses it with :meth:`loads`), or as
        ``(None, record)`` for a document read whole."""
        try:
            with self.path.open("r", encoding="utf-8-sig", newline="") as handle:
                first = handle.readline()
                if first.startswith(_FIRST) and first.endswith(",\n") and handle.readline() == _SECOND:
                    self._header = header_from_record(self.loads(first[len(_FIRST):-2], 1), str(self.path))
                    if header_only:
                        return
                    yield from self._stream(handle)
                    return
                handle.seek(0)
                data = self.loads(handle.read(), 1)
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 text: {exc.reason}", file=self.path) from None
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", file=self.path) from None
        activities = self._split(data)
        if not header_only:
            for activity in activities:
                yield None, activity

    def _stream(self, handle: IO[str]) -> Iterator[tuple[str, int]]:
        for number, line in enumerate(handle, start=3):
            text = line.rstrip("\r\n")
            if text == _LAST:
                return
            yield (text[:-1] if text.endswith(",") else text), number
        raise InputError("the JSON ends before the closing ']}'", file=self.path)

    def loads(self, text: str, first_line: int) -> Any:
        """Parse JSON ``text`` that starts on line ``first_line`` of the file; InputError naming the spot."""
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc.msg}", file=self.path, line=first_line + exc.lineno - 1,
                             column=str(exc.colno)) from None
        except RecursionError:
            raise InputError("invalid JSON: arrays or objects nested too deeply", file=self.path,
                             line=first_line) from None
        except ValueError as exc:  # e.g. an integer of more than 4300 digits
            raise InputError(f"invalid JSON: {exc}", file=self.path, line=first_line) from None


def _refuse_shared(data: Any, position: int, path: Path) -> None:
    """Refuse a document in which one mapping or list appears twice: a YAML alias (``*name``).

    The loader shares aliased nodes, but turning them into records copies them, so a kilobyte of
    nested aliases (an alias "billion laughs") would become gigabytes. iaticonv's own YAML has none.
    """
    seen: set[int] = set()
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict | list):
            if id(item) in seen:
                raise InputError(f"document {position + 1} repeats a mapping or list through a YAML alias (*name); "
                                 "aliases are not expanded (a small file could grow to gigabytes)", file=path,
                                 hint="write each value out in full")
            seen.add(id(item))
            stack.extend(item.values() if isinstance(item, dict) else item)


class YamlReader(_RecordReader):
    """Reads the YAML record format, one document at a time."""

    def _documents(self, *, header_only: bool) -> Iterator[Any]:
        yaml, loader, _ = yaml_library()
        try:
            with self.path.open("r", encoding="utf-8-sig") as handle:
                for position, data in enumerate(yaml.load_all(handle, Loader=loader)):
                    _refuse_shared(data, position, self.path)
                    if position == 0 and isinstance(data, dict) and set(data) == {HEADER_KEY}:
                        self._header = header_from_record(data[HEADER_KEY], str(self.path))
                        if header_only:
                            return
                        continue
                    if header_only:
                        if isinstance(data, dict) and HEADER_KEY in data:
                            self._split(data)
                        return
                    if data is not None:
                        yield from self._split(data)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise InputError(f"invalid YAML: {getattr(exc, 'problem', None) or exc}", file=self.path,
                             line=mark.line + 1 if mark is not None else None) from None
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 text: {exc.reason}", file=self.path) from None


def encode_record(record: dict[str, Any]) -> bytes:
    """One activity record as the JSON writer writes it: compact JSON (no spaces), UTF-8.

    orjson encodes a record about six times faster than the standard library (~15 µs against ~90 µs
    for a typical 5 KB activity), which was most of the cost of XML → JSON once records were built
    without typed nodes. Its bytes are those of ``json.dumps(record, ensure_ascii=False,
    separators=(",", ":"))`` (tests compare them), so the rare record it refuses gets the same layout.
    """
    try:
        return orjson.dumps(record)
    except orjson.JSONEncodeError:
        return _COMPACT(record).encode("utf-8")


class JsonWriter:
    """Writes the JSON record format, one activity per line."""

    multi = True

    def write(self, stream: IO[bytes], records: Iterable[Activity], header: FileHeader | None = None) -> int:
        return self.write_records(stream, map(node_to_record, records), header)

    def write_records(self, stream: IO[bytes], records: Iterable[dict[str, Any]],
                      header: FileHeader | None = None) -> int:
        """Write records already mapped to plain data (what a direct path hands over)."""
        return self.write_lines(stream, map(encode_record, records), header)

    def write_lines(self, stream: IO[bytes], lines: Iterable[bytes], header: FileHeader | None = None) -> int:
        """Write records already encoded, one :func:`encode_record` line each (what the compiled
        XML → JSON walk hands over)."""
        head = header_to_record(header if header is not None else FileHeader())
        stream.write(f"{_FIRST}{json.dumps(head, ensure_ascii=False)},\n{_SECOND}".encode())
        count = 0
        for line in lines:
            stream.write(b",\n" + line if count else line)
            count += 1
        stream.write(("\n" if count else "").encode() + _LAST.encode() + b"\n")
        return count


class YamlWriter:
    """Writes the YAML record format: a header document, then one document per activity."""

    multi = True

    def write(self, stream: IO[bytes], records: Iterable[Activity], header: FileHeader | None = None) -> int:
        return self.write_records(stream, map(node_to_record, records), header)

    def write_records(self, stream: IO[bytes], records: Iterable[dict[str, Any]],
                      header: FileHeader | None = None) -> int:
        """Write records already mapped to plain data (what a direct path hands over)."""
        head = header_to_record(header if header is not None else FileHeader())
        stream.write(self.document_bytes({HEADER_KEY: head}))
        count = 0
        for record in records:
            stream.write(self.document_bytes(record))
            count += 1
        return count

    @staticmethod
    def document_bytes(data: Any) -> bytes:
        """One YAML document as this writer prints it (the batch joiner checks part headers with it)."""
        yaml, _, dumper = yaml_library()
        text: str = yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, explicit_start=True,
                              width=100)
        return text.encode("utf-8")


if TYPE_CHECKING:  # a static proof, checked by mypy, that these classes implement the protocols
    _readers: list[Reader] = [JsonReader(Path()), YamlReader(Path())]
    _writers: list[Writer] = [JsonWriter(), YamlWriter()]


def yaml_frame(path: Path) -> Frame | None:
    """The frame of a YAML part this writer wrote (``bigfile.join``): the header document ends where the
    first record document starts (``---`` at a line start: inside the header every line but the first
    is indented), checked by dumping it again; None when the part is not the writer's own."""
    head, _tail, size = read_ends(path, 0)
    at = head.find(b"\n---", 1)
    while at >= 0 and head[at + 4:at + 5] not in (b"\n", b" "):
        at = head.find(b"\n---", at + 1)
    end = at + 1 if at >= 0 else (size if size <= len(head) else -1)
    if end < 0:
        return None
    yaml, loader, _ = yaml_library()
    try:
        document = yaml.load(head[:end], Loader=loader)
    except yaml.YAMLError:
        return None
    if not isinstance(document, dict) or set(document) != {HEADER_KEY}:
        return None
    if YamlWriter.document_bytes(document) != head[:end]:
        return None
    return Frame(path, head[:end], end, size)
