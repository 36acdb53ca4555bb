"""What every command shares: error → exit-code mapping, JSON output, options declared once."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..errors import IaticonvError

__all__ = ["echo_json", "format_option", "run_main"]

F = TypeVar("F", bound=Callable[..., Any])

format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for scripts.",
)


def echo_json(data: Any) -> None:
    """Write ``data`` as indented JSON to stdout (the data channel)."""
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def run_main(group: click.Group, argv: list[str]) -> int:
    """Run ``group`` and turn every expected failure into a message on stderr and an exit code.

    0 success; 1 the data has errors; 2 usage; 3 environment. No traceback reaches the user for an
    error iaticonv raised on purpose; an unexpected one is reported as a bug with its type.
    """
    try:
        result = group.main(args=argv, prog_name="iaticonv", standalone_mode=False)
    except IaticonvError as exc:
        click.echo(f"iaticonv: {exc}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("iaticonv: aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show(file=sys.stderr)
        return 2 if isinstance(exc, click.UsageError) else exc.exit_code
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("iaticonv: interrupted", err=True)
        return 130
    except BrokenPipeError:
        return 0
    return int(result) if isinstance(result, int) else 0
