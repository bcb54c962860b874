"""ModelsLab realtime text-to-image (API v6).

ModelsLab answers HTTP 200 for almost everything; the real outcome is the
``status`` field: ``success`` (image URL in ``output``), ``processing``
(queued: poll ``fetch`` after ``eta`` seconds) or ``error``/``failed``. The
original app crashed on ``processing``. Polls go to ``{base}/api/v6/realtime
/fetch/{id}`` built from the configured base, never to the ``fetch_result``
URL the server suggests, so the key only ever goes to the configured host;
the image itself is downloaded without the key.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from ..errors import GenerationError
from .base import GeneratedImage, GenerationRequest, Provider, verified_image
from .transport import HttpClient, explain_status, join_url, json_detail

_JOB_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(repr=False)
class ModelsLabProvider(Provider):
    api_key: str = field(repr=False)
    base_url: str = "https://modelslab.com"
    size: int = 1024
    safety_checker: bool = True

    name = "modelslab"
    label = "ModelsLab"

    def __post_init__(self) -> None:
        self.url = join_url(self.base_url, "/api/v6/realtime/text2img", setting="modelslab_url")
        self.fetch_base = join_url(self.base_url, "/api/v6/realtime/fetch/", setting="modelslab_url")

    def secrets(self) -> tuple[str, ...]:
        return (self.api_key,)

    def generate(self, request: GenerationRequest, http: HttpClient) -> GeneratedImage:
        start = time.monotonic()
        payload = {
            "key": self.api_key,
            "prompt": request.prompt,
            "negative_prompt": request.negative_prompt,
            "width": self.size,
            "height": self.size,
            "samples": 1,
            "safety_checker": self.safety_checker,
            "seed": request.seed,
        }
        data = self._post(http, self.url, payload)
        request_s = time.monotonic() - start
        job_id: str | None = None
        waited = 0.0
        while True:
            status = str(data.get("status", "")).lower()
            if status == "success":
                break
            if status == "processing":
                job_id = self._job_id(data, job_id)
                eta = _number(data.get("eta"), http.policy.min_poll_interval_s)
                delay = min(max(eta, http.policy.min_poll_interval_s), http.policy.max_poll_interval_s)
                if waited + delay > http.policy.max_poll_wait_s:
                    raise GenerationError(f"ModelsLab did not finish the image within "
                                          f"{http.policy.max_poll_wait_s:g} s; try again later.")
                http.wait(delay)
                waited += delay
                data = self._post(http, self.fetch_base + job_id, {"key": self.api_key})
                continue
            if status in ("error", "failed"):
                detail = json_detail(data, self.secrets())
                raise GenerationError(f"ModelsLab could not generate the image{f' ({detail})' if detail else ''}.")
            raise GenerationError("ModelsLab answered with an unknown status; try again later.")
        image_url = _first_url(data)
        poll_done = time.monotonic()
        reply = http.send(self.label, "GET", image_url, expect="image", retry=True, redirects=True)
        if not reply.ok:
            raise explain_status(self.label, reply, {
                404: "ModelsLab's image link was not found (HTTP 404); try again.",
            }, self.secrets())
        mime, width, height = verified_image(reply.body, self.label)
        meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
        seed = meta.get("seed") if isinstance(meta.get("seed"), int) else request.seed
        return GeneratedImage(
            data=reply.body, mime=mime, provider=self.name, prompt=request.user_prompt,
            sent_prompt=request.prompt, seed=seed, width=width, height=height,
            timings={"request_s": request_s, "queue_s": poll_done - start - request_s,
                     "download_s": reply.elapsed_s, "total_s": time.monotonic() - start},
        )

    def _post(self, http: HttpClient, url: str, payload: dict[str, Any]) -> dict[str, Any]:
        reply = http.send(self.label, "POST", url, expect="json", retry=True, json=payload,
                          headers={"Accept": "application/json"})
        if not reply.ok:
            raise explain_status(self.label, reply, {
                402: "Your ModelsLab account is out of credits; top it up or use another provider.",
            }, self.secrets())
        return reply.json_object(self.label)

    @staticmethod
    def _job_id(data: dict[str, Any], previous: str | None) -> str:
        raw = data.get("id", previous)
        job_id = str(raw) if isinstance(raw, (int, str)) and not isinstance(raw, bool) else ""
        if not _JOB_ID.match(job_id):
            raise GenerationError("ModelsLab queued the image but sent no usable job id.")
        return job_id


def _number(value: Any, default: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if number == number and number >= 0 else default  # NaN check


def _first_url(data: dict[str, Any]) -> str:
    output = data.get("output")
    url = output[0] if isinstance(output, list) and output else None
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise GenerationError("ModelsLab reported success but sent no image link.")
    return url

