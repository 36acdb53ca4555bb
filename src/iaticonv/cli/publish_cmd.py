"""``iaticonv publish`` and ``iaticonv registry datasets|licences|status``: thin click wrappers.

All the work is in ``iaticonv.publish``; these functions parse options, call it, and print. The token
is read from ``--token-file`` or ``IATI_REGISTRY_TOKEN`` only (never an option value, which would end
up in shell history and ``ps``), and nothing here ever prints it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import httpx

from .. import publish as lib
from .common import echo_json, format_option

registry_option = click.option(
    "--registry", default=lib.DEFAULT_REGISTRY, show_default=True, envvar="IATICONV_REGISTRY", metavar="URL",
    help="Register Your Data API base URL (staging: https://dev.api.registeryourdata.iatistandard.org/api/v1).")
token_option = click.option(
    "--token-file", type=click.Path(path_type=Path, dir_okay=False), default=None,
    help="File holding the IATI Account access token (default: env IATI_REGISTRY_TOKEN).")
timeout_option = click.option(
    "--timeout", type=click.FloatRange(min=0.01), default=60.0, show_default=True, metavar="SECONDS",
    help="Read timeout per request (connect timeout is at most 10 s).")


def _timeout(seconds: float) -> httpx.Timeout:
    return httpx.Timeout(seconds, connect=min(10.0, seconds))


@click.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--url", required=True, help="Public URL where FILE is served.")
@click.option("--org", required=True, metavar="ORG_UUID", help="Reporting organisation UUID (IATI Account).")
@click.option("--short-name", help="Dataset short name [default: <publisher>-activities | <publisher>-org].")
@click.option("--title", help="Human-readable dataset name [default: from reporting-org].")
@click.option("--licence", help=f"Licence id (see 'registry licences') [default: {lib.payload.DEFAULT_LICENCE}].")
@click.option("--visibility", type=click.Choice(["public", "private"]), help="[default: public]")
@click.option("--source-type", type=click.Choice(["primary_source", "secondary_source"]))
@registry_option
@token_option
@timeout_option
@click.option("--dry-run", is_flag=True, help="Validate and print the payload; send nothing.")
@click.option("--force", is_flag=True, help="Publish even if validation finds critical or error findings.")
@click.option("--check-url", is_flag=True, help="Check that --url serves exactly the bytes of FILE.")
@format_option
def publish(file: Path, url: str, org: str, short_name: str | None, title: str | None, licence: str | None,
            visibility: str | None, source_type: str | None, registry: str, token_file: Path | None,
            timeout: float, dry_run: bool, force: bool, check_url: bool, output_format: str) -> int:
    """Validate FILE, then create or update its dataset in the IATI registry (idempotent)."""
    request = lib.PublishRequest(file=file, url=url, org=org, short_name=short_name, title=title,
                                 licence=licence, visibility=visibility, source_type=source_type,
                                 registry=registry, dry_run=dry_run, force=force, check_url=check_url)
    token = None if dry_run else lib.load_token(token_file)
    try:
        result = lib.publish(request, token=token, timeout=_timeout(timeout))
    except lib.PublishRefused as refused:
        if output_format == "json":
            echo_json(refused.to_dict())
        raise
    counts = ", ".join(f"{name} {count}" for name, count in result.validation.items())
    click.echo(f"validation: {counts} (report: {result.report})", err=True)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if result.forced:
        click.echo(f"published despite blocking validation findings (--force); report: {result.report}", err=True)
    if dry_run:
        if output_format == "json":
            echo_json(result.payload)
        else:
            click.echo("\n".join(f"{key}: {value}" for key, value in result.payload.items()))
        click.echo("dry run: nothing sent to the registry", err=True)
        return 0
    if output_format == "json":
        echo_json(result.to_dict())
    else:
        click.echo(f"{result.action} {result.payload['short_name']} {result.dataset_id}")
        if result.sent and result.action == "updated":
            click.echo(f"changed: {', '.join(sorted(result.sent))}", err=True)
    return 0


@click.group()
def registry() -> None:
    """Look at the registry: your datasets, the licences, what you published from here."""


@registry.command()
@click.option("--org", required=True, metavar="ORG_UUID", help="Reporting organisation UUID.")
@registry_option
@token_option
@timeout_option
@format_option
def datasets(org: str, registry: str, token_file: Path | None, timeout: float, output_format: str) -> int:
    """List the datasets of an organisation."""
    with lib.RegistryClient(registry, lib.load_token(token_file), timeout=_timeout(timeout)) as client:
        items = client.list_datasets(org)
    if output_format == "json":
        echo_json(items)
        return 0
    for item in items:
        meta: dict[str, Any] = item.get("metadata") or {}
        click.echo(f"{meta.get('short_name', '?'):30} {item.get('id')}  {meta.get('visibility', '?'):7} "
                   f"{meta.get('url', '')}")
    click.echo(f"{len(items)} dataset(s)", err=True)
    return 0


@registry.command()
@registry_option
@timeout_option
@format_option
def licences(registry: str, timeout: float, output_format: str) -> int:
    """List the licence ids the registry accepts (no token needed)."""
    with lib.RegistryClient(registry, None, timeout=_timeout(timeout)) as client:
        items = client.licences()
    if output_format == "json":
        echo_json(items)
        return 0
    for item in items:
        click.echo(f"{item.get('id', '?'):20} {item.get('status', ''):10} {item.get('short_label', '')}")
    return 0


@registry.command()
@format_option
def status(output_format: str) -> int:
    """Each file published from this machine, and whether it changed since it was published."""
    rows = [{**record.to_dict(), "state": lib.file_state(record)} for record in lib.latest_records()]
    if output_format == "json":
        echo_json(rows)
        return 0
    for row in rows:
        click.echo(f"{row['state']:9} {row['short_name']:30} {row['file']}  (published {row['published_at']}, "
                   f"{row['action']}, {row['url']})")
    if not rows:
        click.echo("nothing published from this machine yet", err=True)
    return 0
