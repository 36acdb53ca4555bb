"""The switch that turns iaticonv's optional compiled modules off, and the one way they are loaded.

It lives apart from the converters and the validator so that each can read it without importing the
other (the validator never needs the data model the converters load).
"""

from __future__ import annotations

import importlib
import os
from typing import Any

__all__ = ["compiled", "pure_python"]


def pure_python() -> bool:
    """Whether ``IATICONV_PURE_PYTHON`` is set (non-empty): the compiled walks are then not used, to
    compare them with the generated Python or to rule them out when something looks wrong."""
    return bool(os.environ.get("IATICONV_PURE_PYTHON"))


def compiled(name: str, *, reads_lxml: bool = True, calls_libxml2: bool = False) -> Any:
    """The optional compiled module ``iaticonv.<name>``, or None: when it is not built (see setup.py),
    is turned off (``pure_python``), reads lxml's structures but was built for another lxml
    (``BUILT_WITH_LXML``), or calls libxml2 but does not find its functions in the loaded
    ``lxml.etree`` (its ``bind``). Callers cache the answer."""
    if pure_python():
        return None
    try:
        module = importlib.import_module(f"iaticonv.{name}")
    except ImportError:
        return None
    if reads_lxml:
        from lxml import etree

        if etree.__version__ != module.BUILT_WITH_LXML:
            return None
        if calls_libxml2 and not module.bind(etree.__file__):
            return None
    return module
