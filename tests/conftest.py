"""Shared test set-up: offscreen Qt, a private home per test, one model cache."""

from __future__ import annotations

import os
from pathlib import Path

import keyring
import keyring.backend
import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("STICKERSTUDIO_MODEL_CACHE", str(ROOT / ".cache" / "models"))
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("YOLO_OFFLINE", "1")
os.environ.setdefault("YOLO_AUTOINSTALL", "False")

SAMPLES = ROOT / "resources" / "samples"
TEST_DATA = ROOT / "tests" / "data"


@pytest.fixture(autouse=True)
def private_home(tmp_path_factory, monkeypatch) -> Path:
    """Every test gets its own STICKERSTUDIO_HOME; nothing touches the real user dirs."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("STICKERSTUDIO_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def no_real_keyring(monkeypatch):
    """No test may read or write the machine's keyring: the "fail" backend unless a test sets its own.

    Set both ways: PYTHON_KEYRING_BACKEND only counts before keyring first initialises.
    """
    import keyring
    from keyring.backends import fail

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A real keyring backend that keeps passwords in a dict."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def memory_keyring(no_real_keyring) -> MemoryKeyring:
    """A real, working keyring for this test only: what is saved can be read back."""
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    return ring


@pytest.fixture(scope="session")
def photos() -> list[Path]:
    """Real photos we may redistribute (see resources/samples/LICENSES.md, tests/data)."""
    return sorted(SAMPLES.glob("*.jpg")) + sorted(TEST_DATA.glob("*.jpg"))


@pytest.fixture(scope="session")
def shared_pipeline(tmp_path_factory):
    """One Pipeline for read-only engine tests (sessions load once)."""
    from stickerstudio_desktop.config.paths import app_paths
    from stickerstudio_desktop.engine.pipeline import Pipeline

    return Pipeline(paths=app_paths(tmp_path_factory.mktemp("pipeline-home")))


@pytest.fixture
def sd_server():
    """A real AUTOMATIC1111-style server on 127.0.0.1 answering with a real photo.

    Yields {"url", "requests": [(path, json body)], "hold": Event}; clear `hold` to make it
    sit on a request (for cancellation tests).
    """
    import base64
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    state = {"requests": [], "hold": threading.Event()}
    state["hold"].set()
    photo = base64.b64encode((SAMPLES / "coffee.jpg").read_bytes()).decode()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state["requests"].append((self.path, body))
            state["hold"].wait(20)
            data = json.dumps({"images": [photo], "info": "{}"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state["url"] = f"http://127.0.0.1:{server.server_port}"
    yield state
    state["hold"].set()
    server.shutdown()
    server.server_close()
