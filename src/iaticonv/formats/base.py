"""The reader/writer interface every format implements, and the one table that names the formats.

A format is found by name (``--from``/``--to``), by file extension, or by sniffing the first bytes of
a file — never by scanning packages. Adding a format is one entry in ``FORMATS``: its module is only
imported when the format is used, so a broken or heavy format costs nothing to the others.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol, runtime_checkable

from .._kinds import ACTIVITY
from ..errors import UsageError
from ..model import Activity, FileHeader

__all__ = [
    "FORMATS",
    "FormatInfo",
    "HeaderlessReader",
    "ReadNote",
    "Reader",
    "Writer",
    "detect_format",
    "format_info",
    "open_reader",
    "open_writer",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadNote:
    """Something a reader could not carry over as is (an upgrade it could not make, ignored noise).

    ``code`` is a stable short id (e.g. ``upgrade.result-without-indicator``) for scripts; ``message``
    is for people. ``severity`` says what the note costs the user, and so the exit code: ``info``
    (nothing of the record was lost: page furniture skipped), ``warning`` (converted as written or
    recomputed, worth a look), ``error`` (something could not be carried over: exit code 1).
    """

    code: str
    message: str
    activity: str | None = None
    file: str | None = None
    line: int | None = None
    severity: str = "error"

    @property
    def blocking(self) -> bool:
        return self.severity == "error"


@runtime_checkable
class Reader(Protocol):
    """Reads one file: a header (the ``iati-activities`` root or its equivalent) and a record stream."""

    notes: list[ReadNote]

    def header(self) -> FileHeader: ...

    def records(self) -> Iterator[Activity]: ...


@runtime_checkable
class Writer(Protocol):
    """Writes a record stream to a binary stream; returns the number of records written."""

    #: True when one output file holds many records (False: the writer needs --split for >1 record)
    multi: bool

    def write(self, stream: IO[bytes], records: Iterable[Activity], header: FileHeader | None = None) -> int: ...


class HeaderlessReader:
    """The start of a reader for files that carry no IATI header (GAC profile pages and exports):
    the path, the list of notes, and the default header. Subclasses add ``records``."""

    def __init__(self, path: Path, **_options: object) -> None:
        self.path = Path(path)
        self.notes: list[ReadNote] = []

    def header(self) -> FileHeader:
        return FileHeader()


@dataclass(frozen=True, slots=True)
class FormatInfo:
    """A format's name, file extensions, content sniffer and where its reader/writer live."""

    name: str
    extensions: tuple[str, ...]
    reader: str | None  # "module:attribute" under iaticonv.formats; None = cannot read
    writer: str | None
    sniff: Callable[[bytes, str], bool] | None = None
    description: str = ""
    # True for a format whose document is a path of its own choosing (a folder of CSV files or a
    # workbook): its reader takes a folder as ONE input and its writer writes the path itself
    # (``write_to``), atomically, instead of filling a byte stream.
    whole_path: bool = False
    # Options its writer takes (``convert`` refuses others with a usage error, rather than a crash).
    writer_options: tuple[str, ...] = ()
    # Options its reader takes; ``open_reader`` passes these and drops the others, so a command can
    # hand the same options (``upgrade``) to readers of every format.
    reader_options: tuple[str, ...] = ()
    # A big file of this format can be cut at record boundaries into ranges that convert on their own
    # (``batch._convert_ranges``), and parts written in it can be joined into one file (``bigfile.join``).
    cuttable: bool = False
    joinable: bool = False


_RECORD_OPEN = b"<" + ACTIVITY.record_tag.encode()


def _sniff_xml(head: bytes, _suffix: str) -> bool:
    return _RECORD_OPEN in head  # also the start of the root's tag: a bare record or a whole file


def _sniff_json(head: bytes, _suffix: str) -> bool:
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


FORMATS: dict[str, FormatInfo] = {
    f.name: f
    for f in (
        FormatInfo("iati-xml", (".xml",), "iati_xml.xml_io:IatiXmlReader", "iati_xml.xml_io:IatiXmlWriter", _sniff_xml,
                   "IATI activity XML (reads 2.01-2.03, writes 2.03)", writer_options=("generated_at",),
                   reader_options=("upgrade",), cuttable=True, joinable=True),
        FormatInfo("json", (".json",), "records.json_yaml:JsonReader", "records.json_yaml:JsonWriter", _sniff_json,
                   "the canonical activity record as JSON", cuttable=True, joinable=True),
        FormatInfo("yaml", (".yaml", ".yml"), "records.json_yaml:YamlReader", "records.json_yaml:YamlWriter", None,
                   "the canonical activity record as YAML", joinable=True),
        FormatInfo("gac-profile", (".txt",), "gac.profile_page:GacProfileReader", "gac.profile_page:GacProfileWriter",
                   lambda head, _s: b"Project Number:" in head, "GAC Project Browser profile page as text"),
        FormatInfo("gac-csv", (".csv",), "gac.csv_io:GacCsvReader", "gac.csv_io:GacCsvWriter",
                   lambda head, _s: b"Project Number" in head.split(b"\n", 1)[0], "GAC Project Browser CSV export"),
        FormatInfo("gac-xlsx", (".xlsx",), "gac.xlsx_io:GacXlsxReader", "gac.xlsx_io:GacXlsxWriter", None,
                   "GAC Project Browser table as an Excel workbook (same columns as gac-csv)"),
        FormatInfo("tables", (), "tables.reader:TablesReader", "tables.writer:TablesWriter", None,
                   "any activity as flat tables: a folder of CSV files or an .xlsx workbook (docs/tables.md)",
                   whole_path=True),
    )
}


def format_info(name: str) -> FormatInfo:
    try:
        return FORMATS[name]
    except KeyError:
        raise UsageError(f"unknown format {name!r}", hint=f"known formats: {', '.join(FORMATS)}") from None


def detect_format(path: Path, *, for_writing: bool = False) -> FormatInfo:
    """The format of ``path``: by extension first, then (when reading) by its first bytes."""
    suffix = path.suffix.lower()
    matches = [f for f in FORMATS.values() if suffix in f.extensions]
    if len(matches) == 1:
        return matches[0]
    if not for_writing and path.is_file():
        with path.open("rb") as handle:
            head = handle.read(4096)
        sniffed = [f for f in (matches or FORMATS.values()) if f.sniff is not None and f.sniff(head, suffix)]
        if sniffed:
            return sniffed[0]
    raise UsageError(f"{path}: cannot tell the format from the name or content",
                     hint="name it with --from/--to")


def _load(target: str) -> Any:
    module_name, attribute = target.split(":")
    module = importlib.import_module(f"iaticonv.formats.{module_name}")
    return getattr(module, attribute)


def open_reader(info: FormatInfo, path: Path, **options: Any) -> Reader:
    """A reader of format ``info`` over ``path``, given the ``options`` that format declares."""
    if info.reader is None:
        raise UsageError(f"the {info.name} format cannot be read")
    taken = {key: value for key, value in options.items() if key in info.reader_options}
    reader: Reader = _load(info.reader)(path, **taken)
    return reader


def open_writer(info: FormatInfo, **options: Any) -> Writer:
    """A writer of format ``info``."""
    if info.writer is None:
        raise UsageError(f"the {info.name} format cannot be written")
    writer: Writer = _load(info.writer)(**options)
    return writer
