"""The switch that turns iaticonv's optional compiled modules off.

It lives apart from the converters and the validator so that each can read it without importing the
other (the validator never needs the data model the converters load).
"""

from __future__ import annotations

import os

__all__ = ["pure_python"]


def pure_python() -> bool:
    """Whether ``IATICONV_PURE_PYTHON`` is set (non-empty): the compiled walks are then not used, to
    compare them with the generated Python or to rule them out when something looks wrong."""
    return bool(os.environ.get("IATICONV_PURE_PYTHON"))
