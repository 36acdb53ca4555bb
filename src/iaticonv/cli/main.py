"""Entry point: the ``iaticonv`` group, whose subcommands are imported only when used.

Each command lives in its own module and is listed in ``COMMANDS``; lazy loading keeps
``iaticonv --help`` and ``iaticonv codelist find`` quick because they never import lxml-heavy
validation or the HTTP client.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Any

import click

from .common import run_main

__all__ = ["COMMANDS", "cli", "main", "run", "version_text"]

# command name → "module:attribute" (module relative to iaticonv.cli)
COMMANDS: dict[str, str] = {
    "standard": "standard_cmd:standard",
    "codelist": "codelist_cmd:codelist",
    "convert": "convert_cmd:convert",
    "upgrade": "convert_cmd:upgrade",
    "validate": "validate_cmd:validate",
    "merge": "merge_cmd:merge",
    "rules": "validate_cmd:rules",
    "publish": "publish_cmd:publish",
    "registry": "publish_cmd:registry",
}


class LazyGroup(click.Group):
    """A click group that imports a subcommand's module the first time the subcommand is needed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        available = [name for name in COMMANDS if self._load(name) is not None]
        return sorted(set(available) | set(super().list_commands(ctx)))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name) or super().get_command(ctx, cmd_name)

    @staticmethod
    def _load(name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        try:
            module = importlib.import_module(f"iaticonv.cli.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"iaticonv.cli.{module_name}":
                return None  # a command whose module is not part of this build
            raise
        command: click.Command = getattr(module, attribute)
        return command


def version_text() -> str:
    """What ``--version`` prints: iaticonv's version, the libraries the compiled parts depend on, and the
    state of each compiled part (active, or off and why)."""
    from lxml import etree

    from .. import __version__
    from .._speedups import part_states

    libxml2 = ".".join(map(str, etree.LIBXML_VERSION))
    lines = [f"iaticonv {__version__} (Python {sys.version.split()[0]}, lxml {etree.__version__}, libxml2 {libxml2})",
             "compiled parts:"]
    states = part_states()
    width = max(len(state.name) for state in states)
    lines += [f"  {state.name:<{width}}  {state.describe()}" for state in states]
    return "\n".join(lines)


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(version_text())
        ctx.exit(0)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version and the state of each compiled part, and exit.")
def cli() -> None:
    """Convert aid-project records to and from IATI XML, validate IATI files, publish them."""


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI in-process and return its exit code (what tests call, without a subprocess)."""
    return run_main(cli, list(argv) if argv is not None else sys.argv[1:])


def main() -> Any:
    sys.exit(run())
