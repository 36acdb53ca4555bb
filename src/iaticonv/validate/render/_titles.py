"""Record titles for report panels, when the report itself does not carry them.

A reader finds an activity by its title before its identifier, so each panel of the HTML report is
headed with both. A ``FileReport`` that records ``titles`` is used as it is; otherwise this module
takes one quick streamed pass over the file (if it is still there) and keeps only the titles of the
records that have findings, so memory stays flat whatever the file size. A file that cannot be read
again gives no titles (its panels show the identifier alone): titles are a convenience, never a
reason for a report to fail.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from pathlib import Path

from lxml import etree

from ..._kinds import ACTIVITY, KINDS, by_record
from ..._xml import iterparse
from ..walker import NO_IDENTIFIER

__all__ = ["iter_records", "pick_narrative", "read_titles", "record_title"]

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"



def pick_narrative(narratives: list[tuple[str | None, str]], lang: str) -> str:
    """The narrative in ``lang`` if there is one, else the one in the default language, else the first."""
    texts = [(code, text) for code, text in narratives if text]
    for wanted in (lambda code: code == lang, lambda code: code is None):
        for code, text in texts:
            if wanted(code):
                return text
    return texts[0][1] if texts else ""


def record_title(element: etree._Element, lang: str = "en") -> str:
    """The title (activity) or name (organisation) of one record element, whitespace collapsed."""
    kind = by_record(str(element.tag)) or ACTIVITY
    narratives = [(node.get(XML_LANG), " ".join((node.text or "").split()))
                  for node in element.iterfind(kind.title_path)]
    return pick_narrative(narratives, lang)


def iter_records(path: str, lang: str = "en") -> Iterator[tuple[str, str]]:
    """(identifier, title) of every record of the file at ``path``, in document order, streamed.

    Stops quietly at the first syntax error or if the file is gone: the report already says why.
    """
    if not Path(path).is_file():
        return
    try:
        for _event, element in iterparse(path, tag=[kind.record_tag for kind in KINDS]):
            kind = by_record(str(element.tag)) or ACTIVITY
            identifier = (element.findtext(kind.identifier_tag) or "").strip()  # as the walker reads it
            yield identifier or NO_IDENTIFIER, record_title(element, lang)
            element.clear(keep_tail=False)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    except (etree.XMLSyntaxError, OSError):
        return


def read_titles(path: str, identifiers: Collection[str], lang: str = "en") -> Mapping[str, str]:
    """identifier → title for the wanted ``identifiers`` of the file at ``path`` (first record wins)."""
    wanted = set(identifiers)
    titles: dict[str, str] = {}
    if wanted:
        for identifier, title in iter_records(path, lang):
            if identifier in wanted:
                titles.setdefault(identifier, title)
    return titles
