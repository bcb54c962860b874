"""Generate in the window against a real AUTOMATIC1111-style server on 127.0.0.1."""

from __future__ import annotations

from stickerstudio_desktop.library import Library
from tests.ui.helpers import wait_for_sticker, wait_idle


def use_local_sd(window, monkeypatch, url):
    monkeypatch.setenv("STICKERSTUDIO_SD_URL", url)
    window.controller.settings.sd_url = url


def test_generate_makes_a_sticker_and_keeps_the_image(qtbot, window, sd_server, monkeypatch, cli_app):
    use_local_sd(window, monkeypatch, sd_server["url"])
    window.controller.generate("a cup of coffee")
    wait_for_sticker(qtbot, window)
    assert [p for p, _ in sd_server["requests"]] == ["/sdapi/v1/txt2img"]
    assert "a cup of coffee" in sd_server["requests"][0][1]["prompt"]
    (gen,) = Library(cli_app.paths.library).items(kind="generated")
    assert gen.meta["provider"] == "local" and gen.meta["prompt"] == "a cup of coffee"
    assert "local" in window.message_bar.text_label.text()
    # a sticker saved from it points at the kept image, so it re-opens editable (as one made by the CLI does)
    assert window.controller.source_meta["source_path"] == str(gen.path.resolve())


def test_generate_with_nothing_configured_explains_without_calling_anyone(qtbot, window, sd_server, monkeypatch):
    for var in ("STABILITY_API_KEY", "MODELSLAB_API_KEY", "STICKERSTUDIO_SD_URL"):
        monkeypatch.delenv(var, raising=False)
    window.controller.generate("a panda")
    qtbot.waitUntil(lambda: window.message_bar.isVisible() and window.message_bar.level == "error", timeout=30_000)
    wait_idle(qtbot, window)
    assert "Settings" in window.message_bar.text_label.text()
    assert sd_server["requests"] == [] and window.controller.sticker is None


def test_generation_can_be_cancelled(qtbot, window, sd_server, monkeypatch, cli_app):
    use_local_sd(window, monkeypatch, sd_server["url"])
    sd_server["hold"].clear()  # the server sits on the request
    window.controller.generate("a slow panda")
    qtbot.waitUntil(lambda: len(sd_server["requests"]) == 1, timeout=30_000)
    window.controller.cancel()
    qtbot.waitUntil(lambda: "cancelled" in window.message_bar.text_label.text().lower(), timeout=30_000)
    wait_idle(qtbot, window)
    assert window.controller.sticker is None
    assert Library(cli_app.paths.library).items(kind="generated") == []
