"""The Global Affairs Canada family: the Project Browser profile page and its CSV and XLSX tables.

One record (``common.GacProject``) behind three formats (``profile_page``, ``csv_io``, ``xlsx_io``;
the two tables share ``table``), mapped to and from the activity model the way GAC publishes
(``model``), with GAC's labels turned into IATI codes (``labels``). Readers and writers are found
through ``formats.FORMATS``, not imported from here.
"""

__all__ = ["common", "csv_io", "labels", "model", "profile_page", "table", "xlsx_io"]
