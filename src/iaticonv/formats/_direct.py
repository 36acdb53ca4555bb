"""Direct conversions: a pair of formats converted without building typed records in between.

``convert`` normally streams typed :class:`~iaticonv.model.Activity` records from a reader to a
writer. For the pairs people run on big files (IATI XML ⇄ the JSON/YAML record), building and
then taking apart one Python object per XML element is most of the cost, so such a pair may have a
direct path here: a function that writes the target bytes from the readers, driven by the same
model metadata, and that must write exactly the bytes the typed path writes (tests compare them on
real files). A direct path falls back to the typed path on its own for whatever it does not cover,
so errors and reader notes are those of the typed path.

The direct paths run their per-element work in optional compiled walks where the package was built
with them (see setup.py), and take the typed path for every record where it was not, or where
``IATICONV_PURE_PYTHON`` turns the walks off (``_speedups.pure_python``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from typing import IO, Any, Protocol

from ..model import FileHeader
from .base import Reader

__all__ = ["DIRECT_PATHS", "DirectPath", "direct_path"]


class DirectPath(Protocol):
    """Writes the records of ``readers`` (already opened, headers read) to ``stream``.

    ``header`` is the merged header of the readers, ``writer_options`` the target writer's options,
    and ``tick`` is called once per record written (it counts records and drives progress).
    Returns the number of records written. Reader notes go to each reader's ``notes``, as ``records()``
    puts them.
    """

    def __call__(self, readers: Sequence[Reader], stream: IO[bytes], header: FileHeader,
                 writer_options: Mapping[str, Any], tick: Callable[[], None]) -> int: ...


# (source format, target format) → "module:function" under iaticonv.formats, imported on first use.
DIRECT_PATHS: dict[tuple[str, str], str] = {
    ("iati-xml", "json"): "iati_xml._direct_xml_json:xml_to_json",
    ("iati-xml", "yaml"): "iati_xml._direct_xml_json:xml_to_yaml",
    ("json", "iati-xml"): "iati_xml._direct_json_xml:json_to_xml",
}


def direct_path(source: str, target: str) -> DirectPath | None:
    """The direct path from ``source`` to ``target``, or None when the pair goes through records."""
    where = DIRECT_PATHS.get((source, target))
    if where is None:
        return None
    module_name, attribute = where.split(":")
    module = importlib.import_module(f"iaticonv.formats.{module_name}")
    function: DirectPath = getattr(module, attribute)
    return function


