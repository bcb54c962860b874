from __future__ import annotations

import pytest
from genai_fakes import MODELSLAB_KEY, STABILITY_KEY, FakeServer, png_bytes

from stickerstudio_desktop.config.settings import Settings
from stickerstudio_desktop.genai import HttpPolicy


@pytest.fixture(autouse=True)
def _every_genai_test_has_a_memory_keyring(memory_keyring):
    """Never touch the developer's real keyring."""
    return memory_keyring


@pytest.fixture
def server():
    fake = FakeServer()
    yield fake
    fake.close()


@pytest.fixture
def png() -> bytes:
    return png_bytes()


@pytest.fixture
def policy() -> HttpPolicy:
    """Real timeouts, tiny waits: the suite stays fast without skipping logic."""
    return HttpPolicy(connect_timeout_s=1.0, read_timeout_s=2.0, total_timeout_s=5.0,
                      max_bytes=2 * 1024 * 1024, max_retries=2, backoff_s=0.5,
                      max_retry_wait_s=30.0, min_poll_interval_s=1.0, max_poll_interval_s=10.0,
                      max_poll_wait_s=60.0, time_scale=0.01, cancel_check_s=0.01)


@pytest.fixture
def settings(server) -> Settings:
    return Settings(stability_url=server.url, modelslab_url=server.url, sd_url=server.url)


@pytest.fixture
def keys_env() -> dict[str, str]:
    return {"STABILITY_API_KEY": STABILITY_KEY, "MODELSLAB_API_KEY": MODELSLAB_KEY}
