"""``iaticonv codelist list|show|find``: look codes up by code or by name."""

from __future__ import annotations

import click

from ..errors import InputError
from ..standard import Code, load_codelists
from .common import echo_json, format_option


def _code_json(code: Code) -> dict[str, object]:
    return {
        "codelist": code.codelist,
        "code": code.code,
        "name": code.name,
        "names": code.names,
        "status": code.status,
        "category": code.category,
        "withdrawal_date": code.withdrawal_date.isoformat() if code.withdrawal_date else None,
    }


@click.group()
def codelist() -> None:
    """Look up IATI codelists and codes."""


@codelist.command("list")
@format_option
def list_(output_format: str) -> int:
    """Every codelist with its number of codes."""
    lists = load_codelists()
    rows = [{"codelist": n, "codes": len(lists[n]), "title": lists[n].title} for n in lists.names()]
    if output_format == "json":
        echo_json(rows)
    else:
        for row in rows:
            click.echo(f"{row['codelist']:<36} {row['codes']:>5}  {row['title']}")
    return 0


@codelist.command()
@click.argument("name")
@click.argument("code", required=False)
@format_option
def show(name: str, code: str | None, output_format: str) -> int:
    """All codes of NAME, or one CODE of it."""
    lists = load_codelists()
    chosen = lists[name]
    if code is not None:
        item = chosen.get(code)
        if item is None:
            raise InputError(f"{code!r} is not a code of {chosen.name}", field=chosen.name,
                             hint=f"see: iaticonv codelist show {chosen.name}")
        items = [item]
    else:
        items = list(chosen)
    if output_format == "json":
        echo_json([_code_json(item) for item in items])
    else:
        for item in items:
            flag = f"  [withdrawn {item.withdrawal_date or ''}]".rstrip() if item.withdrawn else ""
            french = f"  / {item.names['fr']}" if "fr" in item.names else ""
            click.echo(f"{item.code:<8} {item.name}{french}{flag}")
    return 0


@codelist.command()
@click.argument("text")
@click.option("--in", "in_", metavar="CODELIST", help="Search only this codelist.")
@click.option("--limit", default=10, show_default=True)
@format_option
def find(text: str, in_: str | None, limit: int, output_format: str) -> int:
    """Codes whose name matches TEXT (any case, accents, punctuation), best first."""
    matches = load_codelists().find(text, in_=in_, limit=limit)
    if output_format == "json":
        echo_json([{**_code_json(m.code), "score": m.score, "matched": m.matched, "via": m.via} for m in matches])
        return 0 if matches else 1
    if not matches:
        click.echo(f"no code is named like {text!r}", err=True)
        return 1
    if matches[0].score < 1.0:
        click.echo(f"no exact match for {text!r}; did you mean:", err=True)
    for m in matches:
        click.echo(f"{m.code.codelist:<24} {m.code.code:<8} {m.code.name}  ({m.score:.2f}, {m.code.status})")
    return 0
