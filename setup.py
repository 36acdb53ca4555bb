"""Build hook for the optional compiled parts of iaticonv (everything else is in pyproject.toml).

The parts are listed once, in ``src/iaticonv/_native_parts.py``; each is the Cython module of that
name. When Cython or a C compiler is missing, or a build fails, the package installs without it and
the same Python code runs (slower, same output). Beside each built module goes a small JSON file
naming the lxml and libxml2 it was compiled against, which the loader (``iaticonv._speedups``) reads
*before* importing the module: a module built for another lxml is never imported.

``schemas/`` (manifests, crosswalks, generated JSON Schemas) is installed as the package
``iaticonv._schemas``, so an installed wheel and a checkout read the same files.
"""

from __future__ import annotations

import json
import runpy
import shutil
import sys
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
PARTS = runpy.run_path(str(HERE / "src" / "iaticonv" / "_native_parts.py"))


def _say(reason: object) -> None:
    print(f"iaticonv: compiled speed-up not built ({reason}); the Python path will be used", file=sys.stderr)


class OptionalBuildExt(build_ext):
    """Build each extension if possible (otherwise say why on stderr and install without it), and write
    its build information beside it."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # any build failure means "no extension", not "no install"
            _say(exc)

    def build_extension(self, ext: object) -> None:
        try:
            super().build_extension(ext)  # type: ignore[arg-type]
        except Exception as exc:
            _say(exc)
            return
        self._write_build_info(ext)

    def _write_build_info(self, ext: object) -> None:
        from lxml import etree

        name: str = ext.name  # type: ignore[attr-defined]
        source = Path(ext.sources[0]).read_text(encoding="utf-8")  # type: ignore[attr-defined]
        reads_lxml = "lxml.includes" in source
        info = {
            "module": name,
            "lxml": etree.__version__ if reads_lxml else None,
            "libxml2": ".".join(map(str, etree.LIBXML_COMPILED_VERSION)) if reads_lxml else None,
            "python": sys.implementation.cache_tag,
        }
        self._info_path(self._built_folder(name), name).write_text(
            json.dumps(info, indent=1) + "\n", encoding="utf-8")

    def copy_extensions_to_source(self) -> None:
        """An editable install copies the built modules into the source tree: their information too."""
        super().copy_extensions_to_source()
        build_py = self.get_finalized_command("build_py")
        for ext in self.extensions:
            built = self._info_path(self._built_folder(ext.name), ext.name)
            if built.exists():
                package_dir = Path(build_py.get_package_dir(ext.name.rpartition(".")[0]))
                shutil.copyfile(built, self._info_path(package_dir, ext.name))

    def _built_folder(self, name: str) -> Path:
        return Path(self.build_lib, *name.split(".")[:-1])

    @staticmethod
    def _info_path(folder: Path, name: str) -> Path:
        return folder / (name.rsplit(".", 1)[-1] + PARTS["BUILD_INFO_SUFFIX"])


def _extensions() -> list[object]:
    try:
        import lxml
        from Cython.Build import cythonize
        from setuptools import Extension
    except ImportError as exc:
        _say(exc)
        return []
    extensions = []
    for name in PARTS["NATIVE_PARTS"]:
        source = Path("src", "iaticonv", *name.split(".")).with_suffix(".pyx")
        if source.exists():
            extensions.append(Extension(f"iaticonv.{name}", [str(source)], include_dirs=lxml.get_include()))
    try:
        return list(cythonize(extensions, include_path=["src"], compiler_directives={"language_level": "3"},
                              quiet=True))
    except Exception as exc:
        _say(exc)
        return []


setup(
    # the data folders are packages too, so that setuptools installs them as what they are
    packages=[*find_packages("src"), "iaticonv.templates", "iaticonv._schemas", "iaticonv._schemas.crosswalk"],
    package_dir={"": "src", "iaticonv._schemas": "schemas"},
    ext_modules=_extensions(),
    cmdclass={"build_ext": OptionalBuildExt},
)
