from __future__ import annotations

import base64
import json
import socket
from dataclasses import replace

import pytest
from genai_fakes import SD_PATH, Answer

from stickerstudio_desktop.errors import GenerationError
from stickerstudio_desktop.genai import generate


def _run(settings, policy, **kw):
    return generate("a panda drinking tea", settings, provider="local", environ={}, policy=policy, **kw)


def _a1111(png: bytes, seed: int = 31337, data_uri: bool = False) -> dict:
    b64 = base64.b64encode(png).decode()
    return {"images": [("data:image/png;base64," if data_uri else "") + b64],
            "parameters": {}, "info": json.dumps({"seed": seed, "all_seeds": [seed]})}


@pytest.mark.parametrize("data_uri", [False, True])
def test_success_sends_a1111_payload_and_decodes_base64(server, settings, policy, png, data_uri):
    server.on("POST", SD_PATH, Answer(200, _a1111(png, data_uri=data_uri)))
    image = _run(settings, policy, seed=99)
    (sent,) = server.seen
    body = sent.json()
    assert body["prompt"] == "sticker illustration, clean background, a panda drinking tea"
    assert body["seed"] == 99 and body["batch_size"] == 1 and body["n_iter"] == 1
    assert body["width"] == body["height"] == 512 and body["steps"] == 25
    assert body["negative_prompt"]
    assert image.provider == "local" and image.data == png and image.seed == 31337


@pytest.mark.parametrize("body,expected", [
    ({"images": ["%%%not base64%%%"], "info": "{}"}, "not valid base64"),
    ({"images": [], "info": "{}"}, "without an image"),
    ({"error": "OutOfMemoryError"}, "without an image"),
    ({"images": [base64.b64encode(b"plain text").decode()]}, "not a PNG, JPEG or WebP"),
])
def test_bad_bodies(server, settings, policy, body, expected):
    server.on("POST", SD_PATH, Answer(200, body))
    with pytest.raises(GenerationError, match=expected):
        _run(settings, policy)


def test_missing_api_flag_is_explained(server, settings, policy):
    server.on("POST", "/elsewhere", Answer(200, {}))  # txt2img route absent → fake answers 404
    with pytest.raises(GenerationError, match="start the server with --api"):
        _run(settings, policy)


def test_server_error_is_not_retried(server, settings, policy):
    server.on("POST", SD_PATH, Answer(500, {"error": "OutOfMemoryError", "detail": "CUDA out of memory"}))
    with pytest.raises(GenerationError, match=r"server error \(HTTP 500\)"):
        _run(settings, policy)
    assert len(server.seen) == 1


def test_nothing_listening_is_a_clear_connection_error(settings, policy):
    with socket.socket() as s:  # a port that was free a moment ago
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(GenerationError, match=r"Could not connect to Local Stable Diffusion at http://127\.0\.0\.1:\d+/sdapi"):
        _run(replace(settings, sd_url=f"http://127.0.0.1:{port}"), policy)


def test_password_in_sd_url_is_used_but_never_shown(server, settings, policy, png):
    server.on("POST", SD_PATH, Answer(503, "busy"))
    url = server.url.replace("http://", "http://artist:hunter2pass@")
    with pytest.raises(GenerationError) as info:
        _run(replace(settings, sd_url=url), policy)
    assert "hunter2pass" not in str(info.value)
    expected = "Basic " + base64.b64encode(b"artist:hunter2pass").decode()
    assert server.seen[0].headers["authorization"] == expected


def test_oversized_json_is_cut_off(server, settings, policy, png):
    huge = _a1111(png + b"\0" * 400_000)
    server.on("POST", SD_PATH, Answer(200, huge))
    with pytest.raises(GenerationError, match="sent more than"):
        _run(settings, replace(policy, max_bytes=100_000))
