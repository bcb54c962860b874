"""Gallery: thumbnails from the library, re-open, re-export, copy, delete with undo."""

from __future__ import annotations

from PIL import Image
from PySide6.QtGui import QGuiApplication

from tests.ui.helpers import wait_for_sticker, wait_idle


def save_one(qtbot, window, sample, caption="Gallery cat"):
    window.controls.set_caption(caption)
    window.open_paths([sample])
    wait_for_sticker(qtbot, window)
    with qtbot.waitSignal(window.controller.saved, timeout=30_000) as saved:
        window.save_action.trigger()
    return saved.args[0]


def test_gallery_lists_saved_stickers_with_thumbnails(qtbot, window, sample):
    entry = save_one(qtbot, window, sample)
    window.gallery_view.trigger()
    qtbot.waitUntil(lambda: window.gallery.list.count() == 1, timeout=10_000)
    item = window.gallery.list.item(0)
    assert item.text() == "Gallery cat"
    assert "512×512 WEBP" in item.toolTip()
    wait_idle(qtbot, window)  # thumbnails decode on a worker
    size = item.icon().actualSize(window.gallery.list.iconSize())
    assert size.width() >= 100
    assert window.gallery.entries[0].id == entry.id


def test_reopen_restores_caption_and_photo(qtbot, window, sample):
    save_one(qtbot, window, sample, caption="Round trip")
    window.controls.set_caption("something else")
    window.gallery_view.trigger()
    qtbot.waitUntil(lambda: window.gallery.list.count() == 1, timeout=10_000)
    window.gallery.select_first()
    window.gallery.open_button.click()
    assert window.tabs.currentIndex() == 0
    qtbot.waitUntil(lambda: window.controller.sticker is not None
                    and window.controller.sticker.made is not None
                    and window.controller.sticker.made.style.caption == "Round trip"
                    and not window.controller.busy, timeout=30_000)
    assert window.controls.caption.text() == "Round trip"
    assert window.controller.photo is not None  # the original photo is back: fully editable


def test_reopen_without_photo_shows_the_saved_image(qtbot, window, sample):
    entry = save_one(qtbot, window, sample, caption="Orphan")
    sample.unlink()  # the photo is gone; the library still has the master PNG
    window.controller.reopen(entry)
    qtbot.waitUntil(lambda: window.controller.sticker is not None and window.controller.sticker.made is None,
                    timeout=30_000)
    wait_idle(qtbot, window)
    assert window.preview.has_sticker
    assert not window.save_action.isEnabled() and window.copy_action.isEnabled()
    window.controls.set_caption("edit me")
    assert window.message_bar.isVisible() and "without its photo" in window.message_bar.text_label.text()


def test_export_entry_to_another_preset(qtbot, window, sample, tmp_path):
    entry = save_one(qtbot, window, sample)
    target = tmp_path / "for-discord.png"
    window.controller.export_entry(entry, "discord", target)
    qtbot.waitUntil(target.is_file, timeout=30_000)
    wait_idle(qtbot, window)
    with Image.open(target) as im:
        assert im.format == "PNG" and im.size == (320, 320) and im.mode == "RGBA"


def test_copy_entry_puts_it_on_clipboard(qtbot, window, sample):
    entry = save_one(qtbot, window, sample)
    QGuiApplication.clipboard().clear()
    with qtbot.waitSignal(window.controller.copied, timeout=30_000):
        window.controller.copy_entry(entry)
    assert QGuiApplication.clipboard().mimeData().hasFormat("image/png")


def test_delete_and_undo(qtbot, window, sample):
    entry = save_one(qtbot, window, sample)
    window.gallery_view.trigger()
    qtbot.waitUntil(lambda: window.gallery.list.count() == 1, timeout=10_000)
    window.gallery.select_first()
    window.gallery.delete_button.click()
    assert window.gallery.list.count() == 0
    assert not entry.path.exists()
    assert window.message_bar.action_button.isVisible() and window.undo_action.isEnabled()

    window.message_bar.action_button.click()  # Undo
    assert window.gallery.list.count() == 1
    assert entry.path.is_file()
    assert "Restored" in window.message_bar.text_label.text()
    assert not window.undo_action.isEnabled()


def test_a_sticker_made_by_the_cli_reopens_in_the_window_with_its_photo_and_style(qtbot, window, sample):
    from stickerstudio_desktop.cli import main

    assert main(["make", str(sample), "--caption", "From the CLI", "--font", "Lobster Two", "--outline", "4",
                 "--color", "#FF8800", "--position", "top", "--preset", "telegram"]) == 0
    (entry,) = window.controller.library.items()
    assert entry.meta["source_path"] == str(sample.resolve())
    window.controller.reopen(entry)
    qtbot.waitUntil(lambda: window.controller.sticker is not None
                    and window.controller.sticker.made is not None and not window.controller.busy,
                    timeout=60_000)
    assert window.controller.photo is not None  # from its photo, not as a flat image
    style = window.controller.sticker.made.style
    assert (style.caption, style.font, style.outline_px, style.text_color, style.position) == (
        "From the CLI", "Lobster Two", 4, "#FF8800", "top")
    assert window.controls.caption.text() == "From the CLI"
    assert window.controller.preset == "telegram" and window.controls.preset.currentData() == "telegram"
