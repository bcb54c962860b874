from __future__ import annotations

import base64
import json
import logging
import threading
from dataclasses import replace

import pytest
from genai_fakes import ML_PATH, MODELSLAB_KEY, SD_PATH, STABILITY_KEY, STABILITY_PATH, Answer
from prometheus_client import generate_latest

from stickerstudio_desktop.config.settings import Settings
from stickerstudio_desktop.errors import ConfigError, GenerationError
from stickerstudio_desktop.genai import (
    AllProvidersFailed,
    GenerationCancelled,
    configured_providers,
    describe_missing_configuration,
    generate,
    local_configured,
)
from stickerstudio_desktop.metrics import REGISTRY


def _sd_ok(png: bytes) -> Answer:
    return Answer(200, {"images": [base64.b64encode(png).decode()], "info": "{}"})


def _count(provider: str, outcome: str) -> float:
    return REGISTRY.get_sample_value("stickerstudio_generation_requests_total",
                                     {"provider": provider, "outcome": outcome}) or 0.0


def _observations(provider: str) -> float:
    return REGISTRY.get_sample_value("stickerstudio_generation_seconds_count", {"provider": provider}) or 0.0


def test_failures_fall_through_in_order_and_the_answer_says_who(server, settings, keys_env, policy, png):
    server.on("POST", STABILITY_PATH, Answer(402, {"id": "x", "name": "payment_required",
                                                   "errors": ["You lack sufficient credits"]}))
    server.on("POST", ML_PATH, Answer(200, {"status": "error", "message": "Server overloaded"}))
    server.on("POST", SD_PATH, _sd_ok(png))
    image = generate("a panda drinking tea", settings, environ=keys_env, policy=policy, seed=5)

    assert [s.path for s in server.seen] == [STABILITY_PATH, ML_PATH, SD_PATH]  # one request each
    assert image.provider == "local" and image.data == png
    assert [f.provider for f in image.failures] == ["stability", "modelslab"]
    assert "out of credits" in image.failures[0].message
    assert "Server overloaded" in image.failures[1].message
    # the same seed went to every provider
    stability, modelslab, local = server.seen
    assert stability.form()["seed"] == "5" and modelslab.json()["seed"] == 5 and local.json()["seed"] == 5
    meta = image.metadata()
    assert meta["provider"] == "local" and meta["seed"] == 5 and meta["prompt"] == "a panda drinking tea"
    assert [f["provider"] for f in meta["failed_providers"]] == ["stability", "modelslab"]
    json.dumps(meta)


def test_order_and_enabled_come_from_settings(server, settings, keys_env, policy, png):
    server.on("POST", SD_PATH, _sd_ok(png))
    server.on("POST", STABILITY_PATH, Answer(200, png, "image/png"))
    image = generate("cat", replace(settings, provider_order=["local", "stability", "modelslab"]),
                     environ=keys_env, policy=policy)
    assert image.provider == "local" and [s.path for s in server.seen] == [SD_PATH]

    server.seen.clear()
    image = generate("cat", replace(settings, providers_enabled=["stability"]), environ=keys_env, policy=policy)
    assert image.provider == "stability" and [s.path for s in server.seen] == [STABILITY_PATH]


def test_enabled_provider_missing_from_the_order_still_runs_last(settings, keys_env):
    names = [p.name for p in configured_providers(replace(settings, provider_order=["modelslab"]),
                                                  environ=keys_env)]
    assert names == ["modelslab", "stability", "local"]


def test_providers_without_a_key_are_skipped_silently(server, settings, policy, png):
    server.on("POST", ML_PATH, Answer(200, {"status": "success", "output": [server.url + "/i.png"]}))
    server.on("GET", "/i.png", Answer(200, png, "image/png"))
    image = generate("cat", settings, environ={"MODELSLAB_API_KEY": MODELSLAB_KEY}, policy=policy)
    assert image.provider == "modelslab" and image.failures == ()
    assert STABILITY_PATH not in [s.path for s in server.seen]


def test_all_failing_lists_every_provider(server, settings, keys_env, policy):
    server.on("POST", STABILITY_PATH, Answer(403, {"name": "content_moderation", "errors": ["no"]}))
    server.on("POST", ML_PATH, Answer(200, {"status": "error", "message": "nope"}))
    server.on("POST", SD_PATH, Answer(200, "{", "application/json"))
    with pytest.raises(AllProvidersFailed) as info:
        generate("cat", settings, environ=keys_env, policy=policy)
    message = str(info.value)
    assert message.startswith("No provider could make the image (Stability AI: ")
    assert "ModelsLab: ModelsLab could not generate the image (nope)" in message
    assert "Local Stable Diffusion: Local Stable Diffusion answered with malformed JSON" in message
    assert [f.provider for f in info.value.failures] == ["stability", "modelslab", "local"]


def test_single_provider_failure_keeps_its_own_sentence(server, settings, keys_env, policy):
    server.on("POST", STABILITY_PATH, Answer(402, {"name": "payment_required", "errors": ["x"]}))
    with pytest.raises(GenerationError) as info:
        generate("cat", settings, provider="stability", environ=keys_env, policy=policy)
    assert str(info.value).startswith("Your Stability AI account is out of credits")


def test_nothing_configured_says_what_to_set_and_makes_no_call(server, policy):
    settings = Settings(stability_url=server.url, modelslab_url=server.url)  # sd_url left at its default
    expected = describe_missing_configuration(settings, environ={})
    assert expected is not None
    for needle in ("STABILITY_API_KEY", "MODELSLAB_API_KEY", "STICKERSTUDIO_SD_URL", "sd_url"):
        assert needle in expected
    with pytest.raises(GenerationError) as info:
        generate("cat", settings, environ={}, policy=policy)
    assert str(info.value) == expected
    assert server.seen == []


def test_describe_is_none_once_anything_is_usable(settings):
    assert describe_missing_configuration(settings, environ={"STABILITY_API_KEY": "k-123456"}) is None
    assert describe_missing_configuration(Settings(), environ={"STICKERSTUDIO_SD_URL": "x"}) is None


def test_forced_provider_without_key_names_its_variable(server, settings, policy):
    with pytest.raises(GenerationError,
                       match=r"^Stability AI is not set up; it needs a Stability AI key \(STABILITY_API_KEY"):
        generate("cat", settings, provider="stability", environ={"MODELSLAB_API_KEY": MODELSLAB_KEY}, policy=policy)
    assert server.seen == []


def test_forced_provider_runs_even_when_disabled(server, settings, policy, png):
    server.on("POST", SD_PATH, _sd_ok(png))
    image = generate("cat", replace(settings, providers_enabled=[], sd_url=server.url),
                     provider="local", environ={}, policy=policy)
    assert image.provider == "local"


def test_all_disabled_is_explained(server, settings, keys_env):
    message = describe_missing_configuration(replace(settings, providers_enabled=[]), environ=keys_env)
    assert "providers_enabled" in message


@pytest.mark.parametrize("sd_url,environ,expected", [
    ("http://127.0.0.1:7860", {}, False),                    # the untouched default
    ("http://127.0.0.1:7860", {"STICKERSTUDIO_SD_URL": "http://127.0.0.1:7860"}, True),
    ("http://127.0.0.1:7861", {}, True),                     # changed in settings.json
    ("", {"STICKERSTUDIO_SD_URL": ""}, False),
])
def test_local_counts_only_when_deliberately_configured(sd_url, environ, expected):
    assert local_configured(Settings(sd_url=sd_url), environ) is expected


def test_bad_url_setting_is_a_config_error_before_any_call(server, settings, keys_env, policy):
    with pytest.raises(ConfigError, match="stability_url"):
        generate("cat", replace(settings, stability_url="ftp://example.com"), environ=keys_env, policy=policy)
    assert server.seen == []


@pytest.mark.parametrize("prompt,seed,error,match", [
    ("   \n\t ", None, GenerationError, "Type a prompt"),
    ("x" * 2001, None, GenerationError, "keep it under 2000"),
    ("cat", -1, ConfigError, "seed must be a whole number"),
    ("cat", 2**32, ConfigError, "seed must be a whole number"),
    ("cat", True, ConfigError, "seed must be a whole number"),
])
def test_bad_prompt_or_seed_is_refused_before_any_call(server, settings, keys_env, policy, prompt, seed, error, match):
    with pytest.raises(error, match=match):
        generate(prompt, settings, seed=seed, environ=keys_env, policy=policy)
    assert server.seen == []


def test_unknown_provider_is_a_config_error(settings, keys_env):
    with pytest.raises(ConfigError, match="Unknown text-to-image provider 'dalle'"):
        generate("cat", settings, provider="dalle", environ=keys_env)


def test_prompt_is_normalised_and_prefixed(server, settings, keys_env, policy, png):
    server.on("POST", STABILITY_PATH, Answer(200, png, "image/png"))
    image = generate("  a  panda\n\x07drinking tea ", replace(settings, prompt_prefix="ghibli style, "),
                     provider="stability", environ=keys_env, policy=policy)
    assert server.seen[0].form()["prompt"] == "ghibli style, a panda drinking tea"
    assert image.prompt == "a panda drinking tea"


def test_random_seed_is_chosen_and_reported(server, settings, keys_env, policy, png):
    server.on("POST", STABILITY_PATH, Answer(200, png, "image/png"))
    image = generate("cat", settings, provider="stability", environ=keys_env, policy=policy)
    assert 1 <= image.seed <= 4_294_967_294
    assert server.seen[0].form()["seed"] == str(image.seed)


def test_progress_names_each_attempt(server, settings, keys_env, policy, png):
    server.on("POST", STABILITY_PATH, Answer(500, {"name": "internal", "errors": ["x"]}))
    server.on("POST", ML_PATH, Answer(200, {"status": "error", "message": "x"}))
    server.on("POST", SD_PATH, _sd_ok(png))
    seen: list[str] = []
    generate("cat", settings, environ=keys_env, policy=policy, progress=seen.append)
    assert seen == ["Stability AI", "ModelsLab", "Local Stable Diffusion"]


def test_metrics_count_outcomes_and_latency(server, settings, keys_env, policy, png):
    server.on("POST", STABILITY_PATH, Answer(402, {"name": "payment_required", "errors": ["x"]}))
    server.on("POST", SD_PATH, _sd_ok(png))
    before = (_count("stability", "error"), _count("local", "success"), _observations("local"))
    generate("cat", replace(settings, providers_enabled=["stability", "local"]), environ=keys_env, policy=policy)
    after = (_count("stability", "error"), _count("local", "success"), _observations("local"))
    assert [a - b for a, b in zip(after, before)] == [1, 1, 1]


def test_cancel_set_before_start_makes_no_call(server, settings, keys_env, policy):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(GenerationCancelled):
        generate("cat", settings, environ=keys_env, policy=policy, cancel=cancel)
    assert server.seen == []


def test_cancel_in_flight_stops_the_whole_chain(server, settings, keys_env, policy, png):
    server.on("POST", STABILITY_PATH, Answer(200, png, "image/png", delay_s=30))
    server.on("POST", ML_PATH, Answer(200, {"status": "error", "message": "x"}))
    before = _count("stability", "cancelled")
    cancel = threading.Event()
    timer = threading.Timer(0.15, cancel.set)
    timer.start()
    try:
        with pytest.raises(GenerationCancelled, match="cancelled"):
            # read timeout 20 s: only the cancel flag can end this quickly
            generate("cat", settings, environ=keys_env, policy=replace(policy, read_timeout_s=20),
                     cancel=cancel)
    finally:
        timer.cancel()
    assert [s.path for s in server.seen] == [STABILITY_PATH]  # no fallback after a cancel
    assert _count("stability", "cancelled") == before + 1


def test_keys_never_leak_into_messages_logs_metrics_or_metadata(server, settings, keys_env, policy, png, caplog):
    """Both servers echo the key back; none of it may escape."""
    server.on("POST", STABILITY_PATH, Answer(401, {"name": "unauthorized",
                                                   "errors": [f"key {STABILITY_KEY} is invalid"]}))
    server.on("POST", ML_PATH, Answer(200, {"status": "error", "message": f"Invalid key: {MODELSLAB_KEY}"}))
    server.on("POST", SD_PATH, _sd_ok(png))
    caplog.set_level(logging.DEBUG)
    image = generate("cat", settings, environ=keys_env, policy=policy)

    server.on("POST", SD_PATH, Answer(500, f"oops {STABILITY_KEY} {MODELSLAB_KEY}"))
    with pytest.raises(GenerationError) as info:
        generate("cat", settings, environ=keys_env, policy=policy)

    texts = [str(info.value), repr(info.value), repr(image), json.dumps(image.metadata()),
             generate_latest(REGISTRY).decode()]
    texts += [f.message for f in image.failures + info.value.failures]
    texts += [repr(p) for p in configured_providers(settings, environ=keys_env)]
    for record in caplog.records:
        texts += [record.getMessage(), repr(record.args), str(record.exc_text or "")]
    assert len(caplog.records) >= 6
    for text in texts:
        assert STABILITY_KEY not in text and MODELSLAB_KEY not in text, text
