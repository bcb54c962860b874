"""Text to image: Stability AI, ModelsLab and a local Stable Diffusion server.

Entry point for the CLI and GUI::

    from stickerstudio_desktop.genai import generate
    image = generate("a panda drinking tea", settings, cancel=event)
    image.data, image.mime, image.provider, image.seed, image.metadata()
"""

from .base import (
    GeneratedImage,
    GenerationCancelled,
    GenerationRequest,
    Provider,
    ProviderFailure,
)
from .chain import (
    AllProvidersFailed,
    build_request,
    configured_providers,
    describe_missing_configuration,
    generate,
    local_configured,
)
from .keys import delete_api_key, get_api_key, key_source, save_api_key
from .transport import HttpPolicy

__all__ = [
    "AllProvidersFailed", "GeneratedImage", "GenerationCancelled", "GenerationRequest",
    "HttpPolicy", "Provider", "ProviderFailure", "build_request", "configured_providers",
    "delete_api_key", "describe_missing_configuration", "generate", "get_api_key",
    "key_source", "local_configured", "save_api_key",
]
