"""Hostile and broken XML files, generated at test time (nothing multi-megabyte is committed).

Each builder writes one file into a folder and returns its path. Attack files point their external
references at ``secret`` (a local file whose content must never show up anywhere) and at ``url`` (a
local trap server that must never see a request).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from conftest import REAL_IATI

SECRET_MARKER = "HOSTILE-SECRET-3f9a1c"
FCDO = REAL_IATI / "fcdo-activity.xml"  # 9 KB, one activity, valid 2.03
BEIS = REAL_IATI / "beis-activity.xml"  # 267 KB, nine activities

# a minimal activity that is schema-valid apart from what each case breaks
ACTIVITY = """<iati-activity last-updated-datetime="2024-01-01T00:00:00Z" xml:lang="en" default-currency="GBP">
  <iati-identifier>GB-GOV-1-HOSTILE</iati-identifier>
  <reporting-org ref="GB-GOV-1" type="10"><narrative>Hostile tests</narrative></reporting-org>
  <title><narrative>{title}</narrative></title>
  <description><narrative>A record built by the hostile-input tests.</narrative></description>
  <participating-org role="1" ref="GB-GOV-1" type="10"><narrative>Hostile tests</narrative></participating-org>
  <activity-status code="2"/>
  <activity-date type="2" iso-date="{date}"/>
  <recipient-country code="KE"/>
  <sector code="11110" vocabulary="1"/>
  {extra}
</iati-activity>"""


def activity(title: str = "Title", *, date: str = "2020-01-01", extra: str = "") -> str:
    return ACTIVITY.format(title=title, date=date, extra=extra)


def document(body: str, *, prolog: str = "", root_attrs: str = ' version="2.03"') -> str:
    declaration = '<?xml version="1.0" encoding="UTF-8"?>\n'
    return f"{declaration}{prolog}<iati-activities{root_attrs}>\n{body}\n</iati-activities>\n"


@dataclass(frozen=True)
class Attack:
    """Where an attack file may reach: a local file holding the marker, and a URL on the trap server."""

    folder: Path
    secret: Path
    url: str


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- XML attacks -------------------------------------------------------------------------------------


def billion_laughs(a: Attack) -> Path:
    """Ten levels of ten references: 10^9 copies of "lol" if expanded."""
    decls = ['<!ENTITY lol0 "lol">']
    decls += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    prolog = "<!DOCTYPE iati-activities [\n " + "\n ".join(decls) + "\n]>\n"
    return _write(a.folder / "billion-laughs.xml", document(activity("&lol9;"), prolog=prolog))


def quadratic_blowup(a: Attack) -> Path:
    """One 50,000-character entity referenced 50,000 times: 2.5 GB if expanded, no nesting to detect."""
    prolog = f'<!DOCTYPE iati-activities [<!ENTITY a "{"a" * 50_000}">]>\n'
    return _write(a.folder / "quadratic-blowup.xml", document(activity("&a;" * 50_000), prolog=prolog))


def external_entity_file(a: Attack) -> Path:
    prolog = f'<!DOCTYPE iati-activities [<!ENTITY xxe SYSTEM "{a.secret.as_uri()}">]>\n'
    return _write(a.folder / "xxe-file.xml", document(activity("&xxe;"), prolog=prolog))


def external_entity_http(a: Attack) -> Path:
    prolog = f'<!DOCTYPE iati-activities [<!ENTITY xxe SYSTEM "{a.url}/entity">]>\n'
    return _write(a.folder / "xxe-http.xml", document(activity("&xxe;"), prolog=prolog))


def parameter_entity(a: Attack) -> Path:
    """A parameter entity pulled in from the internal subset (the classic out-of-band XXE)."""
    prolog = (f'<!DOCTYPE iati-activities [<!ENTITY % remote SYSTEM "{a.url}/param.dtd"> %remote;'
              f'<!ENTITY % local SYSTEM "{a.secret.as_uri()}"> %local;]>\n')
    return _write(a.folder / "parameter-entity.xml", document(activity(), prolog=prolog))


def external_dtd(a: Attack) -> Path:
    prolog = f'<!DOCTYPE iati-activities SYSTEM "{a.url}/iati.dtd">\n'
    return _write(a.folder / "external-dtd.xml", document(activity(), prolog=prolog))


def external_dtd_file(a: Attack) -> Path:
    prolog = f'<!DOCTYPE iati-activities PUBLIC "-//HOSTILE//EN" "{a.secret.as_uri()}">\n'
    return _write(a.folder / "external-dtd-file.xml", document(activity(), prolog=prolog))


def xinclude(a: Attack) -> Path:
    """XInclude elements are ordinary foreign elements to iaticonv: kept verbatim, never followed."""
    extra = (f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{a.secret.as_uri()}" parse="text"/>'
             f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{a.url}/include.xml"/>')
    return _write(a.folder / "xinclude.xml", document(activity(extra=extra)))


def deep_nesting(a: Attack, depth: int = 100_000) -> Path:
    path = a.folder / "deep-nesting.xml"
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0"?>\n<iati-activities version="2.03"><iati-activity>')
        out.write("<iati-identifier>GB-GOV-1-DEEP</iati-identifier>")
        out.write("<x>" * depth + "</x>" * depth)
        out.write("</iati-activity></iati-activities>\n")
    return path


def huge_text_node(a: Attack, megabytes: int = 200) -> Path:
    """A 200 MB narrative, written in 1 MB chunks."""
    path = a.folder / "huge-text.xml"
    head, tail = document(activity("@@@")).split("@@@")
    chunk = ("All work and no play makes a big narrative. " * 23_832)[: 1024 * 1024]
    with path.open("w", encoding="utf-8") as out:
        out.write(head)
        for _ in range(megabytes):
            out.write(chunk)
        out.write(tail)
    return path


ATTACKS: dict[str, Callable[[Attack], Path]] = {
    "billion-laughs": billion_laughs,
    "quadratic-blowup": quadratic_blowup,
    "external-entity-file": external_entity_file,
    "external-entity-http": external_entity_http,
    "parameter-entity": parameter_entity,
    "external-dtd-http": external_dtd,
    "external-dtd-file": external_dtd_file,
    "xinclude": xinclude,
    "deep-nesting": deep_nesting,
    "huge-text-node": huge_text_node,
}

# --- broken XML ----------------------------------------------------------------------------------------


def empty(folder: Path) -> Path:
    path = folder / "empty.xml"
    path.write_bytes(b"")
    return path


def truncated(folder: Path) -> Path:
    """The real BEIS file cut in the middle of its fifth activity."""
    data = BEIS.read_bytes()
    path = folder / "truncated.xml"
    path.write_bytes(data[: data.index(b"<iati-activity ", len(data) // 2) + 2000])
    return path


def binary_garbage(folder: Path) -> Path:
    path = folder / "garbage.xml"
    path.write_bytes(random.Random(9).randbytes(64 * 1024))
    return path


def invalid_utf8(folder: Path) -> Path:
    """A Latin-1 byte (é = 0xE9) in a file that declares UTF-8, on a known line."""
    text = document(activity("Caf@"))
    path = folder / "invalid-utf8.xml"
    path.write_bytes(text.encode("utf-8").replace(b"@", b"\xe9"))
    return path


def utf16_bom(folder: Path) -> Path:
    """The real FCDO file saved as UTF-16 with a byte-order mark (a valid XML encoding)."""
    text = FCDO.read_text(encoding="utf-8")
    text = text.replace('encoding="UTF-8"', 'encoding="UTF-16"').replace("encoding='UTF-8'", "encoding='UTF-16'")
    path = folder / "utf16.xml"
    path.write_bytes(text.encode("utf-16"))  # Python's utf-16 codec writes the BOM
    return path


def utf8_bom(folder: Path) -> Path:
    path = folder / "utf8-bom.xml"
    path.write_bytes(b"\xef\xbb\xbf" + FCDO.read_bytes())
    return path


def non_iati_root(folder: Path) -> Path:
    return _write(folder / "html.xml", "<html><body><p>Not an IATI file</p></body></html>\n")


def namespaced_root(folder: Path) -> Path:
    """Everything in a default namespace: the root is no longer IATI's un-namespaced ``iati-activities``."""
    text = FCDO.read_text(encoding="utf-8").replace("<iati-activities ", '<iati-activities xmlns="urn:not-iati" ', 1)
    return _write(folder / "namespaced-root.xml", text)


def namespaced_activity(folder: Path) -> Path:
    """A correct root whose activity sits in a foreign namespace: it must not vanish silently."""
    body = activity().replace("<iati-activity ", '<x:iati-activity xmlns:x="urn:elsewhere" ', 1)
    body = body.replace("</iati-activity>", "</x:iati-activity>")
    return _write(folder / "namespaced-activity.xml", document(body))


def version_missing(folder: Path) -> Path:
    return _write(folder / "version-missing.xml", document(activity(), root_attrs=""))


def version_on_activity(folder: Path) -> Path:
    """As some real exports do: ``version`` on each activity, none on the root."""
    body = activity().replace("<iati-activity ", '<iati-activity version="2.03" ', 1)
    return _write(folder / "version-on-activity.xml", document(body, root_attrs=""))


def wrong_types(folder: Path) -> Path:
    """Text where a number and a date belong, in a budget."""
    budget = ('<budget type="1" status="1"><period-start iso-date="2020-01-01"/>'
              '<period-end iso-date="the end of March"/><value value-date="2020-01-01">about a million</value>'
              "</budget>")
    return _write(folder / "wrong-types.xml", document(activity(date="yesterday", extra=budget)))


BROKEN: dict[str, Callable[[Path], Path]] = {
    "empty": empty,
    "truncated": truncated,
    "binary-garbage": binary_garbage,
    "invalid-utf8": invalid_utf8,
    "utf16-bom": utf16_bom,
    "utf8-bom": utf8_bom,
    "non-iati-root": non_iati_root,
    "namespaced-root": namespaced_root,
    "namespaced-activity": namespaced_activity,
    "version-missing": version_missing,
    "version-on-activity": version_on_activity,
    "wrong-types": wrong_types,
}
