"""The canonical activity record as plain data: the ``json`` and ``yaml`` formats.

``record`` maps the model to dicts and lists and back (the one definition of the record, also read
by the IATI XML family's direct paths); ``json_yaml`` streams it as JSON lines or YAML documents.
Readers and writers are found through ``formats.FORMATS``, not imported from here.
"""

__all__ = ["json_yaml", "record"]
