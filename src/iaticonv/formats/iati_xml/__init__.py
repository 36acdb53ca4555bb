"""The IATI XML family: the ``iati-xml`` format and everything that reads or writes IATI activity XML.

The typed path (``typed_read``/``typed_write``, driven by the model's plans) is the one definition of
the mapping; ``xml_io`` streams whole files through it, upgrading 2.01/2.02 on the way in
(``upgrade``) and correcting the lines of its notes past libxml2's 65,535 (``exact_lines``). The
direct paths to and from the JSON record layout (``direct_xml_json``, ``direct_json_xml``) run the
optional compiled walks, whose plans come from the same model (``xml_record_native``,
``record_xml_native``), and fall back on the typed path. Readers and writers are found through
``formats.FORMATS``, not imported from here.
"""

__all__ = [
    "direct_json_xml",
    "direct_xml_json",
    "exact_lines",
    "record_xml_native",
    "typed_read",
    "typed_write",
    "upgrade",
    "xml_io",
    "xml_record_native",
]
