"""The ``tables`` format: any IATI activity as a folder of CSV files or one XLSX workbook, and back.

One table per repeated element, each row keyed by the activity and its position path, generated
from the model's field metadata (:mod:`.layout`); see ``docs/tables.md`` for the layout and rules.
"""

from .layout import Layout, Table, TableKind, layout
from .reader import TablesReader
from .writer import TablesWriter

__all__ = ["Layout", "Table", "TableKind", "TablesReader", "TablesWriter", "layout"]
