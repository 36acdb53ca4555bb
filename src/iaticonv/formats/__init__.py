"""Formats: one module per external format, all found through the ``FORMATS`` table in ``base``."""

from .base import FORMATS, FormatInfo, Reader, ReadNote, Writer, detect_format, format_info, open_reader, open_writer

__all__ = [
    "FORMATS",
    "FormatInfo",
    "ReadNote",
    "Reader",
    "Writer",
    "detect_format",
    "format_info",
    "open_reader",
    "open_writer",
]
