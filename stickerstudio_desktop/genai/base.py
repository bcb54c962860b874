"""What every text-to-image provider takes, returns and promises.

Providers are small adapters: they turn a :class:`GenerationRequest` into one
paid (or local) image request through the shared :class:`~.transport.HttpClient`
and hand back a decoded, verified :class:`GeneratedImage`. Everything that
leaves this package is free of API keys: keys live only in the provider
objects (hidden from ``repr``) and are scrubbed from any text a server echoes.
"""

from __future__ import annotations

import abc
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Mapping, NamedTuple

from ..errors import GenerationError, ImageLoadError

if TYPE_CHECKING:  # pragma: no cover
    from .transport import HttpClient

#: Things a sticker must not contain; sent with every request.
DEFAULT_NEGATIVE_PROMPT = "text, watermark, signature, frame, blurry, busy background"
MAX_PROMPT_CHARS = 2000
#: Stability's documented seed range is 0..4294967294; the others accept it too.
MAX_SEED = 4_294_967_294

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


class GenerationCancelled(GenerationError):
    """The user cancelled; the chain stops instead of trying the next provider."""


class ProviderFailure(NamedTuple):
    provider: str
    message: str


@dataclass(frozen=True)
class GenerationRequest:
    """One image wanted. ``prompt`` already carries the style prefix."""

    prompt: str
    seed: int
    negative_prompt: str = DEFAULT_NEGATIVE_PROMPT
    user_prompt: str = ""


@dataclass(frozen=True, repr=False)
class GeneratedImage:
    """Verified image bytes plus what the library stores next to them."""

    data: bytes
    mime: str
    provider: str
    prompt: str
    seed: int | None
    width: int
    height: int
    timings: Mapping[str, float] = field(default_factory=dict)
    sent_prompt: str = ""
    failures: tuple[ProviderFailure, ...] = ()

    @property
    def suffix(self) -> str:
        return {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"}[self.mime]

    def metadata(self) -> dict[str, Any]:
        """JSON-ready facts for the library (never contains keys)."""
        return {
            "provider": self.provider,
            "prompt": self.prompt,
            "sent_prompt": self.sent_prompt,
            "seed": self.seed,
            "mime": self.mime,
            "width": self.width,
            "height": self.height,
            "timings": {k: round(float(v), 4) for k, v in self.timings.items()},
            "failed_providers": [f._asdict() for f in self.failures],
        }

    def __repr__(self) -> str:
        return (f"GeneratedImage(provider={self.provider!r}, mime={self.mime!r}, "
                f"size={self.width}x{self.height}, bytes={len(self.data)}, seed={self.seed!r})")


class Provider(abc.ABC):
    """One text-to-image backend. Subclasses never log or raise their key."""

    #: settings / CLI name ("stability", "modelslab", "local")
    name: str = ""
    #: name people read in messages
    label: str = ""

    @abc.abstractmethod
    def generate(self, request: GenerationRequest, http: HttpClient) -> GeneratedImage:
        """Request exactly one image; raise GenerationError with one sentence on failure."""

    def secrets(self) -> tuple[str, ...]:
        """Strings that must never leave the process (API keys)."""
        return ()

    def __repr__(self) -> str:  # subclasses keep keys in repr=False fields
        return f"{type(self).__name__}(name={self.name!r})"


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """Replace every secret in *text* by a marker (servers sometimes echo keys)."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "[redacted]")
    return text


def one_line(text: str, limit: int = 200) -> str:
    """Collapse whitespace and cut long server text for a one-sentence message."""
    text = re.sub(r"\s+", " ", text).strip().rstrip(".")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def sniff_mime(data: bytes) -> str | None:
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def verified_image(data: bytes, service: str, *, max_pixels: int = 50_000_000) -> tuple[str, int, int]:
    """Decode *data* fully before anything is returned; → (mime, width, height).

    The content type a server claims is checked by the transport; this checks
    what the bytes really are, so a truncated or disguised body never reaches
    the pipeline or the library.
    """
    mime = sniff_mime(data)
    if mime is None:
        raise GenerationError(f"{service} sent data that is not a PNG, JPEG or WebP image.")
    from ..imaging import load_image  # lazy: keeps genai importable on its own

    try:
        image = load_image(data, max_pixels=max_pixels)
    except ImageLoadError as exc:
        raise GenerationError(f"{service} sent an image that could not be decoded ({one_line(str(exc))}).") from None
    width, height = image.size
    return mime, int(width), int(height)
