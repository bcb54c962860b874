from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from genai_fakes import STABILITY_KEY, STABILITY_PATH, Answer
from PIL import Image

from stickerstudio_desktop.errors import ConfigError, GenerationError
from stickerstudio_desktop.genai import generate
from stickerstudio_desktop.genai.stability import StabilityProvider


def _error(name: str, *errors: str) -> dict:
    """Stability's real error shape."""
    return {"id": "0e2b7f1c9a", "name": name, "errors": list(errors)}


def _run(settings, env, policy, **kw):
    return generate("a panda drinking tea", settings, provider="stability", environ=env,
                    policy=policy, **kw)


@pytest.fixture
def env():
    return {"STABILITY_API_KEY": STABILITY_KEY}


def test_success_sends_documented_multipart_form(server, settings, env, policy, png):
    server.on("POST", STABILITY_PATH, Answer(200, png, "image/png",
                                             {"seed": "1234", "finish-reason": "SUCCESS"}))
    image = _run(settings, env, policy, seed=1234)

    (sent,) = server.seen
    assert sent.method == "POST" and sent.path == STABILITY_PATH
    assert sent.headers["authorization"] == f"Bearer {STABILITY_KEY}"
    assert sent.headers["accept"] == "image/*"
    assert sent.headers["content-type"].startswith("multipart/form-data; boundary=")
    form = sent.form()
    assert form == {
        "prompt": "sticker illustration, clean background, a panda drinking tea",
        "negative_prompt": form["negative_prompt"],
        "aspect_ratio": "1:1",
        "style_preset": "anime",
        "seed": "1234",
        "output_format": "png",
    }
    assert form["negative_prompt"]
    assert image.provider == "stability" and image.mime == "image/png"
    assert image.data == png and (image.width, image.height) == (64, 64)
    assert image.seed == 1234 and image.prompt == "a panda drinking tea"
    assert image.sent_prompt == form["prompt"]
    assert image.failures == ()
    assert {"request_s", "total_s", "chain_s"} <= set(image.timings)
    assert Image.open(io.BytesIO(image.data)).format == "PNG"


def test_ultra_endpoint_and_style_preset_are_settings(server, settings, env, policy, png):
    server.on("POST", "/v2beta/stable-image/generate/ultra", Answer(200, png, "image/png"))
    settings = replace(settings, stability_endpoint="ultra", stability_style_preset="pixel-art")
    _run(settings, env, policy)
    (sent,) = server.seen
    assert sent.path == "/v2beta/stable-image/generate/ultra"
    assert sent.form()["style_preset"] == "pixel-art"


def test_empty_style_preset_is_not_sent(server, settings, env, policy, png):
    server.on("POST", STABILITY_PATH, Answer(200, png, "image/png"))
    _run(replace(settings, stability_style_preset=""), env, policy)
    assert "style_preset" not in server.seen[0].form()


@pytest.mark.parametrize("endpoint,preset", [("sd3", "anime"), ("core", "anime; drop")])
def test_bad_endpoint_or_preset_is_a_config_error(server, settings, env, policy, endpoint, preset):
    settings = replace(settings, stability_endpoint=endpoint, stability_style_preset=preset)
    with pytest.raises(ConfigError):
        _run(settings, env, policy)
    assert server.seen == []


@pytest.mark.parametrize("status,body,expected,attempts", [
    (400, _error("bad_request", "prompt: too many tokens"),
     r"rejected the request as invalid \(prompt: too many tokens\)", 1),
    (401, _error("unauthorized", "missing authorization header"), r"did not accept the API key", 1),
    (402, _error("payment_required", "You lack sufficient credits"), r"out of credits", 1),
    (403, _error("content_moderation", "flagged"), r"content moderation flagged this prompt", 1),
    (404, _error("not_found", "no route"), r"no such endpoint", 1),
    (413, _error("payload_too_large", "too big"), r"too large", 1),
    (422, _error("invalid_language", "English only"), r"could not generate this prompt \(English only\)", 1),
    (429, _error("rate_limit_exceeded", "slow down"), r"rate-limiting requests; wait a minute", 3),
    (500, _error("internal_error", "boom"), r"server error \(HTTP 500\)", 3),
    (502, "<html>bad gateway</html>", r"server error \(HTTP 502\)", 3),
    (503, _error("unavailable", "later"), r"server error \(HTTP 503\)", 3),
])
def test_every_error_status_has_its_own_sentence(server, settings, env, policy, status, body, expected, attempts):
    server.on("POST", STABILITY_PATH, Answer(status, body))
    with pytest.raises(GenerationError) as info:
        _run(settings, env, policy)
    message = str(info.value)
    assert re.search(expected, message), message
    assert message.endswith(".") and "\n" not in message
    assert STABILITY_KEY not in message
    assert len(server.seen) == attempts  # only 429/5xx are retried, and boundedly


def test_429_honours_retry_after_then_succeeds(server, settings, env, policy, png):
    server.on("POST", STABILITY_PATH,
              Answer(429, _error("rate_limit_exceeded", "slow down"), headers={"Retry-After": "5"}),
              Answer(200, png, "image/png"))
    image = _run(settings, env, policy)
    first, second = server.seen
    # Retry-After 5 s at time_scale 0.01 is 0.05 s, ten times the 0.005 s backoff
    assert second.at - first.at >= 0.045
    assert image.provider == "stability" and image.data == png


def test_retry_after_longer_than_the_cap_gives_up_at_once(server, settings, env, policy):
    server.on("POST", STABILITY_PATH,
              Answer(429, _error("rate_limit_exceeded", "x"), headers={"Retry-After": "120"}))
    with pytest.raises(GenerationError, match="wait 120 s"):
        _run(settings, env, policy)
    assert len(server.seen) == 1


def test_content_filtered_image_is_refused(server, settings, env, policy, png):
    server.on("POST", STABILITY_PATH, Answer(200, png, "image/png", {"finish-reason": "CONTENT_FILTERED"}))
    with pytest.raises(GenerationError, match="content filter"):
        _run(settings, env, policy)


def test_wrong_content_type_is_refused(server, settings, env, policy):
    server.on("POST", STABILITY_PATH, Answer(200, "<html>login</html>", "text/html"))
    with pytest.raises(GenerationError, match="answered with text/html instead of an image"):
        _run(settings, env, policy)


def test_bytes_that_are_not_an_image_are_refused(server, settings, env, policy):
    server.on("POST", STABILITY_PATH, Answer(200, b"GIF89a not really", "image/png"))
    with pytest.raises(GenerationError, match="not a PNG, JPEG or WebP"):
        _run(settings, env, policy)


def test_truncated_png_fails_the_decode_check(server, settings, env, policy, png):
    server.on("POST", STABILITY_PATH, Answer(200, png[: len(png) // 2], "image/png"))
    with pytest.raises(GenerationError, match="could not be decoded"):
        _run(settings, env, policy)


@pytest.mark.parametrize("send_length", [True, False])
def test_oversized_body_is_cut_off(server, settings, env, policy, png, send_length):
    big = png + b"\0" * 300_000
    server.on("POST", STABILITY_PATH, Answer(200, big, "image/png", send_length=send_length))
    with pytest.raises(GenerationError, match="sent more than 97.7 KB"):
        _run(settings, env, replace(policy, max_bytes=100_000))


def test_slow_answer_past_the_read_timeout(server, settings, env, policy, png):
    server.on("POST", STABILITY_PATH, Answer(200, png, "image/png", delay_s=10))
    with pytest.raises(GenerationError, match=r"did not answer within 0.2 s"):
        _run(settings, env, replace(policy, read_timeout_s=0.2))
    assert len(server.seen) == 1  # a timed-out paid request is never repeated


def test_server_text_echoing_the_key_is_redacted(server, settings, env, policy):
    server.on("POST", STABILITY_PATH, Answer(400, _error("bad_request", f"bad key {STABILITY_KEY}")))
    with pytest.raises(GenerationError) as info:
        _run(settings, env, policy)
    assert STABILITY_KEY not in str(info.value) and "[redacted]" in str(info.value)


def test_provider_repr_hides_the_key(server):
    provider = StabilityProvider(api_key=STABILITY_KEY, base_url=server.url)
    assert STABILITY_KEY not in repr(provider) and "stability" in repr(provider)
