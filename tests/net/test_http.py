"""The one bounded HTTP request, against a real server on 127.0.0.1."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from stickerstudio_desktop.net.http import HttpCancelled, HttpFailure, Limits, fetch

FAST = Limits(connect_timeout_s=2, read_timeout_s=2, total_timeout_s=5, max_bytes=10_000, max_error_bytes=100)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        if self.path == "/slow":  # 20 bytes a second, forever
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            try:
                for _ in range(200):
                    self.wfile.write(b"x" * 2)
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass
            return
        status, body, length = {"/ok": (200, b"hello", True), "/big": (200, b"x" * 20_000, False),
                                "/declared": (200, b"x" * 20_000, True), "/err": (500, b"e" * 5000, False)}[self.path]
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_a_body_is_read_whole_with_its_type(url):
    r = fetch(url + "/ok", limits=FAST)
    assert (r.status, r.body, r.content_type, r.ok) == (200, b"hello", "text/plain", True)


def test_bodies_over_the_cap_fail_whether_declared_or_not(url):
    for path in ("/big", "/declared"):
        with pytest.raises(HttpFailure) as info:
            fetch(url + path, limits=FAST)
        assert info.value.kind == "too_large" and info.value.limit == 10_000


def test_error_bodies_are_cut_not_refused(url):
    r = fetch(url + "/err", limits=FAST)
    assert r.status == 500 and len(r.body) == 100


def test_a_trickle_hits_the_total_deadline(url):
    start = time.monotonic()
    with pytest.raises(HttpFailure) as info:
        fetch(url + "/slow", limits=Limits(total_timeout_s=0.5))
    assert info.value.kind == "deadline" and time.monotonic() - start < 3


def test_cancel_stops_a_request_in_flight(url):
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    start = time.monotonic()
    with pytest.raises(HttpCancelled):
        fetch(url + "/slow", limits=Limits(total_timeout_s=30), cancel=cancel)
    assert time.monotonic() - start < 2


def test_check_sees_the_status_before_the_body_and_its_error_passes_through(url):
    seen = []

    def check(status, content_type, headers):
        seen.append((status, content_type))
        raise LookupError("refused")

    with pytest.raises(LookupError):
        fetch(url + "/err", limits=FAST, check=check)
    assert seen == [(500, "text/plain")]


def test_nothing_listening_is_a_connect_failure():
    with pytest.raises(HttpFailure) as info:
        fetch("http://127.0.0.1:9/x", limits=FAST)
    assert info.value.kind == "connect"
