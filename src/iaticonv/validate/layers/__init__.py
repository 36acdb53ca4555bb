"""The validator's layers, in the official order, as one explicit table.

Well-formedness, root and version (layer 1) are the walker's own job since they decide whether a
file can be streamed at all; every later layer is a check run on each activity or organisation.
"""

from __future__ import annotations

from ..context import ChunkCheck
from . import advisory, codelists, extra, rules, schema

__all__ = ["CHUNK_LAYERS", "advisory", "codelists", "extra", "rules", "schema"]

# Layers that run on a chunk of records in the main thread (the XSD check, ``schema``, comes placed
# from the helper thread that parsed a piece, or runs record by record: ``schema.chunk_hits``).
CHUNK_LAYERS: tuple[tuple[str, ChunkCheck], ...] = (
    ("codelists", codelists.check_chunk),
    ("rules", rules.check_chunk),
    ("extra", extra.check_chunk),
)
