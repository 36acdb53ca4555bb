"""The ``iati-xml`` format: streaming reader (2.01–2.03, upgraded on the way in) and 2.03 writer.

The reader walks the file with ``iterparse`` and hands out one :class:`Activity` at a time, clearing
each element and deleting its preceding siblings, so memory stays flat however big the file is. The
writer consumes an iterator and writes each activity as soon as it is built.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from lxml import etree

from ..._kinds import ACTIVITY
from ..._xml import iterparse
from ...errors import InputError
from ...model import Activity, FileHeader
from ..base import Reader, ReadNote, Writer
from ._typed_read import element_to_node
from ._typed_write import NamespaceContext, escape_attr, first_invalid_char, node_to_xml
from ._upgrade import UPGRADABLE, upgrade_activity
from .exact_lines import exact_notes

__all__ = ["ROOT_END", "IatiXmlReader", "IatiXmlWriter", "activity_xml", "header_from_root"]

ROOT_TAG, RECORD_TAG = ACTIVITY.root_tag, ACTIVITY.record_tag
HEADER_ATTRS = ("version", "generated-datetime", "linked-data-default")


def header_from_root(root: Any) -> FileHeader:
    """The :class:`FileHeader` of an ``iati-activities`` element (attributes and namespaces)."""
    attrib = dict(root.attrib)
    return FileHeader(
        version=attrib.pop("version", None),
        generated_datetime=attrib.pop("generated-datetime", None),
        linked_data_default=attrib.pop("linked-data-default", None),
        extra_attrs=attrib,
        nsmap={(prefix or ""): uri for prefix, uri in root.nsmap.items()},
    )


class IatiXmlReader:
    """Reads an IATI activity file; a 2.01/2.02 file is upgraded to 2.03 unless ``upgrade=False``.

    The version is the root's ``@version``: a file without one (an aggregator's dump mixing
    versions, whose activities carry their own non-standard ``@version``) is read as it is.

    ``notes`` collects, per activity, what an upgrade could not carry over (see :mod:`._upgrade`).
    """

    def __init__(self, path: Path, *, upgrade: bool = True) -> None:
        self.path = Path(path)
        self.upgrade = upgrade
        self.notes: list[ReadNote] = []
        self._header: FileHeader | None = None
        self.source_version: str | None = None

    def header(self) -> FileHeader:
        if self._header is None:
            root = None
            try:
                for _event, element in iterparse(self.path, events=("start",)):
                    root = element
                    break
            except etree.XMLSyntaxError as exc:
                raise self._syntax_error(exc) from None
            except OSError as exc:
                raise InputError(f"cannot read: {exc.strerror or exc}", file=self.path) from None
            if root is None:
                raise InputError("empty XML document", file=self.path)
            self._header = self._check_root(root)
        return self._header

    def _check_root(self, root: Any) -> FileHeader:
        if root.tag != ROOT_TAG:
            raise InputError(f"not an IATI activity file: the root element is <{root.tag}>",
                             file=self.path, line=root.sourceline,
                             hint="organisation files (iati-organisations) are not activity records")
        header = header_from_root(root)
        self.source_version = header.version
        if self.upgrade and header.version in UPGRADABLE:
            header.version = "2.03"
        return header

    def _syntax_error(self, exc: etree.XMLSyntaxError) -> InputError:
        return InputError(f"not well-formed XML: {exc.msg}", file=self.path, line=exc.lineno,
                          hint="fix the XML syntax (an editor with XML checking shows the spot)")

    def _note_stray(self, child: Any) -> None:
        """A root child that is not an activity is not converted: say so rather than drop it silently."""
        if not isinstance(child.tag, str) or child.tag == RECORD_TAG:
            return
        qname = etree.QName(child)
        why = (f"is in the namespace {qname.namespace!r} (IATI activities have none)"
               if qname.localname == RECORD_TAG else "is not an iati-activity")
        self.notes.append(ReadNote(code="read.not-an-activity", file=str(self.path), line=child.sourceline,
                                   message=f"<{child.tag}> under <iati-activities> {why}; it was not converted"))

    def records(self) -> Iterator[Activity]:
        for element in self.activity_elements():
            node = element_to_node(element, Activity, top=True)
            assert isinstance(node, Activity)
            yield node

    def activity_elements(self) -> Iterator[Any]:
        """Each ``iati-activity`` element in turn (upgraded, its notes taken), still whole.

        The caller maps the element before asking for the next one; only then is it cleared and
        dropped, so memory stays flat. :meth:`records` maps it to a typed record, a direct path
        (:mod:`.._direct`) straight to its output, so both see the same elements and notes.
        """
        self.header()
        version = self.source_version
        upgrading = self.upgrade and version in UPGRADABLE
        context = iterparse(self.path, events=("start", "end"), tag=[ROOT_TAG, RECORD_TAG])
        try:
            for event, element in context:
                if element.tag == ROOT_TAG and element.getparent() is None:
                    if event == "start" and version is None:
                        self.notes.append(ReadNote(
                            code="read.no-version", file=str(self.path), line=element.sourceline, severity="warning",
                            message="<iati-activities> declares no version (IATI requires it on the root, not "
                                    "on each activity): read as is, not upgraded"))
                    if event == "end":  # what is left: the last (cleared) activity and anything after it
                        for child in element:
                            self._note_stray(child)
                    continue
                if event == "start":
                    continue
                if upgrading:
                    assert version is not None
                    ident = (element.findtext("iati-identifier") or "").strip() or None
                    for code, message in upgrade_activity(element, version):
                        self.notes.append(ReadNote(code=code, message=message, activity=ident,
                                                   file=str(self.path), line=element.sourceline))
                yield element
                element.clear(keep_tail=True)
                parent = element.getparent()
                while element.getprevious() is not None and parent is not None:
                    self._note_stray(parent[0])
                    del parent[0]
        except etree.XMLSyntaxError as exc:
            raise self._syntax_error(exc) from None
        # past line 65,535 libxml2's lines are not exact: the notes that name one are read again by ranges
        self.notes[:] = exact_notes(self.path, self.notes, self._range_notes)

    def _range_notes(self, path: Path) -> list[ReadNote]:
        """The notes of reading ``path`` (a range of this file framed as a file) as this reader reads."""
        reader = IatiXmlReader(path, upgrade=self.upgrade)
        for _element in reader.activity_elements():
            pass
        return reader.notes


ROOT_END = f"\n</{ROOT_TAG}>\n".encode()


def activity_xml(activity: Activity, ns: NamespaceContext) -> str:
    """One activity as the writer writes it (newline and indentation first); InputError when it
    holds a character XML 1.0 cannot carry. Direct paths call it for the records they hand back."""
    out: list[str] = ["\n  "]
    node_to_xml(activity, RECORD_TAG, out, ns, 1)
    chunk = "".join(out)
    bad = first_invalid_char(chunk)
    if bad is not None:
        raise InputError(f"activity {activity.iati_identifier!r} holds the character "
                         f"{bad!r}, which XML 1.0 cannot carry", field=RECORD_TAG,
                         hint="remove control characters from the record")
    return chunk


class IatiXmlWriter:
    """Writes IATI 2.03 XML: deterministic bytes; ``generated-datetime`` only if ``generated_at``."""

    multi = True

    def __init__(self, *, generated_at: datetime | str | None = None) -> None:
        self.generated_at = generated_at

    def write(self, stream: IO[bytes], records: Iterable[Activity], header: FileHeader | None = None) -> int:
        header = header if header is not None else FileHeader()
        ns = NamespaceContext(header.nsmap)
        stream.write(self.root_start(header, ns).encode("utf-8"))
        count = 0
        for activity in records:
            stream.write(activity_xml(activity, ns).encode("utf-8"))
            count += 1
        stream.write(ROOT_END)
        return count

    def root_start(self, header: FileHeader, ns: NamespaceContext) -> str:
        """The XML declaration and the ``iati-activities`` start tag (direct paths write it too)."""
        generated = self.generated_at
        if isinstance(generated, datetime):
            generated = generated.isoformat()
        values = (header.version, generated or header.generated_datetime, header.linked_data_default)
        parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<{ROOT_TAG}']
        for name, value in zip(HEADER_ATTRS, values, strict=True):
            if value is not None:
                parts.append(f' {name}="{escape_attr(value)}"')
        decls: list[str] = []
        for name, value in header.extra_attrs.items():
            parts.append(f' {ns.attr_name(name, decls)}="{escape_attr(value)}"')
        for prefix, uri in header.nsmap.items():
            if prefix and prefix != "xml":
                parts.append(f' xmlns:{prefix}="{escape_attr(uri)}"')
        parts.extend(decls)
        parts.append(">")
        return "".join(parts)


if TYPE_CHECKING:  # a static proof, checked by mypy, that these classes implement the protocols
    _reader: Reader = IatiXmlReader(Path())
    _writer: Writer = IatiXmlWriter()
