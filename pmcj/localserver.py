"""Serve a built site on 127.0.0.1 for as long as a block runs.

The live preview, the browser tests, the screenshots and Lighthouse all need the same thing: the
built HTML over HTTP on the loopback address only (never on a network interface), on a free port
unless one is asked for, stopped cleanly afterwards.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files without printing a log line per request."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib signature)
        return


@contextlib.contextmanager
def serve_directory(directory: Path, port: int = 0, quiet: bool = True) -> Iterator[str]:
    """Yield the base URL of `directory` served on 127.0.0.1 (port 0 picks a free port)."""
    handler_class = QuietHandler if quiet else http.server.SimpleHTTPRequestHandler
    handler = functools.partial(handler_class, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
