"""Build hook for the optional compiled part of iaticonv (everything else is in pyproject.toml).

``iaticonv.formats._xml_record_native`` speeds up IATI XML → JSON/YAML by walking libxml2's nodes
through lxml's C API. It is optional: when Cython or a C compiler is missing, or the build fails,
the package installs without it and the same mapping runs in Python (slower, same output).
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
    extension = Extension("iaticonv.formats._xml_record_native", ["src/iaticonv/formats/_xml_record_native.pyx"],
                          include_dirs=lxml.get_include())
    try:
        return list(cythonize([extension], compiler_directives={"language_level": "3"}, quiet=True))
    except Exception as exc:  # noqa: BLE001
        print(f"iaticonv: compiled speed-up not built ({exc}); the Python path will be used", file=sys.stderr)
        return []


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
