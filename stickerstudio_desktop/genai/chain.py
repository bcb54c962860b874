"""Try the configured providers in order until one returns an image.

Rules that fix what the original got wrong: exactly one image is requested
per provider attempt; a failure (out of credits, moderation, timeout, bad
answer) moves on to the next provider, and the result says who answered and
why the others did not; with nothing usable the caller gets one sentence
saying what to configure and no network call is made; cancel stops the whole
chain instead of moving on.

Local Stable Diffusion counts as configured only when the user pointed at it
deliberately: ``sd_url`` differs from the built-in default, or
``STICKERSTUDIO_SD_URL`` is set, or the caller asks for ``provider="local"``.
Probing 127.0.0.1:7860 on every generate would be a network call nobody
asked for.
"""

from __future__ import annotations

import logging
import os
import random
import re
import threading
import time
import unicodedata
from dataclasses import fields, replace
from typing import Callable, Mapping

from ..config.settings import PROVIDERS, URL_ENV, Settings
from ..errors import ConfigError, GenerationError
from ..metrics import METRICS
from .base import (
    DEFAULT_NEGATIVE_PROMPT,
    MAX_PROMPT_CHARS,
    MAX_SEED,
    GeneratedImage,
    GenerationCancelled,
    GenerationRequest,
    Provider,
    ProviderFailure,
    redact,
)
from .keys import ENV_VARS, get_api_key
from .local_sd import LocalSDProvider
from .modelslab import ModelsLabProvider
from .stability import StabilityProvider
from .transport import HttpClient, HttpPolicy

log = logging.getLogger(__name__)

LABELS = {"stability": "Stability AI", "modelslab": "ModelsLab", "local": "Local Stable Diffusion"}
_DEFAULT_SD_URL = next(f.default for f in fields(Settings) if f.name == "sd_url")


class AllProvidersFailed(GenerationError):
    """Every provider tried failed; ``failures`` lists (provider, message)."""

    def __init__(self, message: str, failures: tuple[ProviderFailure, ...]) -> None:
        super().__init__(message)
        self.failures = failures


def generate(prompt: str, settings: Settings, *, provider: str | None = None,
             seed: int | None = None, cancel: threading.Event | None = None,
             negative_prompt: str | None = None, policy: HttpPolicy | None = None,
             environ: Mapping[str, str] | None = None,
             progress: Callable[[str], None] | None = None) -> GeneratedImage:
    """One verified image for *prompt* from the first provider that delivers.

    *provider* forces one provider (CLI ``--provider``) even if it is not in
    ``providers_enabled``; *seed* makes the request reproducible (random
    otherwise, and the seed used is returned); *cancel* set from another
    thread raises :class:`GenerationCancelled` promptly; *progress* is called
    with a provider's label before each attempt. Raises ConfigError for bad
    arguments or settings, GenerationError (AllProvidersFailed when several
    were tried) otherwise. *environ* defaults to ``os.environ``.
    """
    environ = os.environ if environ is None else environ
    request = build_request(prompt, settings, seed=seed, negative_prompt=negative_prompt)
    providers = configured_providers(settings, provider=provider, environ=environ)
    if not providers:
        raise GenerationError(describe_missing_configuration(settings, provider=provider, environ=environ)
                              or "No text-to-image provider is configured.")
    secrets = tuple(s for p in providers for s in p.secrets())
    failures: list[ProviderFailure] = []
    chain_start = time.monotonic()
    with HttpClient(policy, cancel) as http:
        http.check_cancel()
        for p in providers:
            if progress is not None:
                progress(p.label)
            log.info("text-to-image: asking %s (seed %d)", p.name, request.seed)
            start = time.monotonic()
            try:
                image = p.generate(request, http)
            except GenerationCancelled:
                METRICS.generation_requests.labels(p.name, "cancelled").inc()
                log.info("text-to-image: cancelled while asking %s", p.name)
                raise
            except GenerationError as exc:
                elapsed = time.monotonic() - start
                message = redact(str(exc), secrets)
                METRICS.generation_requests.labels(p.name, "error").inc()
                METRICS.generation_seconds.labels(p.name).observe(elapsed)
                log.warning("text-to-image: %s failed after %.1f s: %s", p.name, elapsed, message)
                failures.append(ProviderFailure(p.name, message))
                continue
            elapsed = time.monotonic() - start
            METRICS.generation_requests.labels(p.name, "success").inc()
            METRICS.generation_seconds.labels(p.name).observe(elapsed)
            log.info("text-to-image: %s answered in %.1f s (%dx%d %s)",
                     p.name, elapsed, image.width, image.height, image.mime)
            timings = dict(image.timings)
            timings["chain_s"] = time.monotonic() - chain_start
            return replace(image, failures=tuple(failures), timings=timings)
    raise _all_failed(tuple(failures))


def build_request(prompt: str, settings: Settings, *, seed: int | None = None,
                  negative_prompt: str | None = None) -> GenerationRequest:
    """Validate the user's prompt and seed; prepend the configured style prefix."""
    text = _normalise(prompt if isinstance(prompt, str) else "")
    if not text:
        raise GenerationError("Type a prompt describing the sticker, e.g. \"a panda drinking tea\".")
    if len(text) > MAX_PROMPT_CHARS:
        raise GenerationError(f"The prompt is {len(text)} characters long; keep it under {MAX_PROMPT_CHARS}.")
    if seed is None:
        seed = random.SystemRandom().randint(1, MAX_SEED)
    elif isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ConfigError(f"The seed must be a whole number from 0 to {MAX_SEED}.")
    prefix = _normalise(settings.prompt_prefix or "")
    negative = _normalise(DEFAULT_NEGATIVE_PROMPT if negative_prompt is None else negative_prompt)
    return GenerationRequest(prompt=f"{prefix} {text}".strip(), seed=seed,
                             negative_prompt=negative[:MAX_PROMPT_CHARS], user_prompt=text)


def configured_providers(settings: Settings, *, provider: str | None = None,
                         environ: Mapping[str, str] | None = None) -> list[Provider]:
    """Providers that can be tried without guessing, in chain order (no network)."""
    environ = os.environ if environ is None else environ
    out: list[Provider] = []
    for name in _names(settings, provider):
        if name == "local":
            if provider == "local" or local_configured(settings, environ):
                out.append(LocalSDProvider(base_url=settings.sd_url))
            continue
        key = get_api_key(name, environ)
        if not key:
            continue
        if name == "stability":
            out.append(StabilityProvider(api_key=key, base_url=settings.stability_url,
                                         endpoint=settings.stability_endpoint,
                                         style_preset=settings.stability_style_preset))
        else:
            out.append(ModelsLabProvider(api_key=key, base_url=settings.modelslab_url))
    return out


def local_configured(settings: Settings, environ: Mapping[str, str] | None = None) -> bool:
    """True when the user deliberately pointed at a local SD server (see module doc)."""
    environ = os.environ if environ is None else environ
    url = (settings.sd_url or "").strip()
    if not url:
        return False
    return url.rstrip("/") != _DEFAULT_SD_URL.rstrip("/") or bool(environ.get(URL_ENV["sd_url"], "").strip())


def describe_missing_configuration(settings: Settings, *, provider: str | None = None,
                                   environ: Mapping[str, str] | None = None) -> str | None:
    """None when something is usable, else one sentence saying what to set."""
    environ = os.environ if environ is None else environ
    names = _names(settings, provider)
    if configured_providers(settings, provider=provider, environ=environ):
        return None
    if not names:
        return ("All text-to-image providers are switched off; enable stability, modelslab "
                "or local in the providers_enabled setting.")
    hints = []
    for name in names:
        if name in ENV_VARS:
            hints.append(f"a {LABELS[name]} key ({ENV_VARS[name]}, or saved in Settings)")
        else:
            hints.append(f"the address of your local Stable Diffusion server "
                         f"({URL_ENV['sd_url']} or the sd_url setting)")
    if provider:
        return f"{LABELS[provider]} is not set up; it needs {hints[0]}."
    return "No text-to-image provider is set up; add " + _or_list(hints) + "."


def _names(settings: Settings, provider: str | None) -> list[str]:
    if provider is not None:
        if provider not in PROVIDERS:
            raise ConfigError(f"Unknown text-to-image provider {provider!r}; use {', '.join(PROVIDERS)}.")
        return [provider]
    enabled = [p for p in settings.providers_enabled if p in PROVIDERS]
    ordered = [p for p in settings.provider_order if p in enabled]
    ordered += [p for p in PROVIDERS if p in enabled and p not in ordered]
    return list(dict.fromkeys(ordered))


def _all_failed(failures: tuple[ProviderFailure, ...]) -> GenerationError:
    if len(failures) == 1:
        return AllProvidersFailed(failures[0].message, failures)
    parts = "; ".join(f"{LABELS[f.provider]}: {f.message.rstrip('.')}" for f in failures)
    return AllProvidersFailed(f"No provider could make the image ({parts}).", failures)


def _normalise(text: str) -> str:
    """Control characters and runs of whitespace become single spaces."""
    text = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)
    return re.sub(r"\s+", " ", text).strip()


def _or_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]
