"""Image sources: small plug-ins that yield candidate images, remembering where they stopped."""

from .base import Candidate, Source, SourceSkip, SourceSpec, SourceStop, parse_source
from .factory import open_source

__all__ = ["Candidate", "Source", "SourceSkip", "SourceSpec", "SourceStop", "open_source", "parse_source"]
