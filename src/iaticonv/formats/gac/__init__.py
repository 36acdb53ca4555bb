"""The Global Affairs Canada family: the Project Browser profile page and its CSV and XLSX tables.

Public: the three formats (``profile_page``, ``csv_io``, ``xlsx_io``), found through
``formats.FORMATS``. Internal: the record they share (``_common.GacProject``), the table layout of
the CSV and XLSX forms (``_table``), its mapping to and from the activity model the way GAC
publishes (``_model``), and GAC's labels turned into IATI codes (``_labels``).
"""

__all__ = ["csv_io", "profile_page", "xlsx_io"]
