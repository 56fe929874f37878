"""The bot's own retry layer under the rate limiter: flood waits, timeouts, unparsable HTML."""

from __future__ import annotations

import datetime as dt

import pytest
from telegram.error import BadRequest, RetryAfter, TimedOut

from bot.reply import Reply
from bot.sending import send_reply

# PTB itself warns about the int form of RetryAfter.retry_after when one is built.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*")
REPLY = Reply("<b>halo</b> &amp; selamat", "halo & selamat")


class FakeSend:
    """A send function that fails with the given errors first, then records success."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls: list[dict] = []

    async def __call__(self, **kwargs):
        self.calls.append(kwargs)
        if self.errors:
            raise self.errors.pop(0)
        return "sent"


async def test_flood_wait_is_waited_out_and_retried_once():
    send = FakeSend(RetryAfter(dt.timedelta(seconds=0)))
    assert await send_reply(send, REPLY) == "sent"
    assert [c["text"] for c in send.calls] == [REPLY.html, REPLY.html]


async def test_timeout_is_retried_once_then_raised(monkeypatch):
    monkeypatch.setattr("bot.sending.TIMEOUT_PAUSE", 0)
    send = FakeSend(TimedOut(), TimedOut())
    with pytest.raises(TimedOut):
        await send_reply(send, REPLY)
    assert len(send.calls) == 2


async def test_a_long_flood_wait_is_not_waited_for():
    send = FakeSend(RetryAfter(dt.timedelta(seconds=600)))
    with pytest.raises(RetryAfter):
        await send_reply(send, REPLY)
    assert len(send.calls) == 1


async def test_entity_errors_fall_back_to_plain_text_and_others_raise():
    send = FakeSend(BadRequest("Can't parse entities: unsupported start tag"))
    await send_reply(send, REPLY)
    assert send.calls[1]["text"] == "halo & selamat" and send.calls[1]["parse_mode"] is None
    with pytest.raises(BadRequest):
        await send_reply(FakeSend(BadRequest("Message is too long")), REPLY)
