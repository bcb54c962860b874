"""Packs in the gallery: the sidebar, adding by menu and by drag, emojis, and the export dialog."""

from __future__ import annotations

import io
import zipfile

from PIL import Image, ImageOps
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QInputDialog, QMenu

from tests.conftest import SAMPLES
from tests.ui.helpers import wait_idle

PHOTOS = ("chelsea.jpg", "coffee.jpg", "astronaut.jpg", "grace_hopper.jpg")


def add_photo_stickers(library, captions):
    """Real sample photos, fitted to 512×512, saved in the window's library as stickers."""
    entries = []
    for photo, caption in zip(PHOTOS, captions):
        with Image.open(SAMPLES / photo) as im:
            img = ImageOps.fit(im.convert("RGBA"), (512, 512))
        webp, png = io.BytesIO(), io.BytesIO()
        img.save(webp, "WEBP", quality=70)
        img.save(png, "PNG")
        entries.append(library.add(kind="sticker", data=webp.getvalue(), fmt="webp", width=512, height=512,
                                   title=caption, master_png=png.getvalue()))
    return entries


def open_gallery(qtbot, window):
    window.gallery_view.trigger()
    wait_idle(qtbot, window)
    return window.gallery


def rows(gallery):
    return [gallery.sidebar.list.item(i).text() for i in range(gallery.sidebar.list.count())]


def select_pack(gallery, name):
    gallery.sidebar.select(name)
    assert gallery.pack_name == name


def menu_action(menu, text):
    for act in menu.actions():
        if act.text() == text:
            return act
        if act.menu() is not None and (found := menu_action(act.menu(), text)) is not None:
            return found
    return None


def context_action(gallery, entry, text):
    """Trigger the gallery's own context-menu action *text* for *entry*."""
    menu = QMenu(gallery)
    gallery._pack_menu(menu, entry)
    act = menu_action(menu, text)
    assert act is not None, f"no {text!r} in the menu"
    assert act.isEnabled()
    act.trigger()


def drop(qtbot, gallery, entries, view, target_item):
    """Drop gallery stickers (the list's own drag data) on *target_item* of *view*; the drop event."""
    items = [gallery.list.item(i) for i in range(gallery.list.count())
             if gallery.list.item(i).data(Qt.ItemDataRole.UserRole + 1).id in {e.id for e in entries}]
    mime = gallery.list.mimeData(items)
    point = QPointF(view.visualItemRect(target_item).center())
    event = QDropEvent(point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    signal = view.stickersDropped if view is gallery.sidebar.list else view.reorderDropped
    with qtbot.waitSignal(signal, timeout=1000, raising=False) as applied:  # once the drag has ended
        view.dropEvent(event)
    assert applied.signal_triggered == event.isAccepted()
    return event


def drop_on_pack(qtbot, gallery, entries, pack):
    side = gallery.sidebar.list
    row = next(i for i in range(side.count()) if side.item(i).data(Qt.ItemDataRole.UserRole + 2) == pack)
    return drop(qtbot, gallery, entries, side, side.item(row))


def answer_name_dialog(text):
    """Type *text* into the name dialog about to open, and press OK."""
    def answer():
        dlg = QApplication.activeModalWidget()
        assert isinstance(dlg, QInputDialog)
        dlg.setTextValue(text)
        dlg.accept()
    QTimer.singleShot(0, answer)


def test_sidebar_creates_renames_deletes_and_filters(qtbot, window):
    entries = add_photo_stickers(window.controller.library, ["Good morning", "Coffee time"])
    gallery = open_gallery(qtbot, window)
    assert rows(gallery) == ["All stickers  (2)"]
    assert not gallery.sidebar.rename_button.isEnabled()

    answer_name_dialog("Cats")
    gallery.sidebar.new_button.click()
    assert rows(gallery) == ["All stickers  (2)", "Cats  (0)"]
    assert gallery.pack_name == "Cats" and gallery.list.count() == 0
    assert "This pack is empty" in gallery.empty.text()

    select_pack(gallery, None)
    context_action(gallery, entries[1], "Cats")
    assert rows(gallery) == ["All stickers  (2)", "Cats  (1)"]
    select_pack(gallery, "Cats")
    assert [e.id for e in gallery.entries] == [entries[1].id]
    assert gallery.sidebar.rename_button.isEnabled()

    assert gallery.packs.rename("Cats", "Morning")
    assert rows(gallery) == ["All stickers  (2)", "Morning  (1)"] and gallery.pack_name == "Morning"
    assert not gallery.packs.create("Morning")  # refused: the library's sentence is shown
    assert "already is a sticker pack" in window.message_bar.text_label.text()
    select_pack(gallery, None)
    answer_name_dialog("Dogs ")
    context_action(gallery, entries[0], "New pack…")
    assert gallery.pack_name == "Dogs" and [e.id for e in gallery.entries] == [entries[0].id]
    assert gallery.packs.delete("Morning") and gallery.packs.delete("Dogs")
    assert rows(gallery) == ["All stickers  (2)"] and gallery.list.count() == 2
    assert len(window.controller.library.items()) == 2  # deleting a pack keeps its stickers


def test_drag_onto_pack_then_reorder_and_remove(qtbot, window):
    entries = add_photo_stickers(window.controller.library, ["One", "Two", "Three"])
    window.controller.library.packs.create("Trip")
    gallery = open_gallery(qtbot, window)
    assert gallery.list.dragEnabled()
    assert drop_on_pack(qtbot, gallery, [entries[2]], "Trip").isAccepted()
    drop_on_pack(qtbot, gallery, [entries[0]], "Trip")
    assert "Trip  (2)" in rows(gallery)
    assert drop_on_pack(qtbot, gallery, [entries[1]], None).isAccepted() is False  # "All stickers" is no pack

    select_pack(gallery, "Trip")
    assert [e.title for e in gallery.entries] == ["Three", "One"]
    context_action(gallery, entries[0], "Use as the pack's tray icon")
    assert window.controller.library.packs.get("Trip").tray.entry.id == entries[0].id
    context_action(gallery, entries[0], "Move earlier")
    assert [e.title for e in gallery.entries] == ["One", "Three"]
    drop(qtbot, gallery, [entries[0]], gallery.list, gallery.list.item(1))  # dragged onto the last place
    assert [e.title for e in gallery.entries] == ["Three", "One"]
    context_action(gallery, entries[0], "Remove from “Trip”")
    assert [e.title for e in gallery.entries] == ["Three"]
    assert [s.entry.id for s in window.controller.library.packs.get("Trip").stickers] == [entries[2].id]
    select_pack(gallery, None)
    assert drop(qtbot, gallery, [entries[0]], gallery.list, gallery.list.item(1)).isAccepted() is False


def test_delete_key_in_a_pack_removes_from_the_pack_and_keeps_the_sticker(qtbot, window):
    entries = add_photo_stickers(window.controller.library, ["One", "Two"])
    window.controller.library.packs.create("Trip")
    gallery = open_gallery(qtbot, window)
    drop_on_pack(qtbot, gallery, entries, "Trip")
    select_pack(gallery, "Trip")
    gallery.list.setCurrentRow(0)
    chosen = gallery.selected_entry()
    assert gallery.delete_button.text() == "Remove from pack"
    gallery.list.setFocus()
    qtbot.keyClick(gallery.list, Qt.Key.Key_Delete)
    wait_idle(qtbot, window)
    assert [e.id for e in gallery.entries] == [({e.id for e in entries} - {chosen.id}).pop()]
    assert "still in All stickers" in window.message_bar.text_label.text()
    assert {e.id for e in window.controller.library.items()} == {entries[0].id, entries[1].id}
    select_pack(gallery, None)
    assert gallery.delete_button.text() == "Delete"
    row = next(i for i in range(gallery.list.count())
               if gallery.list.item(i).data(Qt.ItemDataRole.UserRole + 1).id == chosen.id)
    gallery.list.setCurrentRow(row)
    qtbot.keyClick(gallery.list, Qt.Key.Key_Delete)  # outside a pack: to the trash, with undo
    wait_idle(qtbot, window)
    assert chosen.id not in [e.id for e in window.controller.library.items()]


def test_details_dialog_edits_publisher_and_identifier_and_refuses_a_bad_one(qtbot, window):
    from stickerstudio_desktop.ui.pack_details_dialog import PackDetailsDialog

    store = window.controller.library.packs
    store.create("Trip")
    gallery = open_gallery(qtbot, window)
    select_pack(gallery, "Trip")
    assert gallery.sidebar.details_button.isEnabled()
    seen = []

    def answer():
        dlg = QApplication.activeModalWidget()
        assert isinstance(dlg, PackDetailsDialog)
        dlg.publisher.setText("Ada Studio")
        dlg.identifier.setText("bad id with spaces")
        assert not dlg.save() and dlg.isVisible()  # refused: the sentence shows, the dialog stays open
        seen.append(dlg.error.text())
        dlg.identifier.setText("ada.trip-2026")
        assert dlg.save()
    QTimer.singleShot(0, answer)
    gallery.sidebar.details_button.click()
    assert seen and seen[0].endswith(".") and len(seen[0].splitlines()) == 1
    pack = store.get("Trip")
    assert (pack.publisher, pack.identifier) == ("Ada Studio", "ada.trip-2026")
    assert "Saved the details" in window.message_bar.text_label.text() and gallery.pack_name == "Trip"
    select_pack(gallery, None)
    assert not gallery.sidebar.details_button.isEnabled()


def test_several_selected_stickers_drag_and_add_together_in_order(qtbot, window):
    from PySide6.QtCore import QItemSelectionModel

    entries = add_photo_stickers(window.controller.library, ["One", "Two", "Three"])
    store = window.controller.library.packs
    store.create("Trip")
    store.create("Home")
    gallery = open_gallery(qtbot, window)
    rows_of = {gallery.list.item(i).data(Qt.ItemDataRole.UserRole + 1).id: i for i in range(gallery.list.count())}
    flags = QItemSelectionModel.SelectionFlag.Select

    def select_two():
        gallery.list.clearSelection()
        for e in (entries[0], entries[2]):  # Ctrl+click two of the three
            gallery.list.selectionModel().select(gallery.list.model().index(rows_of[e.id], 0), flags)

    select_two()
    chosen = [e.id for e in gallery.selected_entries()]
    assert sorted(chosen) == sorted([entries[0].id, entries[2].id])
    assert drop_on_pack(qtbot, gallery, gallery.selected_entries(), "Trip").isAccepted()
    assert sorted(s.entry.id for s in store.get("Trip").stickers) == sorted(chosen)
    select_two()  # adding refreshed the gallery
    context_action(gallery, entries[2], "Home")  # its menu on one of the selection adds both
    assert [s.entry.id for s in store.get("Home").stickers] == chosen
    context_action(gallery, entries[1], "Trip")  # an unselected sticker is added on its own
    assert [s.entry.id for s in store.get("Trip").stickers][-1] == entries[1].id


def test_emoji_field_suggests_checks_and_saves(qtbot, window):
    entries = add_photo_stickers(window.controller.library, ["Good morning ☕"])
    gallery = open_gallery(qtbot, window)
    assert gallery.packs.create("Mornings") and gallery.packs.add("Mornings", [entries[0].id], "Mornings")
    select_pack(gallery, "Mornings")
    field = gallery.emoji_field
    assert field.isVisible() and not field.isEnabled()  # nothing selected yet
    gallery.select_first()
    assert field.isEnabled() and field.edit.text() == "☕ 👍 ☀️"  # suggested from the caption

    field.edit.clear()
    qtbot.keyClicks(field.edit, "hi")
    assert field.problem.isVisible() and "Only emojis" in field.problem.text()
    field.edit.setText("😀 😂 🎉 🐱")
    field.edit.editingFinished.emit()
    assert "at most 3" in field.problem.text()
    assert window.controller.library.packs.get("Mornings").stickers[0].emojis == ("☕", "👍", "☀️")  # not stored

    field.edit.setText("🐱 🎉")
    field.edit.editingFinished.emit()
    assert not field.problem.isVisible()
    assert window.controller.library.packs.get("Mornings").stickers[0].emojis == ("🐱", "🎉")
    cat = next(b for b in field.picker.buttons if b.text() == "🐱")
    next(b for b in field.picker.buttons if b.text() == "🚀").click()
    assert window.controller.library.packs.get("Mornings").stickers[0].emojis == ("🐱", "🎉", "🚀")
    cat.click()  # already there: kept once
    assert window.controller.library.packs.get("Mornings").stickers[0].emojis == ("🐱", "🎉", "🚀")
    next(b for b in field.picker.buttons if b.text() == "🔥").click()
    assert "at most 3" in field.problem.text()
    field.suggest_button.click()

    alt = gallery.alt_field
    assert alt.isEnabled() and alt.edit.text() == ""
    qtbot.keyClicks(alt.edit, "A  cat   wishing good morning")
    alt.edit.editingFinished.emit()
    assert window.controller.library.packs.get("Mornings").stickers[0].accessibility_text == \
        "A cat wishing good morning"
    assert gallery.alt_field.edit.text() == "A cat wishing good morning"  # shown as stored
    assert window.controller.library.packs.get("Mornings").stickers[0].emojis == ("☕", "👍", "☀️")


def test_export_dialog_checks_rules_and_writes_off_the_gui_thread(qtbot, window, tmp_path):
    library = window.controller.library
    entries = add_photo_stickers(library, ["Hello", "Thanks", "Party time"])
    library.packs.create("Friends")
    gallery = open_gallery(qtbot, window)
    gallery.packs.add("Friends", [e.id for e in entries[:2]], "Friends")
    window.prefs.set_text("export_dir", str(tmp_path))
    gallery.sidebar.export_button.click()
    dlg = window.pack_dialog
    qtbot.waitUntil(dlg.isVisible)

    checks = [dlg.checks.item(i).text() for i in range(dlg.checks.count())]
    assert "needs at least 3" in checks[0] and checks[1].startswith("Telegram: all rules met")
    assert dlg.platform_name == "whatsapp" and not dlg.write_button.isEnabled()

    dlg.platform.setCurrentIndex(dlg.platform.findData("telegram"))
    assert dlg.write_button.isEnabled()
    assert dlg.target.text() == str(tmp_path / "friends-telegram")
    with qtbot.waitSignal(dlg.exported, timeout=60_000) as done:
        dlg.write_button.click()
        assert not dlg.write_button.isEnabled()  # running on the task runner
    written = done.args[0].path
    assert sorted(p.name for p in written.iterdir())[:2] == ["01.webp", "02.webp"]
    assert "Wrote 2 stickers for Telegram" in dlg.status.text()
    dlg.write_button.click()  # the same folder again: refused with the exporter's sentence, nothing replaced
    qtbot.waitUntil(lambda: "already exists" in dlg.status.text(), timeout=60_000)
    assert dlg.write_button.isEnabled() and (written / "01.webp").exists()

    gallery.packs.add("Friends", [entries[2].id], "Friends")
    dlg.platform.setCurrentIndex(dlg.platform.findData("whatsapp"))
    assert "has no publisher" in dlg.results["whatsapp"] and not dlg.write_button.isEnabled()
    dlg.publisher.setText("Sticker Studio tests")
    assert dlg.results["whatsapp"] is None and dlg.write_button.isEnabled()
    with qtbot.waitSignal(dlg.exported, timeout=120_000) as done:
        dlg.write_button.click()
    with zipfile.ZipFile(done.args[0].path) as z:
        assert {"contents.json", "tray.png"} <= set(z.namelist())
    assert library.packs.get("Friends").publisher == "Sticker Studio tests"


def test_export_dialog_uploads_to_a_fake_bot_api_with_a_pasted_token(qtbot, window, monkeypatch, memory_keyring):
    from stickerstudio_desktop.packs.telegram_bot import API_URL_ENV, TOKEN_ENV
    from tests.packs.test_telegram_upload import BOT, OWNER, TOKEN, FakeBotApi

    api = FakeBotApi()
    monkeypatch.setenv(API_URL_ENV, api.url)
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    try:
        library = window.controller.library
        entries = add_photo_stickers(library, ["Hello", "Thanks"])
        library.packs.create("Friends")
        gallery = open_gallery(qtbot, window)
        gallery.packs.add("Friends", [e.id for e in entries], "Friends")
        gallery.sidebar.export_button.click()
        dlg = window.pack_dialog
        qtbot.waitUntil(dlg.isVisible)
        assert not dlg.upload_button.isVisible()  # WhatsApp chosen: no upload
        dlg.platform.setCurrentIndex(dlg.platform.findData("telegram"))
        assert dlg.upload_button.isVisible() and not dlg.upload_button.isEnabled()  # no owner, no token
        dlg.user_id.setText(str(OWNER))
        assert not dlg.upload_button.isEnabled()
        dlg.token.setText(TOKEN)
        assert dlg.upload_button.isEnabled()
        dlg.upload_button.click()
        qtbot.waitUntil(lambda: "Created" in dlg.status.text() or "Error" == dlg.status.objectName(),
                        timeout=120_000)
        assert f"Created friends_by_{BOT} with 2 stickers" in dlg.status.text(), dlg.status.text()
        assert len(api.sets[f"friends_by_{BOT}"]) == 2
        assert memory_keyring.store[("StickerStudio", "telegram-bot")] == TOKEN and dlg.token.text() == ""
        assert "system keyring" in dlg.token.placeholderText() and TOKEN not in dlg.status.text()
    finally:
        api.close()


def test_packs_screenshot_view_from_command_line(tmp_path, qapp):
    from stickerstudio_desktop.cli import main
    from stickerstudio_desktop.jobs.context import AppContext

    library = AppContext.create().library  # the test's private home, as `stickerstudio gui` opens it
    entries = add_photo_stickers(library, ["Hello", "Thanks"])
    library.packs.create("Shown")
    library.packs.add("Shown", entries[1].id, ["🙏"])
    out = tmp_path / "packs.png"
    assert main(["gui", "--view", "packs", "--screenshot", str(out)]) == 0
    with Image.open(out) as im:
        assert im.width >= 1000 and im.height >= 600
