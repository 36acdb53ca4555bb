"""What every command shares: error → exit-code mapping, JSON output, options declared once."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..errors import IaticonvError

__all__ = ["BUG_EXIT", "DEBUG_ENV", "echo_json", "format_option", "run_main"]

#: exit code of an unexpected exception (a bug in iaticonv, not in the data): BSD's EX_SOFTWARE
BUG_EXIT = 70
#: set to 1 to get the traceback of an unexpected exception instead of the one-line report
DEBUG_ENV = "IATICONV_DEBUG"

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
    """Run ``group`` and turn every failure into a message on stderr and an exit code.

    0 success; 1 the data has errors; 2 usage; 3 environment. No traceback ever reaches the user:
    an error iaticonv raised on purpose prints its message (with file, line and hint); an operating
    system error (disk full, permission denied) prints its file and reason; anything else is a bug in
    iaticonv, reported as one on a single line with exit code ``BUG_EXIT`` (70) so scripts and tests
    can tell it apart from bad data. ``IATICONV_DEBUG=1`` re-raises it to show the traceback.
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
    except OSError as exc:
        if os.environ.get(DEBUG_ENV):
            raise
        click.echo(f"iaticonv: {_os_error(exc)}", err=True)
        return 1
    except MemoryError:
        click.echo("iaticonv: out of memory (is one of the inputs far larger than expected?)", err=True)
        return 1
    except Exception as exc:
        if os.environ.get(DEBUG_ENV):
            raise
        click.echo(f"iaticonv: internal error, a bug in iaticonv: {type(exc).__name__}: {_short(exc)}\n"
                   f"  hint: please report it with the command line; {DEBUG_ENV}=1 shows the traceback",
                   err=True)
        return BUG_EXIT
    return int(result) if isinstance(result, int) else 0


def _os_error(exc: OSError) -> str:
    """``file: reason`` for an operating-system error (the parts Python keeps apart)."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    name = exc.filename if exc.filename is not None else None
    return f"{name}: {reason}" if name is not None else reason


def _short(exc: BaseException, limit: int = 300) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
