from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from genai_fakes import ML_FETCH, ML_PATH, MODELSLAB_KEY, Answer

from stickerstudio_desktop.errors import GenerationError
from stickerstudio_desktop.genai import GenerationCancelled, generate

IMG_PATH = "/generations/0f1e.png"


@pytest.fixture
def env():
    return {"MODELSLAB_API_KEY": MODELSLAB_KEY}


def _run(settings, env, policy, **kw):
    return generate("a panda drinking tea", settings, provider="modelslab", environ=env,
                    policy=policy, **kw)


def _success(server, job_id=9001):
    return {"status": "success", "generationTime": 1.2, "id": job_id,
            "output": [server.url + IMG_PATH], "proxy_links": [], "meta": {"seed": 77}}


def _processing(job_id=9001, eta=3):
    return {"status": "processing", "tip": "queued", "eta": eta, "id": job_id,
            "message": "Try to fetch request after given estimated time",
            "fetch_result": f"http://elsewhere.invalid/api/v6/realtime/fetch/{job_id}",
            "output": [], "future_links": []}


def _no_key_in(seen):
    assert MODELSLAB_KEY not in seen.path
    assert all(MODELSLAB_KEY not in v for v in seen.headers.values())
    assert MODELSLAB_KEY.encode() not in seen.body


def test_success_sends_documented_json_and_downloads_output(server, settings, env, policy, png):
    server.on("POST", ML_PATH, Answer(200, _success(server)))
    server.on("GET", IMG_PATH, Answer(200, png, "image/png"))
    image = _run(settings, env, policy, seed=4242)

    post, download = server.seen
    assert post.headers["content-type"] == "application/json"
    assert post.json() == {
        "key": MODELSLAB_KEY,
        "prompt": "sticker illustration, clean background, a panda drinking tea",
        "negative_prompt": post.json()["negative_prompt"],
        "width": 1024, "height": 1024, "samples": 1,
        "safety_checker": True, "seed": 4242,
    }
    assert download.method == "GET" and download.path == IMG_PATH
    _no_key_in(download)  # the image host never sees the key
    assert image.provider == "modelslab" and image.data == png and image.seed == 77
    assert {"request_s", "queue_s", "download_s", "total_s"} <= set(image.timings)


def test_processing_then_success_polls_fetch_on_the_configured_host(server, settings, env, policy, png):
    server.on("POST", ML_PATH, Answer(200, _processing(eta=3)))
    server.on("POST", ML_FETCH + "9001",
              Answer(200, {"status": "processing", "eta": 2, "id": 9001}),
              Answer(200, _success(server)))
    server.on("GET", IMG_PATH, Answer(200, png, "image/png"))
    image = _run(settings, env, policy)

    paths = [s.path for s in server.seen]
    assert paths == [ML_PATH, ML_FETCH + "9001", ML_FETCH + "9001", IMG_PATH]
    first, poll1, poll2, _ = server.seen
    assert poll1.json() == {"key": MODELSLAB_KEY} and poll2.json() == {"key": MODELSLAB_KEY}
    # eta 3 s then 2 s at time_scale 0.01: the client waited before each poll
    assert poll1.at - first.at >= 0.025 and poll2.at - poll1.at >= 0.015
    assert image.data == png


def test_a_job_that_never_finishes_is_bounded(server, settings, env, policy):
    server.on("POST", ML_PATH, Answer(200, _processing(eta=10)))
    server.on("POST", ML_FETCH + "9001", Answer(200, {"status": "processing", "eta": 30, "id": 9001}))
    with pytest.raises(GenerationError, match="did not finish the image within 60 s"):
        _run(settings, env, replace(policy, time_scale=0.001))
    # eta 30 is capped to 10 s per poll; 60 s of waiting allows six polls
    assert len(server.requests_to(ML_FETCH + "9001")) == 6


@pytest.mark.parametrize("body,expected", [
    ({"status": "error", "message": "Insufficient credits, please recharge"},
     r"\(Insufficient credits, please recharge\)"),
    ({"status": "error", "messege": "Server busy"}, r"\(Server busy\)"),
    ({"status": "failed", "message": {"prompt": "The prompt field is required."}},
     r"prompt: The prompt field is required"),
    ({"status": "error"}, r"ModelsLab could not generate the image\.$"),
])
def test_error_status_inside_http_200(server, settings, env, policy, body, expected):
    server.on("POST", ML_PATH, Answer(200, body))
    with pytest.raises(GenerationError, match=expected):
        _run(settings, env, policy)
    assert len(server.seen) == 1


def test_error_echoing_the_key_is_redacted(server, settings, env, policy):
    server.on("POST", ML_PATH, Answer(200, {"status": "error", "message": f"Invalid key {MODELSLAB_KEY}"}))
    with pytest.raises(GenerationError) as info:
        _run(settings, env, policy)
    assert MODELSLAB_KEY not in str(info.value) and "[redacted]" in str(info.value)


@pytest.mark.parametrize("answer,expected", [
    (Answer(200, "{not json", "application/json"), "malformed JSON"),
    (Answer(200, "[1, 2]", "application/json"), "JSON that is not an object"),
    (Answer(200, "<html>maintenance</html>", "text/html"), "text/html instead of JSON"),
    (Answer(200, {"status": "success", "output": []}), "sent no image link"),
    (Answer(200, {"status": "success", "output": ["file:///etc/passwd"]}), "sent no image link"),
    (Answer(200, {"status": "queued?"}), "unknown status"),
    (Answer(200, {"status": "processing", "eta": 1}), "no usable job id"),
    (Answer(200, {"status": "processing", "id": "../../admin"}), "no usable job id"),
    (Answer(402, {"status": "error", "message": "no credits"}), "out of credits"),
    (Answer(401, {"status": "error", "message": "bad key"}), "did not accept the API key"),
])
def test_bad_answers_become_one_sentence(server, settings, env, policy, answer, expected):
    server.on("POST", ML_PATH, answer)
    with pytest.raises(GenerationError, match=expected):
        _run(settings, env, policy)


def test_oversized_image_download_is_cut_off(server, settings, env, policy, png):
    server.on("POST", ML_PATH, Answer(200, _success(server)))
    server.on("GET", IMG_PATH, Answer(200, png + b"\0" * 200_000, "image/png", send_length=False))
    with pytest.raises(GenerationError, match="sent more than"):
        _run(settings, env, replace(policy, max_bytes=100_000))


def test_download_with_wrong_content_type_is_refused(server, settings, env, policy, png):
    server.on("POST", ML_PATH, Answer(200, _success(server)))
    server.on("GET", IMG_PATH, Answer(200, "<html>Access denied</html>", "text/html"))
    with pytest.raises(GenerationError, match="text/html instead of an image"):
        _run(settings, env, policy)


def test_cancel_during_the_poll_wait(server, settings, env, policy):
    server.on("POST", ML_PATH, Answer(200, _processing(eta=10)))
    cancel = threading.Event()
    timer = threading.Timer(0.1, cancel.set)
    timer.start()
    try:
        with pytest.raises(GenerationCancelled):
            # unscaled: a 10 s poll wait that only cancel can cut short
            _run(settings, env, replace(policy, time_scale=1.0), cancel=cancel)
    finally:
        timer.cancel()
    assert server.requests_to(ML_FETCH + "9001") == []
