"""The validator's layers, in the official order, as one explicit table.

Well-formedness, root and version (layer 1) are the walker's own job since they decide whether a
file can be streamed at all; every later layer is a check run on each activity or organisation.
"""

from __future__ import annotations

from ..context import Check
from . import advisory, codelists, extra, rules, schema

__all__ = ["RECORD_LAYERS", "advisory", "codelists", "extra", "rules", "schema"]

RECORD_LAYERS: tuple[tuple[str, Check], ...] = (
    ("schema", schema.check_record),
    ("codelists", codelists.check_record),
    ("rules", rules.check_record),
    ("extra", extra.check_record),
)
