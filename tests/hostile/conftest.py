"""Fixtures for hostile inputs: no network in-process, a trap server, a secret file attacks aim at."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from hostile.corpus import SECRET_MARKER, Attack


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Every outgoing connection from this process fails loudly, and the test fails afterwards."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> NoReturn:
        attempts.append(args[1:])
        raise OSError("network access is disabled in hostile-input tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    yield attempts
    assert not attempts, f"network access attempted: {attempts}"


class _Trap(http.server.BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self) -> None:
        self.hits.append(self.path)
        body = f"<!ENTITY leak '{SECRET_MARKER}'>{SECRET_MARKER}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture
def trap_server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that answers every request with the secret marker and records it."""
    hits: list[str] = []
    handler = type("Trap", (_Trap,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def attack(tmp_path: Path, trap_server: tuple[str, list[str]]) -> Attack:
    secret = tmp_path / "secret.txt"
    secret.write_text(f"<iati-identifier>{SECRET_MARKER}</iati-identifier>\n", encoding="utf-8")
    folder = tmp_path / "files"
    folder.mkdir()
    return Attack(folder, secret, trap_server[0])
