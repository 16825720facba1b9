"""Serve a built site on 127.0.0.1 for as long as a block runs, as a real web host would.

The browser tests, the screenshots and Lighthouse all need the same thing: the built HTML over
HTTP on the loopback address only (never on a network interface), on a free port unless one is
asked for, stopped cleanly afterwards.

Python's ``http.server`` alone is not what readers meet: real hosts (GitHub Pages, Netlify, a
university web server) compress text and keep connections open, and Lighthouse's phone scores
through an uncompressed server were 25-30 points lower than through a compressing one (TECH-NOTES,
"Lighthouse and compression"). So this server speaks HTTP/1.1 with keep-alive, gzips HTML, CSS,
JavaScript, JSON and SVG for browsers that accept it, and lets the browser keep files whose
address carries Sphinx's version stamp (``?v=`` or ``?digest=``), as hosts do for static files.
Everything else is revalidated on each visit, so a rebuilt page is never served stale.
"""

from __future__ import annotations

import contextlib
import email.utils
import functools
import gzip
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

COMPRESSIBLE = {".html", ".css", ".js", ".json", ".svg", ".txt", ".xml", ".map", ".ipynb"}
VERSIONED = ("v=", "digest=")
MIN_COMPRESS_BYTES = 512


@functools.lru_cache(maxsize=512)
def compressed(path: str, mtime_ns: int, size: int) -> bytes:
    """The gzip form of a file, cached by its path, modification time and size."""
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files as a static host does: keep-alive, gzip, caching of versioned files."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib signature)
        return

    def send_head(self) -> Any:
        path = self.translate_path(self.path)
        if os.path.isdir(path) or Path(path).suffix.lower() not in COMPRESSIBLE:
            return super().send_head()
        if not os.path.isfile(path):
            return super().send_head()  # the usual 404
        stat = os.stat(path)
        modified = email.utils.formatdate(stat.st_mtime, usegmt=True)
        if self.headers.get("If-Modified-Since") == modified:
            self.send_response(http.HTTPStatus.NOT_MODIFIED)
            self.send_caching_headers(modified)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        gzipped = "gzip" in self.headers.get("Accept-Encoding", "")
        if gzipped and stat.st_size >= MIN_COMPRESS_BYTES:
            body = compressed(path, stat.st_mtime_ns, stat.st_size)
        else:
            gzipped = False
            body = Path(path).read_bytes()
        self.send_response(http.HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(path))
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_caching_headers(modified)
        self.end_headers()
        return _Body(body)

    def send_caching_headers(self, modified: str) -> None:
        query = urlsplit(self.path).query
        if any(query.startswith(stamp) or f"&{stamp}" in query for stamp in VERSIONED):
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
        else:
            self.send_header("Cache-Control", "no-cache")
        self.send_header("Last-Modified", modified)


class _Body:
    """A file-like body that ``SimpleHTTPRequestHandler.do_GET`` copies and closes."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int = -1) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        self.data = b""


class QuietServer(http.server.ThreadingHTTPServer):
    """A browser that closes a connection mid-file is normal; do not print a traceback for it."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        return


@contextlib.contextmanager
def serve_directory(directory: Path, port: int = 0) -> Iterator[str]:
    """Yield the base URL of `directory` served on 127.0.0.1 (port 0 picks a free port)."""
    handler = functools.partial(SiteHandler, directory=str(directory))
    server = QuietServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
