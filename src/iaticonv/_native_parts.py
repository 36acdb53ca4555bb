"""The optional compiled parts of iaticonv, listed once: ``setup.py`` builds these, the loader
(``_speedups``) loads them and ``iaticonv --version`` reports on each.

Plain data with no imports, so that ``setup.py`` can read it without importing the package. Each
entry is a module of ``iaticonv`` (its source is the ``.pyx`` of the same name under ``src/iaticonv``)
and what it speeds up.
"""

NATIVE_PARTS: dict[str, str] = {
    "formats.iati_xml._xml_record_native": "IATI XML -> JSON records",
    "formats.iati_xml._record_xml_native": "JSON records -> IATI XML",
    "validate.layers._rule_native": "ruleset prefilters",
    "validate.layers._codelists_native": "codelist walk",
    "validate._locate_native": "finding locations",
}

# The file written beside each built module: the lxml and libxml2 it was compiled against, read by
# the loader before it imports the module.
BUILD_INFO_SUFFIX = ".build.json"
