"""Stability AI's Stable Image API (v2beta), ``core`` by default.

``core`` is the cheap tier that honours ``style_preset`` (``anime`` gives
the animated look); ``ultra`` costs several times more. The original app
called ``ultra`` and hit 46 ``402 payment_required`` answers, so each status
gets its own sentence and out-of-credits moves the chain on at once.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from ..errors import ConfigError, GenerationError
from .base import GeneratedImage, GenerationRequest, Provider, verified_image
from .transport import HttpClient, explain_status, join_url

ENDPOINTS = ("core", "ultra")
_PRESET = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")

_MESSAGES = {
    400: "Stability AI rejected the request as invalid{detail}.",
    402: "Your Stability AI account is out of credits; add credits at platform.stability.ai or use another provider.",
    403: "Stability AI's content moderation flagged this prompt; rephrase it and try again.",
    413: "The request to Stability AI was too large; use a shorter prompt.",
    422: "Stability AI could not generate this prompt{detail}.",
    429: "Stability AI is rate-limiting requests; wait {wait} and try again.",
}


@dataclass(repr=False)
class StabilityProvider(Provider):
    api_key: str = field(repr=False)
    base_url: str = "https://api.stability.ai"
    endpoint: str = "core"
    style_preset: str = "anime"

    name = "stability"
    label = "Stability AI"

    def __post_init__(self) -> None:
        if self.endpoint not in ENDPOINTS:
            raise ConfigError(f"The Stability endpoint must be core or ultra, not {self.endpoint!r}.")
        self.style_preset = (self.style_preset or "").strip()
        if self.style_preset and not _PRESET.match(self.style_preset):
            raise ConfigError(f"{self.style_preset!r} is not a Stability style preset; use a name like anime.")
        self.url = join_url(self.base_url, f"/v2beta/stable-image/generate/{self.endpoint}",
                            setting="stability_url")

    def secrets(self) -> tuple[str, ...]:
        return (self.api_key,)

    def generate(self, request: GenerationRequest, http: HttpClient) -> GeneratedImage:
        form = {
            "prompt": request.prompt,
            "negative_prompt": request.negative_prompt,
            "aspect_ratio": "1:1",
            "seed": str(request.seed),
            "output_format": "png",
        }
        if self.style_preset:
            form["style_preset"] = self.style_preset
        start = time.monotonic()
        reply = http.send(
            self.label, "POST", self.url, expect="image", retry=True,
            headers={"Authorization": f"Bearer {self.api_key}", "Accept": "image/*"},
            # (None, value) makes requests send multipart/form-data without filenames
            files={k: (None, v) for k, v in form.items()},
        )
        if not reply.ok:
            raise explain_status(self.label, reply, _MESSAGES, self.secrets())
        if reply.headers.get("finish-reason", "").upper() == "CONTENT_FILTERED":
            raise GenerationError("Stability AI's content filter blurred the image; rephrase the prompt and try again.")
        mime, width, height = verified_image(reply.body, self.label)
        seed_header = reply.headers.get("seed", "")
        seed = int(seed_header) if seed_header.isdigit() else request.seed
        return GeneratedImage(
            data=reply.body, mime=mime, provider=self.name, prompt=request.user_prompt,
            sent_prompt=request.prompt, seed=seed, width=width, height=height,
            timings={"request_s": reply.elapsed_s, "total_s": time.monotonic() - start},
        )
