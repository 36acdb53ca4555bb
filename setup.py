"""Build hook for the optional compiled part of iaticonv (everything else is in pyproject.toml).

Optional Cython modules speed up the hot loops: ``iaticonv.formats._xml_record_native`` (IATI XML → JSON,
walking libxml2's nodes through lxml's C API), ``iaticonv.formats._record_xml_native`` (JSON → IATI XML,
over the parsed records), and in the validator ``iaticonv.validate.layers._rule_native`` (the rulesets'
prefilters), ``iaticonv.validate.layers._codelists_native`` (the codelist layer's walk) and
``iaticonv.validate._locate_native`` (the XPath of each finding). When Cython
or a C compiler is missing, or a build fails, the package installs without them and the same Python
code runs (slower, same output).
"""

from __future__ import annotations

import sys

from setuptools import setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    """Build the extension if possible; otherwise say why on stderr and install without it."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # noqa: BLE001 - any build failure means "no extension", not "no install"
            print(f"iaticonv: compiled speed-up not built ({exc}); the Python path will be used", file=sys.stderr)

    def build_extension(self, ext: object) -> None:
        try:
            super().build_extension(ext)  # type: ignore[arg-type]
        except Exception as exc:  # noqa: BLE001
            print(f"iaticonv: compiled speed-up not built ({exc}); the Python path will be used", file=sys.stderr)


def _extensions() -> list[object]:
    try:
        import lxml
        from Cython.Build import cythonize
        from setuptools import Extension
    except ImportError as exc:
        print(f"iaticonv: compiled speed-up not built ({exc}); the Python path will be used", file=sys.stderr)
        return []
    extensions = [
        Extension("iaticonv.formats._xml_record_native", ["src/iaticonv/formats/_xml_record_native.pyx"],
                  include_dirs=lxml.get_include()),
        Extension("iaticonv.formats._record_xml_native", ["src/iaticonv/formats/_record_xml_native.pyx"]),
        Extension("iaticonv.validate.layers._rule_native", ["src/iaticonv/validate/layers/_rule_native.pyx"],
                  include_dirs=lxml.get_include()),
        Extension("iaticonv.validate.layers._codelists_native", ["src/iaticonv/validate/layers/_codelists_native.pyx"],
                  include_dirs=lxml.get_include()),
        Extension("iaticonv.validate._locate_native", ["src/iaticonv/validate/_locate_native.pyx"],
                  include_dirs=lxml.get_include()),
    ]
    try:
        return list(cythonize(extensions, include_path=["src"], compiler_directives={"language_level": "3"},
                              quiet=True))
    except Exception as exc:  # noqa: BLE001
        print(f"iaticonv: compiled speed-up not built ({exc}); the Python path will be used", file=sys.stderr)
        return []


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
