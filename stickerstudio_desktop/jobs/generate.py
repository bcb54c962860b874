"""Text → image with the configured providers; the image is kept in the library."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import GenerationError
from .control import JobControl, SilentControl

if TYPE_CHECKING:
    from ..genai import GeneratedImage
    from ..library import LibraryEntry
    from .context import AppContext


@dataclass(frozen=True)
class GenerateOptions:
    prompt: str
    provider: str | None = None  # force one provider (even a disabled one)
    seed: int | None = None
    #: Appended when no provider is configured: where this door lets the user add one.
    setup_hint: str = ""


@dataclass(frozen=True)
class Generated:
    image: GeneratedImage
    entry: LibraryEntry


def generate_image(ctx: AppContext, options: GenerateOptions, control: JobControl | None = None) -> Generated:
    """Ask each configured provider in turn; cancel is honoured mid-request."""
    control = control or SilentControl()
    try:
        from ..genai import chain
    except ImportError as exc:
        raise GenerationError("Text-to-image is not available: the genai component could not "
                              f"be loaded ({exc}).") from None
    missing = chain.describe_missing_configuration(ctx.settings, provider=options.provider)
    if missing:
        raise GenerationError(f"{missing} {options.setup_hint}".strip())
    result = chain.generate(options.prompt, ctx.settings, provider=options.provider, seed=options.seed,
                            cancel=control.cancel_event,
                            progress=lambda label: control.report(-1, f"Asking {label}…"))
    entry = ctx.library.add(kind="generated", data=result.data, fmt=result.suffix.lstrip("."),
                            width=result.width, height=result.height, title=options.prompt,
                            meta=result.metadata())
    return Generated(result, entry)
