"""Which of the shared real IATI files are activity files, and of which version (read from the root)."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from conftest import EXAMPLE_ACTIVITY, real_files

__all__ = ["activity_files"]


def _root_of(path: Path) -> tuple[str, str | None]:
    for _event, element in etree.iterparse(str(path), events=("start",), resolve_entities=False, no_network=True):
        return str(element.tag), element.get("version")
    raise ValueError(path)


def activity_files(*versions: str | None, example: bool = True) -> list[Path]:
    """Activity files (official example first) whose root ``version`` is one of ``versions``."""
    found = [EXAMPLE_ACTIVITY] if example and "2.03" in versions else []
    for path in real_files():
        tag, version = _root_of(path)
        if tag == "iati-activities" and version in versions:
            found.append(path)
    return found
