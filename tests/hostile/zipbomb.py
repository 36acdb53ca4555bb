"""An ``.xlsx`` zip bomb: a valid workbook whose shared-strings part inflates to hundreds of megabytes.

Compressed it is about a megabyte; a reader that loads the shared-string table whole (as spreadsheet
libraries do) would need gigabytes of Python strings. The part is streamed into the archive, so
building the file costs little memory either.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import Workbook

SST = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def xlsx_bomb(path: Path, strings: int = 2_000_000, length: int = 200) -> Path:
    base = path.with_suffix(".base.xlsx")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Project Number", "Title", "Status"])
    sheet.append(["P999000001", "Bomb", "Closed"])
    workbook.save(base)
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST}"/>'
                                    "</Types>".encode())
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", f'<Relationship Type="{SST_REL}" Target="sharedStrings.xml" '
                                    'Id="rId99"/></Relationships>'.encode())
            out.writestr(item, data)
        with out.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{strings}" '
                       f'uniqueCount="{strings}">'.encode())
            chunk = (b"<si><t>" + b"a" * length + b"</t></si>") * 10_000
            for _ in range(strings // 10_000):
                part.write(chunk)
            part.write(b"</sst>")
    base.unlink()
    return path
