"""``python -m hostile.launch ARGS``: the iaticonv CLI with every outgoing connection refused.

Python-level sockets raise (and say so on stderr, which the tests check for); libxml2's own network
code is off through the parser options, and the tests prove it with a local server that must never
see a request.
"""

from __future__ import annotations

import socket
import sys
from typing import Any, NoReturn

from iaticonv.cli.main import run

NETWORK_ATTEMPT = "hostile.launch: network access attempted"


def _refuse(*args: Any, **kwargs: Any) -> NoReturn:
    print(f"{NETWORK_ATTEMPT}: {args[1:]!r}", file=sys.stderr)
    raise OSError("network access is disabled in hostile-input tests")


def block_network() -> None:
    socket.socket.connect = _refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = _refuse  # type: ignore[method-assign]
    socket.create_connection = _refuse
    socket.getaddrinfo = _refuse


if __name__ == "__main__":
    block_network()
    sys.exit(run(sys.argv[1:]))
