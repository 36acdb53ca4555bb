"""``iaticonv standard install|info|verify|publishers``: manage the local copy of the IATI Standard."""

from __future__ import annotations

import click

from .. import standard as std
from ..errors import StandardIntegrityError
from .common import echo_json, format_option


@click.group()
def standard() -> None:
    """Install, describe and verify the IATI Standard files iaticonv uses."""


@standard.command()
@click.option(
    "--from",
    "source",
    metavar="DIR_OR_URL",
    help="A local mirror or a base URL with the same layout (default: official upstream URLs; "
    "env IATICONV_STANDARD_SOURCE).",
)
def install(source: str | None) -> int:
    """Copy or download every file, checking each SHA-256 against the project's manifest."""
    result = std.install(source)
    click.echo(f"installed {result.files} files ({result.bytes:,} bytes) from {result.source}", err=True)
    click.echo(str(result.store))
    return 0


@standard.command()
@format_option
def info(output_format: str) -> int:
    """Version, install path, source commits, counts of files, codelists and codes."""
    from .._speedups import part_states

    data = std.installed_info()
    data["compiled_parts"] = [{"name": state.name, "purpose": state.purpose, "active": state.active,
                               "reason": state.reason} for state in part_states()]
    if output_format == "json":
        echo_json(data)
        return 0
    click.echo(f"IATI Standard {data['standard_version']} (versions {', '.join(data['versions'])})")
    click.echo(f"path:      {data['path']}")
    click.echo(f"source:    {data['source']}")
    click.echo(f"installed: {data['installed_at']}")
    click.echo(f"files:     {data['files']}   codelists: {data['codelists']}   codes: {data['codes']}")
    for component, pin in data["pins"].items():
        click.echo(f"  {component}: {pin if isinstance(pin, str) else ', '.join(f'{k} {v}' for k, v in pin.items())}")
    active = sum(1 for part in data["compiled_parts"] if part["active"])
    click.echo(f"compiled parts: {active} of {len(data['compiled_parts'])} active (iaticonv --version lists them)")
    return 0


@standard.command()
def verify() -> int:
    """Re-check every installed file against the manifest."""
    problems = std.verify()
    if problems:
        for line in problems:
            click.echo(line, err=True)
        raise StandardIntegrityError(f"{len(problems)} installed file(s) differ from the manifest",
                                     hint=f"reinstall: {std.INSTALL_HINT}")
    click.echo("all installed files match the manifest", err=True)
    return 0


@standard.command()
@click.option("--from", "source", metavar="FILE_OR_URL",
              help="A saved copy (the Bulk Data Service's reporting-orgs JSON, a JSON list, or one identifier "
                   "per line), or another URL (default: IATI's Bulk Data Service).")
def publishers(source: str | None) -> int:
    """Save the registered IATI publishers' identifiers, which validation grandfathers as the official
    validator does (1.14.8, 1.3.13 and the other identifier rules with an idCondition)."""
    from ..standard.publishers import save_publishers

    saved = save_publishers(source)
    click.echo(f"saved {saved.count:,} organisation identifiers from {saved.source}", err=True)
    click.echo(str(saved.path))
    return 0
