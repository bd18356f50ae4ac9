"""The Bot API as Telegram answers it: the one model both doubles share.

`BotApiModel` keeps what every chat shows (messages with their edits, deletions),
the callback queries Telegram issued and their answers, the files, and answers the
methods the bot uses with Telegram's results and Telegram's errors: the same texts,
the same order of checks, the same limits (`tests/harness.py` wraps it in a
`BaseRequest` on the test clock, `tests/botapi_double.py` serves it over HTTP).

The rules come from Telegram's own sources: tdlib/telegram-bot-api `Client.cpp` (the
error texts, "Bad Request: " and a lowercased first letter) and tdlib
(`MessageEntity.cpp` `parse_html`, ported below; `MessageContent.cpp` for the limits;
`MessagesManager.cpp`). `bot/telegram_errors.py` holds what each text means.

Not modelled: Markdown parse modes (their text is shown as sent), links checked for
validity, the auto-detected entities (URLs, mentions), file ids in sends (tests build
updates with file ids Telegram never issued; a real unknown one would be refused with
"wrong file identifier/HTTP URL specified").
"""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

BOT_ID = 7000000001
BOT_USERNAME = "werkervaring_test_bot"

# Telegram's limits (MessageContent.cpp, ConfigManager.cpp): characters as shown.
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
# Bot API: callback_data is 1-64 bytes.
CALLBACK_DATA_LIMIT = 64
# Client.cpp get_formatted_text: the text as sent, before parsing, in bytes.
SOURCE_LIMIT = 1 << 15
# How long a callback query waits for its answer before Telegram drops it.
QUERY_ANSWER_SECONDS = 15.0
# Bot API: "A message can only be deleted if it was sent less than 48 hours ago."
DELETE_WINDOW_SECONDS = 48 * 3600.0
# Client.cpp MAX_DOWNLOAD_FILE_SIZE: bots may download files up to 20 MB.
DOWNLOAD_LIMIT = 20 << 20

# The texts Telegram answers with (see bot/telegram_errors.py for their meaning).
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
EDIT_NOT_FOUND = "Bad Request: message to edit not found"
DELETE_NOT_FOUND = "Bad Request: message to delete not found"
CANT_BE_DELETED = "Bad Request: message can't be deleted"
NO_TEXT_TO_EDIT = "Bad Request: there is no text in the message to edit"
NO_CAPTION_TO_EDIT = "Bad Request: there is no caption in the message to edit"
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
TOO_LONG = "Bad Request: message is too long"
CAPTION_TOO_LONG = "Bad Request: message caption is too long"
TEXT_EMPTY = "Bad Request: message text is empty"
SOURCE_TOO_LONG = "Bad Request: text is too long"
UNSUPPORTED_PARSE_MODE = "Bad Request: unsupported parse_mode"
CANT_PARSE = "Bad Request: can't parse entities: "
BUTTON_DATA_INVALID = "Bad Request: BUTTON_DATA_INVALID"
CHAT_NOT_FOUND = "Bad Request: chat not found"
INVALID_FILE_ID = "Bad Request: invalid file_id"
FILE_TOO_BIG = "Bad Request: file is too big"
BLOCKED = "Forbidden: bot was blocked by the user"
DEACTIVATED = "Forbidden: user is deactivated"
CANT_INITIATE = "Forbidden: bot can't initiate conversation with a user"
SERVER_ERROR = "Internal Server Error"
# What Telegram's nginx answers while the Bot API behind it is down (a 502 with an HTML
# page, not JSON), as bots have logged it (e.g. nickoala/telepot#31).
BAD_GATEWAY_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n"
    b'<body bgcolor="white">\r\n<center><h1>502 Bad Gateway</h1></center>\r\n'
    b"<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n"
)

SEND_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendVoice",
        "sendLocation",
        "sendVenue",
        "copyMessage",
        "forwardMessage",
    }
)
EDIT_METHODS = frozenset({"editMessageText", "editMessageReplyMarkup", "editMessageCaption"})


class ApiError(Exception):
    """A failed Bot API call, as Telegram answers it."""

    def __init__(
        self, code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    @property
    def body(self) -> bytes:
        return error_body(self.code, self.description, self.parameters)


def error_body(code: int, description: str, parameters: dict[str, Any] | None = None) -> bytes:
    data: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        data["parameters"] = parameters
    return json.dumps(data).encode()


def flood_error(retry_after: int) -> ApiError:
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


def ok_body(result: Any) -> bytes:
    return json.dumps({"ok": True, "result": result}).encode()


def addresses_chat(params: dict[str, Any]) -> int | None:
    """The chat a request sends to or changes, if any (flood limits count per chat)."""
    chat_id = params.get("chat_id")
    try:
        return int(chat_id) if chat_id is not None else None
    except (TypeError, ValueError):
        return None


# HTML, as tdlib's parse_html reads it


@dataclass(frozen=True)
class Entity:
    """A formatting entity, offsets and lengths in UTF-16 code units as in the Bot API."""

    type: str
    offset: int
    length: int
    extra: tuple[tuple[str, str], ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"type": self.type, "offset": self.offset, "length": self.length, **dict(self.extra)}


class EntityError(ValueError):
    """Telegram refuses the HTML: the message says why, as tdlib says it."""


_SIMPLE = {
    "i": "italic",
    "em": "italic",
    "b": "bold",
    "strong": "bold",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
# The tags tdlib's parse_html accepts (tg-time is Bot API 9's formatted date).
_TAGS = frozenset({*_SIMPLE, "a", "tg-emoji", "tg-time", "pre", "code", "blockquote"})
_SPACE = frozenset(b" \t\r\n\0\v")


def _is_alpha(c: int) -> bool:
    return ord("a") <= (c | 0x20) <= ord("z")


def _is_digit(c: int) -> bool:
    return ord("0") <= c <= ord("9")


def _decode_entity(text: bytes, pos: int) -> tuple[int, int] | None:
    """The character `&...;` at `pos` stands for and the position after it, or None when
    tdlib keeps the `&` as it is (any entity but &lt; &gt; &amp; &quot; and numbers)."""
    end = pos + 1
    code = 0
    if text[end] == ord("#"):
        end += 1
        if text[end] == ord("x"):
            end += 1
            while text[end] and chr(text[end]) in "0123456789abcdefABCDEF":
                code = code * 16 + int(chr(text[end]), 16)
                end += 1
        else:
            while _is_digit(text[end]):
                code = code * 10 + text[end] - ord("0")
                end += 1
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None
    else:
        while _is_alpha(text[end]):
            end += 1
        name = text[pos + 1 : end]
        named = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}.get(name)
        if named is None:
            return None
        code = ord(named)
    if text[end] == ord(";"):
        end += 1
    return code, end


@dataclass
class _Open:
    tag: str
    argument: str
    offset: int
    begin: int


def parse_html(source: str) -> tuple[str, tuple[Entity, ...]]:
    """The text a person sees and its entities, or `EntityError` with tdlib's reason.

    A port of tdlib's `parse_html` (td/telegram/MessageEntity.cpp): byte offsets in the
    messages are offsets in the UTF-8 text, as Telegram reports them.
    """
    text = source.encode("utf-8", "surrogatepass") + b"\0"
    size = len(text) - 1
    out = bytearray()
    utf16 = 0
    found: list[_Found] = []
    nested: list[_Open] = []
    i = 0
    while i < size:
        c = text[i]
        if c == ord("&"):
            decoded = _decode_entity(text, i)
            if decoded is not None:
                code, i = decoded
                utf16 += 2 if code > 0xFFFF else 1
                out += chr(code).encode("utf-8", "surrogatepass")
                continue
        if c != ord("<"):
            if c & 0xC0 != 0x80:
                utf16 += 2 if c >= 0xF0 else 1
            out.append(c)
            i += 1
            continue
        begin = i
        i += 1
        if text[i] != ord("/"):
            i, opened = _start_tag(text, begin, i)
            nested.append(_Open(opened[0], opened[1], utf16, len(out)))
            continue
        if not nested:
            raise EntityError(f"Unexpected end tag at byte offset {begin}")
        while text[i] not in _SPACE and text[i] != ord(">"):
            i += 1
        end_tag = text[begin + 2 : i].decode("utf-8", "replace").lower()
        while text[i] in _SPACE and text[i] != 0:
            i += 1
        if text[i] != ord(">"):
            raise EntityError(f"Unclosed end tag at byte offset {begin}")
        i += 1
        top = nested.pop()
        if end_tag and end_tag != top.tag:
            raise EntityError(
                f"Unmatched end tag at byte offset {begin}, expected "
                f'"</{top.tag}>", found "</{end_tag}>"'
            )
        if utf16 > top.offset:
            entity = _entity(top, utf16 - top.offset, out, found)
            if entity is not None:
                found.append(entity)
    if nested:
        raise EntityError(f'Can\'t find end tag corresponding to start tag "{nested[-1].tag}"')
    try:
        shown = out.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EntityError(
            "Text contains invalid Unicode characters after decoding HTML entities, "
            "check for unmatched surrogate code units"
        ) from exc
    entities = [Entity(f.type, f.offset, f.length, f.extra) for f in found]
    return shown, tuple(sorted(entities, key=lambda e: (e.offset, -e.length, e.type)))


def _start_tag(text: bytes, begin: int, i: int) -> tuple[int, tuple[str, str]]:
    """Read `<tag attr="...">` from `begin`: the position after it, the tag and its argument."""
    while text[i] not in _SPACE and text[i] != ord(">"):
        i += 1
    if text[i] == 0:
        raise EntityError(f"Unclosed start tag at byte offset {begin}")
    tag = text[begin + 1 : i].decode("utf-8", "replace").lower()
    if tag not in _TAGS:
        raise EntityError(f'Unsupported start tag "{tag}" at byte offset {begin}')
    argument = ""
    while text[i] != ord(">"):
        while text[i] != 0 and text[i] in _SPACE:
            i += 1
        if text[i] == ord(">"):
            break
        name_begin = i
        while text[i] not in _SPACE and chr(text[i]) not in "=>/\"'":
            i += 1
        name = text[name_begin:i].decode("utf-8", "replace")
        if not name:
            raise EntityError(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
        while text[i] != 0 and text[i] in _SPACE:
            i += 1
        if text[i] != ord("="):
            if text[i] == 0:
                raise EntityError(f'Unclosed start tag "{tag}" at byte offset {begin}')
            if tag == "blockquote" and name == "expandable":
                argument = "1"
            continue
        i += 1
        while text[i] != 0 and text[i] in _SPACE:
            i += 1
        if text[i] == 0:
            raise EntityError(f'Unclosed start tag "{tag}" at byte offset {begin}')
        i, value = _attribute_value(text, i)
        if text[i] == 0:
            raise EntityError(f"Unclosed start tag at byte offset {begin}")
        argument = _argument(tag, name, value, argument)
    i += 1
    if tag == "span" and argument != "spoiler":
        raise EntityError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
    return i, (tag, argument)


def _attribute_value(text: bytes, i: int) -> tuple[int, str]:
    if text[i] not in (ord("'"), ord('"')):
        # A name token: letters, digits, periods or hyphens, not case sensitive.
        token_begin = i
        while _is_alpha(text[i]) or _is_digit(text[i]) or text[i] in (ord("."), ord("-")):
            i += 1
        if text[i] not in _SPACE and text[i] != ord(">"):
            raise EntityError(f"Unexpected end of name token at byte offset {token_begin}")
        return i, text[token_begin:i].decode().lower()
    quote = text[i]
    i += 1
    value = bytearray()
    while text[i] != quote and text[i] != 0:
        if text[i] == ord("&"):
            decoded = _decode_entity(text, i)
            if decoded is not None:
                code, i = decoded
                value += chr(code).encode("utf-8", "surrogatepass")
                continue
        value.append(text[i])
        i += 1
    if text[i] == quote:
        i += 1
    return i, value.decode("utf-8", "replace")


def _argument(tag: str, name: str, value: str, argument: str) -> str:
    if tag == "a" and name == "href":
        return value
    if tag == "code" and name == "class" and value.startswith("language-"):
        return value[len("language-") :]
    if tag == "span" and name == "class" and value.startswith("tg-"):
        return value[len("tg-") :]
    if tag == "tg-emoji" and name == "emoji-id":
        return value
    if tag == "blockquote" and name == "expandable":
        return "1"
    return argument


@dataclass
class _Found:
    """An entity while parsing: a code tag keeps its language until a pre claims it."""

    type: str
    offset: int
    length: int
    extra: tuple[tuple[str, str], ...] = ()
    language: str = ""


def _entity(top: _Open, length: int, out: bytearray, found: list[_Found]) -> _Found | None:
    offset = top.offset
    last = found[-1] if found else None
    same_span = last is not None and (last.offset, last.length) == (offset, length)
    if top.tag in _SIMPLE:
        return _Found(_SIMPLE[top.tag], offset, length)
    if top.tag == "tg-emoji":
        if not top.argument.isdigit() or int(top.argument) == 0:
            raise EntityError("Invalid custom emoji identifier specified")
        return _Found("custom_emoji", offset, length, (("custom_emoji_id", top.argument),))
    if top.tag == "tg-time":
        # A formatted date: shown as its text; its formats are not modelled.
        return None
    if top.tag == "a":
        url = top.argument or out[top.begin :].decode("utf-8", "replace")
        return _Found("text_link", offset, length, (("url", url),))
    if top.tag == "pre":
        if last is not None and same_span and last.type == "code" and last.language:
            found.pop()
            return _Found("pre", offset, length, (("language", last.language),))
        return _Found("pre", offset, length)
    if top.tag == "code":
        if last is not None and same_span and last.type == "pre" and top.argument:
            found.pop()
            return _Found("pre", offset, length, (("language", top.argument),))
        return _Found("code", offset, length, language=top.argument)
    kind = "expandable_blockquote" if top.argument else "blockquote"
    return _Found(kind, offset, length)


def formatted(text: str, parse_mode: Any) -> tuple[str, tuple[Entity, ...]]:
    """The text as shown and its entities, or ApiError as Telegram refuses it."""
    if len(text.encode("utf-8", "surrogatepass")) > SOURCE_LIMIT:
        raise ApiError(400, SOURCE_TOO_LONG)
    mode = str(parse_mode or "").lower()
    if not text or mode in ("", "none"):
        return text, ()
    if mode in ("markdown", "markdownv2"):
        return text, ()
    if mode != "html":
        raise ApiError(400, UNSUPPORTED_PARSE_MODE)
    try:
        return parse_html(text)
    except EntityError as exc:
        raise ApiError(400, CANT_PARSE + str(exc)) from exc


# What the chats show


@dataclass
class SentMessage:
    """A message the bot sent (and may have edited or deleted since), as the user sees it.

    `text` is the text (or caption) as the bot sent it, HTML tags included; `shown` is
    what the person reads after Telegram parsed it.
    """

    chat_id: int
    message_id: int
    method: str
    text: str
    reply_markup: dict[str, Any] | None
    raw: dict[str, Any]
    shown: str = ""
    entities: tuple[Entity, ...] = ()
    deleted: bool = False
    edits: int = 0

    @property
    def kind(self) -> str:
        """ "text", "media" (has a caption) or "other" (a location): what can be edited."""
        if self.method == "sendMessage":
            return "text"
        if self.method in ("sendLocation", "sendVenue"):
            return "other"
        return "media"

    @property
    def inline_markup(self) -> dict[str, Any] | None:
        """The inline keyboard under the message (a reply keyboard belongs to the chat)."""
        return _inline(self.reply_markup)

    @property
    def inline_buttons(self) -> list[dict[str, Any]]:
        markup = self.inline_markup
        if markup is None:
            return []
        return [button for row in markup["inline_keyboard"] for button in row]

    @property
    def button_labels(self) -> list[str]:
        return [b["text"] for b in self.inline_buttons]

    @property
    def keyboard_labels(self) -> list[str]:
        if not self.reply_markup or "keyboard" not in self.reply_markup:
            return []
        return [
            b["text"] if isinstance(b, dict) else str(b)
            for row in self.reply_markup["keyboard"]
            for b in row
        ]


@dataclass
class CallbackQuery:
    """A button press Telegram delivered; it waits for one answer."""

    id: str
    user_id: int
    chat_id: int | None
    message_id: int | None
    data: str
    issued_at: float
    answer: CallbackAnswer | None = None


@dataclass(frozen=True)
class CallbackAnswer:
    """The short answer to a button press: a toast, or a dialog with show_alert."""

    query_id: str
    user_id: int
    chat_id: int | None
    text: str
    show_alert: bool
    at: float


@dataclass(frozen=True)
class Undercut:
    """A request that came before the retry_after Telegram gave had passed."""

    method: str
    chat_id: int | None
    at: float
    allowed_at: float


@dataclass
class FloodLedger:
    """The retry_after each 429 gave, and who came back too soon.

    A flood of one chat binds that chat; a flood of every chat binds every request to a
    chat; a 429 on a request without a chat (getUpdates) binds that method.
    """

    undercuts: list[Undercut] = field(default_factory=list)
    _until: dict[tuple[str, int | str | None], float] = field(default_factory=dict)

    def arrived(self, method: str, chat_id: int | None, at: float) -> None:
        keys: list[tuple[str, int | str | None]] = [("method", method)]
        if chat_id is not None:
            keys += [("chat", chat_id), ("all", None)]
        allowed = max((self._until.get(key, 0.0) for key in keys), default=0.0)
        if at < allowed:
            self.undercuts.append(Undercut(method, chat_id, at, allowed))

    def told(
        self, method: str, chat_id: int | None, every_chat: bool, at: float, retry_after: int
    ) -> None:
        if retry_after <= 0:
            return
        key: tuple[str, int | str | None]
        if chat_id is None:
            key = ("method", method)
        else:
            key = ("all", None) if every_chat else ("chat", chat_id)
        self._until[key] = max(self._until.get(key, 0.0), at + retry_after)


def _json(value: Any) -> Any:
    """A JSON parameter: a dict or list in process, a JSON string over HTTP."""
    if isinstance(value, str | bytes):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def _inline(markup: Any) -> dict[str, Any] | None:
    """An inline keyboard, or None (no keyboard, an empty one, or a reply keyboard)."""
    markup = _json(markup)
    if not isinstance(markup, dict) or not markup.get("inline_keyboard"):
        return None
    if not any(markup["inline_keyboard"]):
        return None
    return {"inline_keyboard": markup["inline_keyboard"]}


def _check_buttons(markup: dict[str, Any] | None) -> None:
    if markup is None:
        return
    for row in markup["inline_keyboard"]:
        for button in row:
            data = button.get("callback_data")
            if data is not None and len(str(data).encode("utf-8")) > CALLBACK_DATA_LIMIT:
                raise ApiError(400, BUTTON_DATA_INVALID)


class BotApiModel:
    """Telegram's side of the conversation: what each chat shows, and the answers."""

    def __init__(self, now: Callable[[], float]) -> None:
        self.now = now
        self.messages: dict[tuple[int, int], SentMessage] = {}
        self.by_chat: dict[int, list[SentMessage]] = {}
        self.files: dict[str, bytes] = {}
        # Declared sizes (as an update states them), where they differ from the content.
        self.file_sizes: dict[str, int] = {}
        self.queries: dict[str, CallbackQuery] = {}
        self.answers: list[CallbackAnswer] = []
        self.deletions: list[tuple[int, int]] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.blocked_chats: set[int] = set()
        self.ids: Iterator[int] = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._file_ids = itertools.count(1)

    # Reading

    def sent_to(self, chat_id: int) -> list[SentMessage]:
        """Every message the bot sent to the chat, oldest first (deleted ones included)."""
        return list(self.by_chat.get(chat_id, []))

    def shown_in(self, chat_id: int) -> list[SentMessage]:
        """What the chat shows now: the bot's messages with their edits, minus deletions."""
        return [m for m in self.by_chat.get(chat_id, []) if not m.deleted]

    def answers_to(self, user_id: int) -> list[CallbackAnswer]:
        return [a for a in self.answers if a.user_id == user_id]

    # What Telegram issues

    def issue_query(
        self, user: dict[str, Any], message: dict[str, Any], data: str
    ) -> dict[str, Any]:
        """A callback query for a press on `message` (as the chat shows it), registered so
        that answerCallbackQuery's rules apply; its JSON for the update."""
        query_id = f"{BOT_ID}{next(self._query_ids):08d}"
        chat = message.get("chat") or {}
        chat_id = chat.get("id")
        self.queries[query_id] = CallbackQuery(
            query_id,
            int(user["id"]),
            int(chat_id) if chat_id is not None else None,
            message.get("message_id"),
            data,
            self.now(),
        )
        return {
            "id": query_id,
            "from": user,
            "chat_instance": f"ci{user['id']}",
            "data": data,
            "message": copy.deepcopy(message),
        }

    def add_file(self, content: bytes, size: int | None = None) -> str:
        """A file a person sent: its id (`size`: the size the update declares)."""
        file_id = f"AgAD{next(self._file_ids):06d}"
        self.files[file_id] = content
        if size is not None:
            self.file_sizes[file_id] = size
        return file_id

    def file_path(self, file_id: str) -> str:
        return f"documents/{file_id}"

    def download(self, file_path: str) -> bytes | None:
        """The bytes at `file_path` (as getFile gave it), or None."""
        return self.files.get(file_path.rsplit("/", 1)[-1])

    # Answering

    def call(self, method: str, params: dict[str, Any], uploads: dict[str, bytes]) -> Any:
        """Telegram's result for a Bot API call; raises ApiError as Telegram refuses it."""
        if method == "getMe":
            return {
                **self.bot_user(),
                "can_join_groups": False,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if method in SEND_METHODS:
            return self._send(method, params, uploads)
        if method in EDIT_METHODS:
            return self._edit(method, params)
        if method == "deleteMessage":
            return self._delete(params)
        if method == "answerCallbackQuery":
            return self._answer_query(params)
        if method == "getFile":
            return self._get_file(str(params.get("file_id") or ""))
        if method == "setMyCommands":
            self.commands[self._scope(params)] = list(_json(params["commands"]))
            return True
        if method == "deleteMyCommands":
            self.commands.pop(self._scope(params), None)
            return True
        return True

    def bot_user(self) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Werkervaring",
            "username": BOT_USERNAME,
        }

    @staticmethod
    def _scope(params: dict[str, Any]) -> str:
        return json.dumps(_json(params.get("scope")), sort_keys=True)

    def _chat_json(self, chat_id: int) -> dict[str, Any]:
        # Negative ids are groups, as in Telegram (the bot answers there once, then leaves).
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "User"}
        return {"id": chat_id, "type": "supergroup", "title": "Group"}

    def _send(self, method: str, params: dict[str, Any], uploads: dict[str, bytes]) -> Any:
        chat_id = int(params["chat_id"])
        source, limit, too_long = "", CAPTION_LIMIT, CAPTION_TOO_LONG
        if method == "sendMessage":
            source, limit, too_long = str(params.get("text") or ""), TEXT_LIMIT, TOO_LONG
            if not source:
                raise ApiError(400, TEXT_EMPTY)
        elif params.get("caption") is not None:
            source = str(params["caption"])
        shown, entities = formatted(source, params.get("parse_mode"))
        markup = _json(params.get("reply_markup"))
        inline = _inline(markup)
        if chat_id in self.blocked_chats:
            raise ApiError(403, BLOCKED)
        if method == "sendMessage" and not shown.strip():
            raise ApiError(400, TEXT_EMPTY)
        if len(shown) > limit:
            raise ApiError(400, too_long)
        _check_buttons(inline)
        message_id = next(self.ids)
        data: dict[str, Any] = {
            "message_id": message_id,
            "date": int(self.now()),
            "chat": self._chat_json(chat_id),
            "from": self.bot_user(),
        }
        text_key = "text" if method == "sendMessage" else "caption"
        if shown:
            data[text_key] = shown
            if entities:
                data[f"{text_key}_entities" if text_key == "caption" else "entities"] = [
                    e.as_json() for e in entities
                ]
        self._media(method, params, uploads, data)
        if inline is not None:
            data["reply_markup"] = inline
        sent = SentMessage(
            chat_id,
            message_id,
            method,
            source,
            markup if isinstance(markup, dict) else None,
            data,
            shown,
            entities,
        )
        self.messages[(chat_id, message_id)] = sent
        self.by_chat.setdefault(chat_id, []).append(sent)
        if method == "copyMessage":
            return {"message_id": message_id}
        return data

    def _media(
        self, method: str, params: dict[str, Any], uploads: dict[str, bytes], data: dict[str, Any]
    ) -> None:
        if method == "sendPhoto":
            photo = self._file_json(self._file_id("photo", params, uploads))
            data["photo"] = [{**photo, "width": 800, "height": 1000}]
        elif method == "sendDocument":
            data["document"] = self._file_json(self._file_id("document", params, uploads))
        elif method == "sendVoice":
            data["voice"] = {
                **self._file_json(self._file_id("voice", params, uploads)),
                "duration": 3,
            }
        elif method in ("sendLocation", "sendVenue"):
            data["location"] = {
                "latitude": float(params["latitude"]),
                "longitude": float(params["longitude"]),
            }

    def _file_id(self, name: str, params: dict[str, Any], uploads: dict[str, bytes]) -> str:
        """The file id of a sent file: the one given, or a new one for uploaded bytes."""
        reference = params.get(name)
        if isinstance(reference, str) and not reference.startswith("attach://"):
            return reference
        key = reference[len("attach://") :] if isinstance(reference, str) else name
        return self.add_file(uploads.get(key, b""))

    def _file_json(self, file_id: str) -> dict[str, Any]:
        size = self.file_sizes.get(file_id, len(self.files.get(file_id, b"")) or 1000)
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": size}

    def _message_to(self, what: str, params: dict[str, Any]) -> SentMessage:
        not_found = EDIT_NOT_FOUND if what == "edit" else DELETE_NOT_FOUND
        try:
            key = (int(params["chat_id"]), int(params["message_id"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise ApiError(400, not_found) from exc
        message = self.messages.get(key)
        if message is None or message.deleted:
            raise ApiError(400, not_found)
        return message

    def _edit(self, method: str, params: dict[str, Any]) -> Any:
        # The Bot API reads the text and the markup before it looks for the message.
        source: str | None = None
        shown = ""
        entities: tuple[Entity, ...] = ()
        if method == "editMessageText":
            source = str(params.get("text") or "")
            if not source:
                raise ApiError(400, TEXT_EMPTY)
        elif method == "editMessageCaption":
            source = str(params.get("caption") or "")
        if source is not None:
            shown, entities = formatted(source, params.get("parse_mode"))
        markup = _json(params.get("reply_markup"))
        inline = _inline(markup)
        message = self._message_to("edit", params)
        if method == "editMessageText":
            if message.kind != "text":
                raise ApiError(400, NO_TEXT_TO_EDIT)
            if not shown.strip():
                raise ApiError(400, TEXT_EMPTY)
            if len(shown) > TEXT_LIMIT:
                raise ApiError(400, TOO_LONG)
        elif method == "editMessageCaption":
            if message.kind != "media":
                raise ApiError(400, NO_CAPTION_TO_EDIT)
            if len(shown) > CAPTION_LIMIT:
                raise ApiError(400, CAPTION_TOO_LONG)
        _check_buttons(inline)
        same_content = source is None or (shown, entities) == (message.shown, message.entities)
        if same_content and inline == message.inline_markup:
            raise ApiError(400, NOT_MODIFIED)
        if source is not None:
            self._set_text(message, source, shown, entities)
        message.reply_markup = inline
        if inline is not None:
            message.raw["reply_markup"] = inline
        else:
            message.raw.pop("reply_markup", None)
        message.raw["edit_date"] = int(self.now())
        message.edits += 1
        return message.raw

    @staticmethod
    def _set_text(
        message: SentMessage, source: str, shown: str, entities: tuple[Entity, ...]
    ) -> None:
        message.text, message.shown, message.entities = source, shown, entities
        text_key, entities_key = (
            ("text", "entities") if message.kind == "text" else ("caption", "caption_entities")
        )
        message.raw.pop(entities_key, None)
        if shown:
            message.raw[text_key] = shown
        else:
            message.raw.pop(text_key, None)
        if entities:
            message.raw[entities_key] = [e.as_json() for e in entities]

    def _delete(self, params: dict[str, Any]) -> bool:
        message = self._message_to("delete", params)
        if self.now() - message.raw["date"] >= DELETE_WINDOW_SECONDS:
            raise ApiError(400, CANT_BE_DELETED)
        message.deleted = True
        self.deletions.append((message.chat_id, message.message_id))
        return True

    def _answer_query(self, params: dict[str, Any]) -> bool:
        query = self.queries.get(str(params.get("callback_query_id") or ""))
        now = self.now()
        if query is None or query.answer is not None:
            raise ApiError(400, QUERY_TOO_OLD)
        if now - query.issued_at > QUERY_ANSWER_SECONDS:
            raise ApiError(400, QUERY_TOO_OLD)
        answer = CallbackAnswer(
            query.id,
            query.user_id,
            query.chat_id,
            str(params.get("text") or ""),
            _flag(params.get("show_alert")),
            now,
        )
        query.answer = answer
        self.answers.append(answer)
        return True

    def _get_file(self, file_id: str) -> dict[str, Any]:
        if file_id not in self.files:
            raise ApiError(400, INVALID_FILE_ID)
        size = self.file_sizes.get(file_id, len(self.files[file_id]))
        if size > DOWNLOAD_LIMIT:
            raise ApiError(400, FILE_TOO_BIG)
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": size,
            "file_path": self.file_path(file_id),
        }
