"""The IATI XML family: the ``iati-xml`` format and everything that reads or writes IATI activity XML.

Public: ``xml_io`` (the format's streaming reader and writer, found through ``formats.FORMATS``) and
``exact_lines`` (exact lines for reader notes past libxml2's 65,535, also used when a big file is
converted by ranges). Internal: the typed path (``_typed_read``/``_typed_write``, driven by the
model's plans), the one definition of the mapping; the upgrade of 2.01/2.02 activities
(``_upgrade``); the direct paths to and from the JSON record layout (``_direct_xml_json``,
``_direct_json_xml``, found through ``formats._direct``), which run the optional compiled walks
(``_xml_record_native``, ``_record_xml_native``) over plans built from the same model
(``_xml_record_plans``, ``_record_xml_plans``) and fall back on the typed path.
"""

__all__ = ["exact_lines", "xml_io"]
