"""A real HTTP server on 127.0.0.1 that speaks whatever a test scripts.

Each test queues answers per (method, path); the server records every request
it receives (headers, raw body) so tests can assert what the client sent.
Slow answers wait on an event that teardown sets, so no test sleeps long.
"""

from __future__ import annotations

import email.parser
import email.policy
import io
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Union

from PIL import Image, ImageDraw

# Fake keys: distinctive, so a leak is found by plain substring search.
STABILITY_KEY = "sk-TESTstabilityKEY-7f3a9c"
MODELSLAB_KEY = "ml-TESTmodelslabKEY-41b2e8"

STABILITY_PATH = "/v2beta/stable-image/generate/core"
ML_PATH = "/api/v6/realtime/text2img"
ML_FETCH = "/api/v6/realtime/fetch/"
SD_PATH = "/sdapi/v1/txt2img"


def png_bytes(size: int = 64, color: tuple[int, int, int] = (40, 160, 90)) -> bytes:
    """A real, small PNG: a coloured disc on transparency."""
    im = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    ImageDraw.Draw(im).ellipse((4, 4, size - 4, size - 4), fill=color + (255,))
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    return buf.getvalue()


@dataclass
class Answer:
    status: int = 200
    body: Any = b""                 # bytes, str, or a dict/list sent as JSON
    content_type: str | None = None  # default: JSON for dict/list, else octet-stream
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0            # wait before answering (cut short at teardown)
    send_length: bool = True        # False: no Content-Length, body ends at close
    trickle_s: float = 0.0          # pause between 1 KB pieces of the body

    def encoded(self) -> tuple[bytes, str]:
        if isinstance(self.body, (dict, list)):
            return json.dumps(self.body).encode(), self.content_type or "application/json"
        if isinstance(self.body, str):
            return self.body.encode(), self.content_type or "text/plain; charset=utf-8"
        return bytes(self.body), self.content_type or "application/octet-stream"


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    at: float = field(default_factory=time.monotonic)

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        """Decode a multipart/form-data body into {name: value}."""
        head = f"Content-Type: {self.headers['content-type']}\r\n\r\n".encode()
        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + self.body)
        assert msg.is_multipart(), "body is not multipart"
        out = {}
        for part in msg.iter_parts():
            name = part.get_param("name", header="content-disposition")
            out[name] = part.get_payload(decode=True).decode()
        return out


Responder = Union[Answer, Callable[[Seen], Answer]]


class FakeServer:
    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self._routes: dict[tuple[str, str], list[Responder]] = {}
        self._lock = threading.Lock()
        self.release = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._handle()

            def do_POST(self) -> None:
                self._handle()

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                seen = Seen(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                answer = fake._answer(seen)
                if answer.delay_s:
                    fake.release.wait(answer.delay_s)
                data, ctype = answer.encoded()
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", ctype)
                    if answer.send_length:
                        self.send_header("Content-Length", str(len(data)))
                    for k, v in answer.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    if not answer.trickle_s:
                        self.wfile.write(data)
                    for i in range(0, len(data), 1024) if answer.trickle_s else ():
                        self.wfile.write(data[i:i + 1024])
                        self.wfile.flush()
                        if fake.release.wait(answer.trickle_s):
                            break
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout, cancel, size cap): expected

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, address: None  # type: ignore[method-assign]
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, args=(0.01,), daemon=True)
        self._thread.start()

    def on(self, method: str, path: str, *answers: Responder) -> None:
        """Queue answers for a route; the last one repeats."""
        self._routes[(method, path)] = list(answers)

    def _answer(self, seen: Seen) -> Answer:
        with self._lock:
            self.seen.append(seen)
            queue = self._routes.get((seen.method, seen.path))
            if not queue:
                return Answer(404, {"error": f"no route {seen.method} {seen.path}"})
            responder = queue.pop(0) if len(queue) > 1 else queue[0]
        return responder(seen) if callable(responder) else responder

    def requests_to(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
