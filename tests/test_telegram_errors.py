"""Each failure Telegram answers with, through PTB's own request parsing, gets its verdict.

The bodies are Telegram's own texts (see `bot/telegram_errors.py` for where each comes
from); PTB turns them into exceptions exactly as it does in production.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.telegram_errors import Verdict, is_idempotent_success, retry_after_seconds, verdict

URL = "https://api.telegram.org/bot7000000001:AAtest/editMessageText"
NGINX_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n"
    b'<body bgcolor="white">\r\n<center><h1>502 Bad Gateway</h1></center>\r\n'
    b"<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n"
)


class Canned(BaseRequest):
    """Telegram's answer to one call: a status and a body, or an exception on the way."""

    def __init__(self, status: int = 200, body: bytes = b"", raises: Exception | None = None):
        self.status, self.body, self.raises = status, body, raises

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if self.raises is not None:
            raise self.raises
        return self.status, self.body


def body(code: int, description: str, parameters: dict[str, Any] | None = None) -> bytes:
    data: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        data["parameters"] = parameters
    return json.dumps(data).encode()


async def raised(request: Canned) -> TelegramError:
    with pytest.raises(TelegramError) as caught:
        await request.post(URL)
    return caught.value


REAL_ANSWERS = [
    (
        400,
        "Bad Request: message is not modified: specified new message content and reply "
        "markup are exactly the same as a current content and reply markup of the message",
        Verdict.DONE,
    ),
    (400, "Bad Request: message to edit not found", Verdict.MOOT),
    (400, "Bad Request: message to delete not found", Verdict.MOOT),
    (400, "Bad Request: message can't be edited", Verdict.MOOT),
    (400, "Bad Request: message can't be deleted", Verdict.MOOT),
    (400, "Bad Request: message can't be deleted for everyone", Verdict.MOOT),
    (400, "Bad Request: MESSAGE_ID_INVALID", Verdict.MOOT),
    (
        400,
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
        Verdict.MOOT,
    ),
    (403, "Forbidden: bot was blocked by the user", Verdict.UNREACHABLE),
    (403, "Forbidden: user is deactivated", Verdict.UNREACHABLE),
    (403, "Forbidden: bot can't initiate conversation with a user", Verdict.UNREACHABLE),
    (403, "Forbidden: bot was kicked from the supergroup chat", Verdict.UNREACHABLE),
    (400, "Bad Request: chat not found", Verdict.UNREACHABLE),
    (400, "Bad Request: PEER_ID_INVALID", Verdict.UNREACHABLE),
    (400, "Bad Request: message is too long", Verdict.REFUSED),
    (400, "Bad Request: message caption is too long", Verdict.REFUSED),
    (400, "Bad Request: message text is empty", Verdict.REFUSED),
    (
        400,
        'Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 0',
        Verdict.REFUSED,
    ),
    (400, "Bad Request: BUTTON_DATA_INVALID", Verdict.REFUSED),
    (400, "Bad Request: wrong file identifier/HTTP URL specified", Verdict.REFUSED),
    (400, "Bad Request: invalid file_id", Verdict.REFUSED),
    (400, "Bad Request: file is too big", Verdict.REFUSED),
    (400, "Bad Request: there is no text in the message to edit", Verdict.REFUSED),
    (500, "Internal Server Error", Verdict.TRANSIENT),
    (
        409,
        "Conflict: terminated by other getUpdates request; make sure that only one bot "
        "instance is running",
        Verdict.TRANSIENT,
    ),
    (401, "Unauthorized", Verdict.REFUSED),
]


@pytest.mark.parametrize(("code", "description", "expected"), REAL_ANSWERS)
async def test_each_real_answer_gets_its_verdict(
    code: int, description: str, expected: Verdict
) -> None:
    error = await raised(Canned(code, body(code, description)))
    assert verdict(error) == expected
    assert is_idempotent_success(error) == (expected in (Verdict.DONE, Verdict.MOOT))


async def test_ptb_strips_the_prefix_and_capitalises_and_the_verdict_still_matches() -> None:
    error = await raised(
        Canned(
            400,
            body(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            ),
        )
    )
    assert isinstance(error, BadRequest)
    assert error.message == ("Query is too old and response timeout expired or query id is invalid")
    assert verdict(error) == Verdict.MOOT


async def test_a_flood_limit_waits_exactly_retry_after() -> None:
    error = await raised(
        Canned(429, body(429, "Too Many Requests: retry after 7", {"retry_after": 7}))
    )
    assert isinstance(error, RetryAfter)
    assert verdict(error) == Verdict.FLOOD
    assert retry_after_seconds(error) == 7.0
    assert not is_idempotent_success(error)


def test_retry_after_in_either_form(monkeypatch: pytest.MonkeyPatch) -> None:
    assert retry_after_seconds(RetryAfter(3)) == 3.0
    # PTB's coming default (and its opt-in today): a timedelta.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    assert retry_after_seconds(RetryAfter(timedelta(seconds=2.5))) == 2.5


async def test_a_429_without_retry_after_is_a_passing_outage() -> None:
    error = await raised(Canned(429, body(429, "Too Many Requests")))
    assert type(error) is NetworkError
    assert verdict(error) == Verdict.TRANSIENT


async def test_nginx_502_page_is_a_passing_outage_not_a_refusal() -> None:
    error = await raised(Canned(502, NGINX_502))
    assert type(error) is NetworkError
    assert "Bad Gateway (502)" in error.message
    assert verdict(error) == Verdict.TRANSIENT


@pytest.mark.parametrize(
    "exception",
    [
        TimedOut(),
        NetworkError("httpx.RemoteProtocolError: Server disconnected without sending a response."),
        # Anything else the HTTP library raises: PTB wraps it in a NetworkError.
        ConnectionResetError("Connection reset by peer"),
    ],
)
async def test_no_answer_at_all_is_a_passing_outage(exception: Exception) -> None:
    error = await raised(Canned(raises=exception))
    assert isinstance(error, NetworkError)
    assert verdict(error) == Verdict.TRANSIENT


async def test_an_answer_that_is_not_json_is_a_passing_outage() -> None:
    error = await raised(Canned(200, b"<html>captive portal</html>"))
    assert verdict(error) == Verdict.TRANSIENT
