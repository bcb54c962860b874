"""Upload a pack to Telegram as a sticker set through the Bot API.

Every request is one bounded ``net.http.fetch``. The token is part of each
URL (``/bot<token>/method``), so no message here ever names a URL, the
server's words are redacted, and the HTTP library's debug log is filtered
while a bot is in use. A 429 is retried after its ``retry_after`` when that
is short, a bounded number of times; longer waits become one sentence.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator, Mapping, Sequence

from ..errors import ConfigError, UploadError
from ..genai.base import one_line, redact
from ..genai.keys import keyring_secret
from ..library.packs import Pack
from ..net.http import HttpCancelled, HttpFailure, Limits, fetch
from ..sticker.presets import encode_sticker
from .base import ReadySticker
from .telegram import THUMBNAIL, Telegram

log = logging.getLogger(__name__)

TOKEN_ENV = "TELEGRAM_BOT_TOKEN"
#: The keyring entry (service "StickerStudio") the token is read from when the environment has none.
KEYRING_USER = "telegram-bot"
#: Where the Bot API is; tests point it at a local server.
API_URL_ENV = "STICKERSTUDIO_TELEGRAM_API"
API_URL = "https://api.telegram.org"
#: createNewStickerSet takes at most this many stickers; the rest go one by one with addStickerToSet.
FIRST_BATCH = 50
LIMITS = Limits(connect_timeout_s=6.0, read_timeout_s=30.0, total_timeout_s=60.0, max_bytes=1024 * 1024)
_TOKEN = re.compile(r"\d{3,}:[A-Za-z0-9_-]{20,}")


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 2  # extra attempts after a 429
    max_wait_s: float = 30.0  # a longer retry_after gives up with a sentence instead of waiting
    time_scale: float = 1.0  # multiplies every wait; tests use ~0.01


@dataclass(frozen=True)
class Uploaded:
    set_name: str
    created: bool  # False: an existing set was extended
    added: int
    link: str


def bot_token(environ: Mapping[str, str] | None = None) -> str:
    """The bot token from TELEGRAM_BOT_TOKEN, else the keyring; ConfigError (without the token) otherwise."""
    environ = os.environ if environ is None else environ
    token = (environ.get(TOKEN_ENV) or keyring_secret(KEYRING_USER) or "").strip()
    if not token:
        raise ConfigError(f"No Telegram bot token: set {TOKEN_ENV} or save it in the system keyring "
                          f"(service StickerStudio, user {KEYRING_USER}); @BotFather gives you one.")
    if not _TOKEN.fullmatch(token):
        raise ConfigError("The Telegram bot token does not look like one from @BotFather (digits, a colon, "
                          "then letters); paste it again.")
    return token


def default_set_name(pack_name: str, bot: str) -> str:
    """A set name Telegram accepts: a letter first, letters, digits and '_' only, ending in ``_by_<bot>``."""
    stem = re.sub(r"[^A-Za-z0-9]+", "_", pack_name).strip("_").lower() or "stickers"
    if not stem[0].isalpha():
        stem = "s_" + stem
    suffix = f"_by_{bot}"
    return stem[:64 - len(suffix)].rstrip("_") + suffix


class TelegramBot:
    def __init__(self, token: str, *, api_url: str | None = None, retry: RetryPolicy | None = None,
                 cancel: threading.Event | None = None) -> None:
        self._token = token
        self.api_url = (api_url or os.environ.get(API_URL_ENV) or API_URL).rstrip("/")
        self.retry = retry or RetryPolicy()
        self.cancel = cancel

    def _say(self, text: str) -> str:
        return one_line(redact(text, [self._token]))

    def call(self, method: str, data: Mapping[str, Any] | None = None,
             files: Mapping[str, tuple[str, bytes, str]] | None = None) -> Any:
        """One Bot API method's ``result``; 429 retried politely, other refusals as UploadError."""
        for attempt in range(self.retry.max_retries + 1):
            answer = self._post(method, data, files)
            if answer.get("ok"):
                return answer.get("result")
            code, text = answer.get("error_code"), str(answer.get("description") or "")
            wait = float((answer.get("parameters") or {}).get("retry_after") or 0)
            if code == 429 and attempt < self.retry.max_retries and wait <= self.retry.max_wait_s:
                log.info("Telegram asks to wait %.0f s before %s (retry %d)", wait, method, attempt + 1)
                self._wait(wait)
                continue
            raise self._refusal(method, code, text, wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _post(self, method: str, data: Mapping[str, Any] | None, files: Any) -> dict[str, Any]:
        url = f"{self.api_url}/bot{self._token}/{method}"
        try:
            with _quiet_http_log(self._token):
                reply = fetch(url, limits=LIMITS, method="POST", data=dict(data or {}), files=files,
                              cancel=self.cancel, redirects=False)
        except HttpCancelled:
            raise UploadError("The Telegram upload was cancelled.") from None
        except HttpFailure as failure:  # its message names the URL, so the token: never pass it on
            raise UploadError(f"Could not reach Telegram ({failure.kind.replace('_', ' ')}) during {method}; "
                              "check your connection and try again.") from None
        try:
            answer = json.loads(reply.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            answer = None
        if not isinstance(answer, dict):
            raise UploadError(f"Telegram answered {method} with HTTP {reply.status} and no Bot API reply.")
        return answer

    def _wait(self, seconds: float) -> None:
        delay = max(0.0, seconds) * self.retry.time_scale
        if self.cancel is not None:
            if self.cancel.wait(delay):
                raise UploadError("The Telegram upload was cancelled.")
        else:
            time.sleep(delay)

    def _refusal(self, method: str, code: Any, text: str, wait: float) -> UploadError:
        if code == 401 or (code == 404 and method == "getMe"):
            return UploadError("Telegram did not accept the bot token; check the token @BotFather gave you.")
        if code == 429:
            return UploadError(f"Telegram is limiting this bot; wait {wait:.0f} s and try the upload again.")
        if "PEER_ID_INVALID" in text or "USER_ID_INVALID" in text:
            return UploadError("Telegram does not know that user id for this bot: the owner must first start "
                               "a chat with the bot, and the user id must be the owner's numeric id.")
        if "STICKERSET_INVALID" in text:
            return UploadError(f"Telegram refused the sticker set name in {method} (STICKERSET_INVALID); the name "
                               "must be free or made by this bot, and end in _by_<bot username>.")
        return UploadError(f"Telegram refused {method}: {self._say(text) or f'error {code}'}.")

    # --- the set ----------------------------------------------------------

    def username(self) -> str:
        me = self.call("getMe")
        if not isinstance(me, dict) or not me.get("username"):
            raise UploadError("Telegram's getMe answer has no bot username.")
        return str(me["username"])

    def set_size(self, name: str) -> int | None:
        """How many stickers the set has, or None when there is no such set yet."""
        answer = self._post("getStickerSet", {"name": name}, None)
        if answer.get("ok"):
            return len((answer.get("result") or {}).get("stickers") or [])
        if "STICKERSET_INVALID" in str(answer.get("description")):
            return None
        raise self._refusal("getStickerSet", answer.get("error_code"), str(answer.get("description") or ""), 0)

    def upload(self, pack: Pack, user_id: int, set_name: str | None = None) -> Uploaded:
        """Create the set from the pack, or extend an existing one with the pack's stickers past its end."""
        platform = Telegram()
        platform.check(pack)  # Telegram's rules before anything is sent
        bot = self.username()
        name = set_name or default_set_name(pack.name, bot)
        if not name.lower().endswith(f"_by_{bot.lower()}"):
            raise ConfigError(f"A Telegram set name must end in _by_{bot}, not {name!r}.")
        ready = platform.prepare(pack)
        have = self.set_size(name)
        todo = ready[have or 0:]
        inputs = [self._input_sticker(user_id, r) for r in todo]
        if have is None:
            self.call("createNewStickerSet", {"user_id": user_id, "name": name, "title": pack.name,
                                              "stickers": json.dumps(inputs[:FIRST_BATCH], ensure_ascii=False)})
            rest = inputs[FIRST_BATCH:]
            self._thumbnail(pack, user_id, name)
        else:
            rest = inputs
        for sticker in rest:
            self.call("addStickerToSet", {"user_id": user_id, "name": name,
                                          "sticker": json.dumps(sticker, ensure_ascii=False)})
        return Uploaded(name, have is None, len(todo), f"https://t.me/addstickers/{name}")

    def _thumbnail(self, pack: Pack, user_id: int, name: str) -> None:
        """The set's 100×100 thumbnail from the pack's tray sticker."""
        tray = pack.tray
        assert tray is not None  # Telegram.check refused an empty pack
        thumb = encode_sticker(tray.entry.image(), THUMBNAIL)
        self.call("setStickerSetThumbnail", {"name": name, "user_id": user_id, "format": "static"},
                  {"thumbnail": (f"thumbnail{thumb.extension}", thumb.data, f"image/{thumb.format.lower()}")})

    def _input_sticker(self, user_id: int, r: ReadySticker) -> dict[str, Any]:
        video = r.encoded.format == "WEBM"  # Telegram's video stickers; sets may mix them with static ones
        mime, kind = ("video/webm", "video") if video else (f"image/{r.encoded.format.lower()}", "static")
        file = self.call("uploadStickerFile", {"user_id": user_id, "sticker_format": kind},
                         {"sticker": (r.file_name, r.encoded.data, mime)})
        return {"sticker": file["file_id"], "format": kind, "emoji_list": list(r.sticker.emojis)}


@contextmanager
def _quiet_http_log(token: str) -> Iterator[None]:
    """urllib3 logs each request line at DEBUG, token and all: redact it while the bot talks."""
    class Redact(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            message = record.getMessage()
            if token in message:
                record.msg, record.args = message.replace(token, "[redacted]"), ()
            return True

    loggers: Sequence[logging.Logger] = [logging.getLogger(n) for n in ("urllib3.connectionpool", "requests")]
    f = Redact()
    for lg in loggers:
        lg.addFilter(f)
    try:
        yield
    finally:
        for lg in loggers:
            lg.removeFilter(f)
