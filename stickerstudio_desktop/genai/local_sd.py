"""A Stable Diffusion server on the user's own machine (AUTOMATIC1111 API).

The free, offline option: ``POST {base}/sdapi/v1/txt2img`` answers JSON with
base64 images. Forge, SD.Next and other forks speak the same API. No key;
user:password in the URL works for ``--api-auth`` and never reaches logs.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from dataclasses import dataclass

from ..errors import GenerationError
from .base import GeneratedImage, GenerationRequest, Provider, verified_image
from .transport import HttpClient, explain_status, join_url


@dataclass(repr=False)
class LocalSDProvider(Provider):
    base_url: str = "http://127.0.0.1:7860"
    size: int = 512    # SD 1.5 models, the common local case, are trained at 512
    steps: int = 25

    name = "local"
    label = "Local Stable Diffusion"

    def __post_init__(self) -> None:
        self.url = join_url(self.base_url, "/sdapi/v1/txt2img", setting="sd_url")

    def generate(self, request: GenerationRequest, http: HttpClient) -> GeneratedImage:
        start = time.monotonic()
        payload = {
            "prompt": request.prompt,
            "negative_prompt": request.negative_prompt,
            "width": self.size,
            "height": self.size,
            "seed": request.seed,
            "steps": self.steps,
            "batch_size": 1,
            "n_iter": 1,
        }
        # no retries: a local 500 is usually out-of-memory, and a retry re-renders
        # base64 grows the image by 4/3; allow that plus room for "info"
        cap = http.policy.max_bytes * 4 // 3 + 256 * 1024
        reply = http.send(self.label, "POST", self.url, expect="json", json=payload, max_bytes=cap,
                          headers={"Accept": "application/json"})
        if not reply.ok:
            raise explain_status(self.label, reply, {
                404: "No AUTOMATIC1111 API at the sd_url address (HTTP 404); start the server with --api.",
                401: "Local Stable Diffusion wants a login (HTTP 401); put user:password@ in sd_url.",
            })
        data = reply.json_object(self.label)
        images = data.get("images")
        if not isinstance(images, list) or not images or not isinstance(images[0], str):
            raise GenerationError("Local Stable Diffusion answered without an image.")
        encoded = images[0].split(",", 1)[1] if images[0].startswith("data:") else images[0]
        try:
            raw = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise GenerationError("Local Stable Diffusion sent an image that is not valid base64.") from None
        mime, width, height = verified_image(raw, self.label)
        return GeneratedImage(
            data=raw, mime=mime, provider=self.name, prompt=request.user_prompt,
            sent_prompt=request.prompt, seed=_seed(data.get("info"), request.seed),
            width=width, height=height,
            timings={"request_s": reply.elapsed_s, "total_s": time.monotonic() - start},
        )


def _seed(info: object, default: int) -> int:
    """A1111 puts the seed it really used in ``info``, a JSON string."""
    try:
        seed = json.loads(info).get("seed") if isinstance(info, str) else None
    except (ValueError, AttributeError):
        return default
    return seed if isinstance(seed, int) and not isinstance(seed, bool) else default
