"""`pack upload --to telegram` against a fake Bot API on 127.0.0.1, with stickers made from real photos."""

from __future__ import annotations

import email.parser
import email.policy
import io
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from PIL import Image

from stickerstudio_desktop.cli import main
from stickerstudio_desktop.errors import ConfigError, UploadError
from stickerstudio_desktop.packs.telegram_bot import (
    API_URL_ENV,
    TOKEN_ENV,
    RetryPolicy,
    TelegramBot,
    bot_token,
    forget_bot_token,
    save_bot_token,
    token_source,
)

TOKEN = "123456789:AAtestTOKENnotREAL_abcdefghijkl"
BOT = "studio_test_bot"
OWNER = 4242


class FakeBotApi:
    """The Bot API methods an upload uses, with real state: sets, uploaded files, scripted failures."""

    def __init__(self) -> None:
        self.sets: dict[str, list[dict]] = {}
        self.files: dict[str, bytes] = {}
        self.thumbnails: dict[str, bytes] = {}
        self.calls: list[tuple[str, dict]] = []
        self.fail: dict[str, list[tuple[int, dict]]] = {}  # method → queued (status, body) answers
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, answer = fake.answer(self.path, self.headers.get("Content-Type", ""), body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, args=(0.01,), daemon=True).start()

    @staticmethod
    def form(content_type: str, body: bytes) -> dict:
        if content_type.startswith("multipart/"):
            msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                f"Content-Type: {content_type}\r\n\r\n".encode() + body)
            parts = {}
            for p in msg.iter_parts():
                data = p.get_payload(decode=True)
                parts[p.get_param("name", header="content-disposition")] = data if p.get_filename() else data.decode()
            return parts
        return {k: v[0] for k, v in parse_qs(body.decode()).items()}

    def answer(self, path: str, content_type: str, body: bytes) -> tuple[int, dict]:
        _, bot, method = path.split("/")
        form = self.form(content_type, body)
        self.calls.append((method, form))
        if bot != f"bot{TOKEN}":
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if self.fail.get(method):
            return self.fail[method].pop(0)
        if method == "getMe":
            return 200, {"ok": True, "result": {"id": 1, "is_bot": True, "username": BOT}}
        user = form.get("user_id")
        if method != "getStickerSet" and int(user) != OWNER:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: PEER_ID_INVALID"}
        name = form.get("name")
        if method == "getStickerSet":
            if name not in self.sets:
                return 400, {"ok": False, "error_code": 400, "description": "Bad Request: STICKERSET_INVALID"}
            return 200, {"ok": True, "result": {"name": name, "stickers": self.sets[name]}}
        if method == "uploadStickerFile":
            file_id = f"file{len(self.files)}"
            self.files[file_id] = form["sticker"]
            magic = {"static": (b"\x89PNG", b"RIFF"), "video": (b"\x1a\x45\xdf\xa3",)}[form["sticker_format"]]
            assert form["sticker"][:4] in magic
            return 200, {"ok": True, "result": {"file_id": file_id}}
        if method == "createNewStickerSet":
            if name in self.sets or not name.endswith(f"_by_{BOT}"):
                return 400, {"ok": False, "error_code": 400, "description": "Bad Request: STICKERSET_INVALID"}
            self.sets[name] = json.loads(form["stickers"])
            return 200, {"ok": True, "result": True}
        if method == "setStickerSetThumbnail":
            assert name in self.sets and form["format"] == "static"
            self.thumbnails[name] = form["thumbnail"]
            return 200, {"ok": True, "result": True}
        if method == "addStickerToSet":
            self.sets[name].append(json.loads(form["sticker"]))
            return 200, {"ok": True, "result": True}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def api(monkeypatch):
    fake = FakeBotApi()
    monkeypatch.setenv(API_URL_ENV, fake.url)
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    yield fake
    fake.close()


def bot(**retry) -> TelegramBot:
    return TelegramBot(bot_token(), retry=RetryPolicy(time_scale=0.01, **retry))


def test_a_real_pack_creates_a_set_then_extends_it(api, made, new_pack):
    ctx, entries = made
    pack = new_pack("Real photos", 3)
    up = bot().upload(pack, OWNER)
    assert (up.set_name, up.created, up.added) == (f"real_photos_by_{BOT}", True, 3)
    assert up.link == f"https://t.me/addstickers/real_photos_by_{BOT}"
    (stickers,) = api.sets.values()
    assert [s["emoji_list"] for s in stickers] == [list(s.emojis) for s in pack.stickers]
    assert all(s["format"] == "static" for s in stickers)
    for s in stickers:
        with Image.open(io.BytesIO(api.files[s["sticker"]])) as im:
            assert max(im.size) == 512 and im.format in ("PNG", "WEBP")
        assert len(api.files[s["sticker"]]) <= 512 * 1024
    create = [form for method, form in api.calls if method == "createNewStickerSet"]
    assert create[0]["title"] == "Real photos"
    thumb = api.thumbnails[up.set_name]
    with Image.open(io.BytesIO(thumb)) as im:
        assert im.size == (100, 100) and im.format in ("PNG", "WEBP") and len(thumb) <= 128 * 1024
    ctx.library.packs.add("Real photos", entries[3].id, ["🚀"])
    again = bot().upload(ctx.library.packs.get("Real photos"), OWNER)
    assert (again.created, again.added) == (False, 1) and len(api.sets[up.set_name]) == 4
    assert api.sets[up.set_name][-1]["emoji_list"] == ["🚀"]
    assert bot().upload(ctx.library.packs.get("Real photos"), OWNER).added == 0  # nothing new, nothing sent


def test_429_is_retried_after_its_wait_and_a_long_wait_is_one_sentence(api, made, new_pack):
    pack = new_pack("Busy", 1)
    too_many = {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1}}
    api.fail["uploadStickerFile"] = [(429, too_many), (429, too_many)]
    assert bot().upload(pack, OWNER).added == 1
    assert [m for m, _ in api.calls].count("uploadStickerFile") == 3
    api.fail["getMe"] = [(429, {**too_many, "parameters": {"retry_after": 600}})]
    with pytest.raises(UploadError, match=r"^Telegram is limiting this bot; wait 600 s and try the upload again\.$"):
        bot().upload(pack, OWNER)
    api.fail["getMe"] = [(429, too_many)] * 3
    with pytest.raises(UploadError, match="wait 1 s"):
        bot(max_retries=2).upload(pack, OWNER)


def test_documented_errors_are_one_sentence_and_never_show_the_token(api, made, new_pack, monkeypatch, caplog):
    pack = new_pack("Errors", 2)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(UploadError, match="PEER_ID_INVALID|does not know that user id"):
        bot().upload(pack, 999)
    api.fail["createNewStickerSet"] = [(400, {"ok": False, "error_code": 400,
                                              "description": f"Bad Request: STICKERSET_INVALID {TOKEN}"})]
    with pytest.raises(UploadError, match=r"STICKERSET_INVALID\); the name must be free"):
        bot().upload(pack, OWNER)
    with pytest.raises(ConfigError, match=f"must end in _by_{BOT}"):
        bot().upload(pack, OWNER, set_name="mine")
    api.fail["addStickerToSet"] = [(400, {"ok": False, "error_code": 400, "description": f"odd {TOKEN} thing"})]
    api.sets[f"errors_by_{BOT}"] = []
    with pytest.raises(UploadError) as info:
        bot().upload(pack, OWNER)
    assert str(info.value) == "Telegram refused addStickerToSet: odd [redacted] thing."
    monkeypatch.setenv(TOKEN_ENV, "987654321:BBwrongTOKENwrong_abcdefghij")
    with pytest.raises(UploadError, match=r"^Telegram did not accept the bot token; check the token"):
        bot().upload(pack, OWNER)
    assert TOKEN not in caplog.text and "987654321:BB" not in caplog.text
    assert "/bot[redacted]/getMe" in caplog.text  # the request log itself is kept, redacted
    monkeypatch.setenv(API_URL_ENV, "http://127.0.0.1:9")  # nothing listens on the discard port
    with pytest.raises(UploadError) as info:
        bot().upload(pack, OWNER)
    assert "987654321" not in str(info.value) and "Could not reach Telegram" in str(info.value)


def test_token_comes_from_the_environment_or_the_keyring(monkeypatch, memory_keyring):
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    with pytest.raises(ConfigError, match=f"No Telegram bot token: set {TOKEN_ENV}"):
        bot_token()
    with pytest.raises(ConfigError, match="does not look like one") as info:
        bot_token({TOKEN_ENV: "12:short"})
    assert "12:short" not in str(info.value)
    save_bot_token(f"  {TOKEN}\n")
    assert memory_keyring.store[("StickerStudio", "telegram-bot")] == TOKEN
    assert bot_token({}) == TOKEN and token_source({}) == "keyring"
    assert token_source({TOKEN_ENV: TOKEN}) == "environment"
    forget_bot_token()
    assert token_source({}) is None


def test_cli_token_reads_stdin_never_argv_and_never_prints_it(monkeypatch, memory_keyring, capsys):
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("not-a-token\n"))
    assert main(["pack", "token", "set"]) == 2
    err = capsys.readouterr().err
    assert "does not look like one" in err and "not-a-token" not in err and not memory_keyring.store
    monkeypatch.setattr("sys.stdin", io.StringIO(TOKEN + "\n"))
    assert main(["pack", "token", "set"]) == 0
    assert main(["pack", "token", "status"]) == 0
    out = capsys.readouterr().out
    assert "comes from the system keyring" in out and TOKEN not in out
    assert bot_token({}) == TOKEN
    assert main(["pack", "token", "clear"]) == 0 and not memory_keyring.store
    assert main(["pack", "token", "status"]) == 0
    assert "no Telegram bot token is set" in capsys.readouterr().out


def test_a_token_the_keyring_cannot_store_is_one_sentence_naming_the_variable(capsys):
    import sys

    old, sys.stdin = sys.stdin, io.StringIO(TOKEN)
    try:
        assert main(["pack", "token", "set"]) == 2  # the autouse "fail" keyring refuses every write
    finally:
        sys.stdin = old
    err = capsys.readouterr().err.strip()
    assert TOKEN_ENV in err and TOKEN not in err and len(err.splitlines()) == 1


def test_cli_upload(api, photos, capsys):
    assert main(["make", str(photos[0]), str(photos[1]), "--caption", "Hi", "--engine", "u2netp",
                 "--pack", "Cli pack"]) == 0
    capsys.readouterr()
    assert main(["pack", "upload", "Cli pack", "--to", "telegram", "--user-id", str(OWNER)]) == 0
    out = capsys.readouterr().out
    assert f"created cli_pack_by_{BOT}: 2 stickers added  https://t.me/addstickers/cli_pack_by_{BOT}" in out
    assert main(["pack", "upload", "Cli pack", "--to", "telegram", "--user-id", str(OWNER)]) == 0
    assert "extended" in capsys.readouterr().out and len(api.sets[f"cli_pack_by_{BOT}"]) == 2
    assert main(["pack", "upload", "Cli pack", "--to", "telegram", "--user-id", "77",
                 "--set-name", f"other_by_{BOT}"]) == 1
    err = capsys.readouterr().err
    (line,) = [l for l in err.splitlines() if l.startswith("error:")]
    assert "does not know that user id" in line and TOKEN not in err
