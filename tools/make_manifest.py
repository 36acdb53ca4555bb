"""Regenerate ``schemas/standard-manifest.json`` from a mirror of the IATI Standard files.

Run by a maintainer after a refresh of the pinned upstream commits (see the table below):
``python tools/make_manifest.py ../shared/iati-standard``. The manifest records, for every file the
store holds, its sha256 and the official URL at the pinned commit, so ``iaticonv standard install``
can fetch it from upstream and refuse any file whose bytes differ.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

RAW = "https://raw.githubusercontent.com"
EMBEDDED = {
    "ActivityDateType", "ActivityStatus", "BudgetStatus", "BudgetType", "DocumentCategory",
    "GazetteerAgency", "OrganisationRole", "RelatedActivityType", "TransactionType",
}
# (repository, commit) per component and version: the pins documented by the mirror's provenance notes.
SCHEMAS = {
    "2.01": ("IATI/IATI-Schemas", "b5870fdf6ce306bb7a435949cafc53e31d60f3df"),
    "2.02": ("IATI/IATI-Schemas", "28a581ada6efda0fdb3c6b211547b5e35ae91817"),
    "2.03": ("IATI/IATI-Schemas", "4c9ba1e84815f57a4ffab03fdbd551ae4c71d08c"),
}
CODELISTS = {
    "2.01": ("IATI/IATI-Codelists", "19cbacf01a844d4ecd81706ab8b2cd2602929457"),
    "2.02": ("IATI/IATI-Codelists", "703fb86e16dc6be213d7ea97b027b45a3b1379e2"),
    "2.03": ("IATI/IATI-Codelists", "75e827bacd29f77356cb43defbc0b655705432f3"),
}
NON_EMBEDDED = ("IATI/IATI-Codelists-NonEmbedded", "7aeece773c60afa0265eb95e988d5e61e96d8482")
RULESETS = {
    "2.01": ("IATI/IATI-Rulesets", "fe290290797ca519b45a6eecfb16c6d9198dd073"),
    "2.02": ("IATI/IATI-Rulesets", "8c00028c5e1f0dfc716916d204a3980633a5e5f7"),
    "2.03": ("IATI/IATI-Rulesets", "a88f835ba9a85eefb1384484eb20df10a007a31a"),
}
RULE_MAPPING = {
    "2.01": ("IATI/IATI-Validator-Codelists", "a4d4af94f102f2434e01b29818c97c0bebfcff43"),
    "2.02": ("IATI/IATI-Validator-Codelists", "10ec7c629b403e4b583dc3903e1e5dd67995825c"),
    "2.03": ("IATI/IATI-Validator-Codelists", "8a174160223278fad1233028b5eb043207c164a2"),
}
JS_VALIDATOR = ("IATI/js-validator-api", "4b244f722d621b0e5f88176b4166f0f50135adf9")
EXTRA_DOCS = ("IATI/IATI-Extra-Documentation", "3ac59c77809ccc867dc47c88b487716a2c112378")
GUIDANCE = ("IATI/IATI-Guidance", "c29746d079335eba5bce7bed4b1e7eaba47461a3")
ORG_ID = ("org-id/register", "f500b45f6c2a6f8b7c54eddbfb7628e73e3f01c7")


def raw(pin: tuple[str, str], path: str) -> str:
    return f"{RAW}/{pin[0]}/{pin[1]}/{path}"


def upstream(store_path: str) -> dict[str, str]:
    """Where a store file comes from: its URL at the pinned commit, or how it is derived."""
    parts = store_path.split("/")
    name = parts[-1]
    if name == "LICENSE-IATI-Guidance.txt":
        return {"url": raw(GUIDANCE, "en/license.rst")}
    licences = {
        "LICENSE-IATI-Schemas.txt": raw(SCHEMAS["2.03"], "LICENSE"),
        "LICENSE-IATI-Codelists.txt": raw(CODELISTS["2.03"], "LICENSE"),
        "LICENSE-IATI-Codelists-NonEmbedded.txt": raw(NON_EMBEDDED, "LICENSE"),
        "LICENSE-IATI-Rulesets.txt": raw(RULESETS["2.03"], "LICENSE"),
        "LICENSE-IATI-Extra-Documentation.txt": raw(EXTRA_DOCS, "LICENSE"),
        "LICENSE-js-validator-api.txt": raw(JS_VALIDATOR, "LICENSE"),
        "LICENSE-IATI-Validator-Codelists.txt": raw(RULE_MAPPING["2.03"], "LICENSE"),
        "LICENSE-org-id-register.txt": raw(ORG_ID, "LICENSE"),
    }
    if name in licences:
        return {"url": licences[name]}
    top = parts[0]
    if top == "schemas":
        version = parts[1]
        if name == "codelist.xsd":
            return {"url": raw(CODELISTS[version], "codelist.xsd")}
        return {"url": raw(SCHEMAS[version], name)}
    if top == "codelists":
        version = parts[1]
        if name == "mapping.xml":
            return {"url": raw(CODELISTS[version], "mapping.xml")}
        stem = name.removesuffix(".xml")
        pin = CODELISTS[version] if stem in EMBEDDED else NON_EMBEDDED
        return {"url": raw(pin, f"xml/{name}")}
    if top == "rulesets":
        version = parts[1]
        repo_path = {"standard.json": "rulesets/standard.json", "schema.json": "rulesets/schema.json"}
        return {"url": raw(RULESETS[version], repo_path.get(name, name))}
    if top == "validator":
        if name == "rule_mapping.xml":
            return {"url": raw(RULE_MAPPING[parts[1]], "rule_mapping.xml")}
        if name == "advisoryDefinitions.json":
            return {"url": raw(JS_VALIDATOR, f"advisory-definitions/advisoryDefinitions-{parts[1]}.json")}
        return {"url": raw(JS_VALIDATOR, f"docs/{name}")}
    if top == "examples":
        folder = "activity-standard" if name.startswith("activity") else "organisation-standard"
        return {"url": raw(EXTRA_DOCS, f"en/{folder}/{name}")}
    if top == "org-id" and name == "org-id-lists.json":
        return {
            "derived": "org-id-lists",
            "derived_from": f"https://api.github.com/repos/{ORG_ID[0]}/contents/lists?ref={ORG_ID[1]}",
            "how": (
                "one entry {code, confirmed} per file lists/*.json of org-id/register at the pinned commit, "
                "sorted by code, serialised as {\"lists\": [...]} with json.dumps defaults and no newline"
            ),
        }
    raise SystemExit(f"no upstream known for {store_path}")


def main(mirror: Path) -> None:
    files = sorted(
        p for p in mirror.rglob("*")
        if p.is_file() and "schema-tests" not in p.parts and p.name not in {"SHA256SUMS", "PROVENANCE.md"}
    )
    entries = []
    for path in files:
        rel = path.relative_to(mirror).as_posix()
        entries.append({"path": rel, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), **upstream(rel)})
    manifest = {
        "standard": "IATI Standard",
        "versions": ["2.01", "2.02", "2.03"],
        "pins": {
            "schemas": {v: c for v, (_, c) in SCHEMAS.items()},
            "codelists-embedded": {v: c for v, (_, c) in CODELISTS.items()},
            "codelists-non-embedded": NON_EMBEDDED[1],
            "rulesets": {v: c for v, (_, c) in RULESETS.items()},
            "validator-codelists": {v: c for v, (_, c) in RULE_MAPPING.items()},
            "js-validator-api": JS_VALIDATOR[1],
            "extra-documentation": EXTRA_DOCS[1],
            "org-id-register": ORG_ID[1],
            "iati-guidance": GUIDANCE[1],
        },
        "licence": "IATI Standard data: CC BY 4.0, attribute 'IATI Standard (http://iatistandard.org/)'; "
        "org-id register: ODbL. Not redistributed by iaticonv: installed from the sources above.",
        "files": entries,
    }
    out = Path(__file__).resolve().parent.parent / "schemas" / "standard-manifest.json"
    out.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    print(f"{len(entries)} files -> {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/iati-standard"))
