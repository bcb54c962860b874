"""The shared HTTP path, exercised directly against the fake server."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from genai_fakes import Answer

from stickerstudio_desktop.errors import ConfigError, GenerationError
from stickerstudio_desktop.genai import GenerationCancelled
from stickerstudio_desktop.genai.transport import (
    HttpClient,
    join_url,
    parse_retry_after,
    safe_url,
)


def test_retry_after_accepts_seconds_and_http_dates():
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(" 2.5 ") == 2.5
    assert parse_retry_after("-3") == 0.0
    now = 1_700_000_000.0  # 2023-11-14 22:13:20 GMT
    assert parse_retry_after("Tue, 14 Nov 2023 22:13:50 GMT", now=now) == 30.0
    assert parse_retry_after("Tue, 14 Nov 2023 22:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_safe_url_drops_credentials_and_query():
    assert safe_url("https://user:pw@host.example:8443/a/b?key=sk-1#x") == "https://host.example:8443/a/b"


@pytest.mark.parametrize("base", ["", "ftp://host", "localhost:7860", "http://host/?k=v", "http://host:99999"])
def test_join_url_refuses_what_is_not_a_plain_http_base(base):
    with pytest.raises(ConfigError, match="sd_url"):
        join_url(base, "/x", setting="sd_url")


def test_join_url_tolerates_trailing_slashes_and_prefixes():
    assert join_url("https://gw.example/proxy/", "/v2beta/x", setting="s") == "https://gw.example/proxy/v2beta/x"


def test_json_expected_but_image_sent(server, policy):
    server.on("GET", "/j", Answer(200, b"\x89PNG....", "image/png"))
    with HttpClient(policy) as http, pytest.raises(GenerationError, match="image/png instead of JSON"):
        http.send("Svc", "GET", server.url + "/j", expect="json")


def test_error_bodies_are_truncated_not_rejected(server, policy):
    server.on("GET", "/e", Answer(400, "x" * 200_000, send_length=False))
    with HttpClient(replace(policy, max_error_bytes=1000)) as http:
        reply = http.send("Svc", "GET", server.url + "/e", expect="json")
    assert reply.status == 400 and len(reply.body) == 1000


def test_trickling_body_hits_the_total_deadline(server, policy):
    server.on("GET", "/slow", Answer(200, b"\x89PNG" + b"\0" * 40_000, "image/png", trickle_s=0.05))
    with HttpClient(replace(policy, total_timeout_s=0.3)) as http, \
            pytest.raises(GenerationError, match="took longer than 0.3 s"):
        http.send("Svc", "GET", server.url + "/slow", expect="image")


def test_5xx_backoff_is_bounded_then_returns_the_last_reply(server, policy):
    server.on("POST", "/busy", Answer(503, {"errors": ["busy"]}))
    with HttpClient(replace(policy, max_retries=3)) as http:
        reply = http.send("Svc", "POST", server.url + "/busy", expect="json", retry=True)
    assert reply.status == 503 and len(server.seen) == 4
    gaps = [b.at - a.at for a, b in zip(server.seen, server.seen[1:])]
    assert gaps[2] > gaps[0]  # 0.005 s, 0.01 s, 0.02 s: exponential


def test_keyed_requests_do_not_follow_redirects(server, policy):
    server.on("POST", "/moved", Answer(307, "", headers={"Location": server.url + "/other"}))
    server.on("POST", "/other", Answer(200, {}))
    with HttpClient(policy) as http:
        reply = http.send("Svc", "POST", server.url + "/moved", expect="json", json={"key": "k"})
    assert reply.status == 307 and [s.path for s in server.seen] == ["/moved"]


def test_wait_is_scaled_and_cancellable(policy):
    cancel = threading.Event()
    timer = threading.Timer(0.05, cancel.set)
    timer.start()
    try:
        with HttpClient(replace(policy, time_scale=1.0), cancel) as http, pytest.raises(GenerationCancelled):
            http.wait(30)
    finally:
        timer.cancel()


def test_a_stall_in_the_middle_of_the_body_is_a_read_timeout(server, policy):
    server.on("GET", "/stall", Answer(200, b"\x89PNG" + b"\0" * 4000, "image/png", trickle_s=10))
    with HttpClient(replace(policy, read_timeout_s=0.2)) as http, \
            pytest.raises(GenerationError, match="did not answer within 0.2 s"):
        http.send("Svc", "GET", server.url + "/stall", expect="image")


def test_a_body_shorter_than_announced_is_a_broken_connection(server, policy):
    server.on("GET", "/short", Answer(200, b"\x89PNG" + b"\0" * 100, "image/png",
                                      headers={"Content-Length": "5000"}, send_length=False))
    with HttpClient(policy) as http, pytest.raises(GenerationError, match="broke off"):
        http.send("Svc", "GET", server.url + "/short", expect="image")
