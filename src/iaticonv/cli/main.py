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

__all__ = ["COMMANDS", "cli", "main", "run"]

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


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="iaticonv")
def cli() -> None:
    """Convert aid-project records to and from IATI XML, validate IATI files, publish them."""


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI in-process and return its exit code (what tests call, without a subprocess)."""
    return run_main(cli, list(argv) if argv is not None else sys.argv[1:])


def main() -> Any:
    sys.exit(run())
