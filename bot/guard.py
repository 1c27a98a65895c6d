"""What every public channel does before and after Rasa handles a message.

Before: the text is made a string and PII-redacted (bot.privacy) *before* the
``UserMessage`` reaches Rasa, so neither the tracker store nor a log line sees it; the
per-sender token bucket (bot.ratelimit) and the size limit answer in plain Chinese
without touching the dialogue.

During: replies are buffered. Rasa, when the action server cannot be reached, logs the
exception, drops the action's events and carries on (the REST client gets ``[]`` or a
half-answer, and the facts of that turn are silently lost). We watch for that:
``RemoteAction.run`` is wrapped (once, idempotent) so a failed call is recorded in a
context variable of the running turn and slow calls time out after ``ACTION_TIMEOUT``
seconds (Rasa's own default is 300 s).

After a failed turn: the half-done turn is removed from the tracker store (under the
conversation lock; ``RedactingSQLTrackerStore.forget_last_turn``), the user's text is kept in a
per-sender pending queue (Redis when ``REDIS_URL`` is set, so any instance can pick it
up), and the user gets a short apology with the hotline 12333. The next message from the
same sender first replays the pending text(s) — the turn is not lost — and the
conversation resumes where it was. An exception from Rasa itself (e.g. the tracker store
database is down) gets the same apology instead of an empty answer or a 500.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage

from bot.kvstore import KeyValueStore, store_from_env
from bot.patching import is_patched, patch
from bot.privacy import redact
from bot.ratelimit import limiter_from_env
from bot.turn_state import ACTION_FAILURES, note_failure
from rules_engine import vocabulary

logger = logging.getLogger(__name__)

HOTLINE = vocabulary.HOTLINE
TOO_FAST = "您发消息有点太快了，请稍等几秒钟再发。"
TOO_LONG = "您的消息太长了（超过{limit}个字），请精简一下，或者分几次发给我。"
EMPTY = "您发的消息是空的。请用文字说说您的情况或问题，例如：“我在百色，是技师，拿证三年了，能评什么职称？”"
APOLOGY = (
    "抱歉，系统暂时出了点问题，您刚才说的我已经记下，恢复后会接着为您解答，请稍后再发一条消息。"
    f"着急的话可以拨打人社服务热线{HOTLINE}。"
)

MAX_CHARS = int(os.environ.get("MESSAGE_MAX_CHARS", "1000"))
ACTION_TIMEOUT = float(os.environ.get("ACTION_TIMEOUT", "30"))
PENDING_MAX = 5
MAX_REPLAYS = 3  # failed replays of one kept text before it is given up
# "/intent{...json...}" is Rasa's shortcut that bypasses NLU and sets entities (and so
# slots) directly; from the public a bare "/intent" (a button payload) is fine, entity JSON
# is not: such text is handed to the NLU as ordinary text (full-width slash).
BARE_INTENT = re.compile(r"/[A-Za-z_][A-Za-z0-9_]*")
PENDING_TTL = 24 * 3600


def install_action_watch() -> None:
    """Wraps ``RemoteAction.run``: records failures of the current turn, bounds its time.
    Installed at start-up by bot/runtime.py (with or without the speed patches)."""
    from rasa.core.actions import action as rasa_action
    from rasa.shared.exceptions import RasaException

    if is_patched(rasa_action.RemoteAction, "run"):
        return
    original = rasa_action.RemoteAction.run

    async def run(self, *args: Any, **kwargs: Any):
        try:
            return await asyncio.wait_for(original(self, *args, **kwargs), ACTION_TIMEOUT)
        except rasa_action.ActionExecutionRejection:
            raise  # normal form control flow, not a failure
        except Exception as exc:
            note_failure(self.name())
            if isinstance(exc, asyncio.TimeoutError):
                raise RasaException(f"custom action '{self.name()}' timed out after {ACTION_TIMEOUT}s") from exc
            raise

    patch(rasa_action.RemoteAction, "run", run)


def pseudonym(sender: Optional[Text]) -> Text:
    """Short, stable stand-in for a sender id (a WeChat OpenID is personal data), so logs
    can follow one conversation without holding the id itself."""
    if not sender:
        return "-"
    return hashlib.sha256(str(sender).encode("utf-8")).hexdigest()[:12]


# ----------------------------------------------------------------- pending turns


class PendingTurns:
    """Each sender's texts of failed turns, oldest first (at most ``PENDING_MAX``, kept a
    day), in the shared key-value store so any instance can replay them."""

    def __init__(self, store: KeyValueStore) -> None:
        self.store = store

    async def get(self, sender: Text) -> List[Text]:
        texts = await self.store.get(sender)
        return [t for t in texts if isinstance(t, str)] if isinstance(texts, list) else []

    async def set(self, sender: Text, texts: List[Text]) -> None:
        if texts:
            await self.store.set(sender, texts[-PENDING_MAX:], PENDING_TTL)
        else:
            await self.store.delete(sender)
            await self.store.delete(_TRIES + sender)

    async def failed_again(self, sender: Text) -> int:
        """Counts a failed replay of the oldest kept text; how often it has failed so."""
        tries = await self.store.get(_TRIES + sender)
        tries = (tries if isinstance(tries, int) else 0) + 1
        await self.store.set(_TRIES + sender, tries, PENDING_TTL)
        return tries

    async def drop_oldest(self, sender: Text, texts: List[Text]) -> List[Text]:
        await self.store.delete(_TRIES + sender)
        await self.set(sender, texts[1:])
        return texts[1:]


# the failed replays of a sender's oldest kept text
_TRIES = "tries:"


def pending_from_env() -> PendingTurns:
    return PendingTurns(store_from_env("pending turns", "jineng:pending:"))


# ----------------------------------------------------------------------- guard


async def _forward(messages: List[Dict[Text, Any]], out: OutputChannel, sender: Text) -> None:
    if isinstance(out, CollectingOutputChannel):
        out.messages.extend(messages)
        return
    for message in messages:
        message = dict(message)
        message.pop("recipient_id", None)
        await out.send_response(sender, message)


class Guard:
    """Shared by every public channel — REST, socket.io, WeChat (one instance per channel)."""

    def __init__(self, channel: Text, max_chars: int = MAX_CHARS, limiter=None, pending=None) -> None:
        self.channel = channel
        self.max_chars = max_chars
        self.limiter = limiter or limiter_from_env()
        self.pending = pending or pending_from_env()
        self.app: Any = None  # the Sanic app, for the agent (set by the channel)

    @property
    def agent(self) -> Any:
        return getattr(getattr(self.app, "ctx", None), "agent", None)

    async def forget(self, sender: Text) -> None:
        """Drops the sender's kept texts (e.g. a WeChat follower who unsubscribed)."""
        await self.pending.set(sender, [])

    async def _say(self, out: OutputChannel, sender: Text, text: Text) -> None:
        await out.send_text_message(sender, text)

    async def handle(self, message: UserMessage, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        text = message.text
        text = "" if text is None else (text if isinstance(text, str) else str(text))
        text = redact(text)
        if text.startswith("/") and not BARE_INTENT.fullmatch(text.strip()):
            text = "／" + text[1:]
        message.text = text
        sender, out = message.sender_id, message.output_channel
        if not await self.limiter.allow(f"{self.channel}:{sender}"):
            logger.info("rate limit: sender %s refused", pseudonym(sender))
            await self._say(out, sender, TOO_FAST)
            return
        if len(message.text) > self.max_chars:
            await self._say(out, sender, TOO_LONG.format(limit=self.max_chars))
            return
        if not message.text.strip():
            await self._say(out, sender, EMPTY)  # nothing to understand, nothing to keep
            return

        pending = await self.pending.get(sender)
        if pending:
            if pending[-1] == message.text:
                pending.pop()  # the user simply sent it again
            while pending:
                replay = UserMessage(
                    pending[0], out, sender, input_channel=message.input_channel, metadata=message.metadata
                )
                if not await self._run(replay, on_new_message):
                    if await self.pending.failed_again(sender) < MAX_REPLAYS:
                        await self.pending.set(sender, pending + [message.text])
                        await self._say(out, sender, APOLOGY)
                        return
                    # the same text fails every time: it is what fails, not the system — it
                    # must not lock the sender out (the next ones are tried)
                    logger.error("a kept text of %s failed %d replays; dropped", pseudonym(sender), MAX_REPLAYS)
                    pending = await self.pending.drop_oldest(sender, pending)
                    continue
                pending.pop(0)
            await self.pending.set(sender, [])
        if not await self._run(message, on_new_message):
            await self.pending.set(sender, [*(await self.pending.get(sender)), message.text])
            await self._say(out, sender, APOLOGY)

    async def _run(self, message: UserMessage, on_new_message) -> bool:
        """Runs one turn with buffered replies; True when it went through cleanly."""
        real_out, buffer = message.output_channel, CollectingOutputChannel()
        message.output_channel = buffer
        failures: List[Text] = []
        token = ACTION_FAILURES.set(failures)
        try:
            await on_new_message(message)
        except Exception as exc:  # e.g. tracker store database down: nothing was stored
            logger.error("turn of %s failed in Rasa: %s: %s", pseudonym(message.sender_id), type(exc).__name__, exc)
            return False
        finally:
            ACTION_FAILURES.reset(token)
            message.output_channel = real_out
        if failures:
            logger.error("turn of %s failed (%s); turn rewound and kept", pseudonym(message.sender_id), failures)
            await self._rewind(message.sender_id)
            return False
        await _forward(buffer.messages, real_out, message.sender_id)
        return True

    async def _rewind(self, sender: Text) -> None:
        """Restores the conversation to before the failed turn."""
        from rasa.shared.core.events import UserUtteranceReverted

        agent = self.agent
        if agent is None or agent.tracker_store is None:
            logger.warning("cannot rewind the turn of %s: no agent", pseudonym(sender))
            return
        store = agent.tracker_store
        while not hasattr(store, "forget_last_turn") and hasattr(store, "_tracker_store"):
            store = store._tracker_store  # Rasa's Awaitable/FailSafe wrappers
        try:
            async with agent.lock_store.lock(sender):
                if hasattr(store, "forget_last_turn"):
                    await store.forget_last_turn(sender)
                    return
                tracker = await agent.tracker_store.retrieve(sender)  # other stores: best effort
                if tracker is not None:
                    tracker.update(UserUtteranceReverted())
                    await agent.tracker_store.save(tracker)
        except Exception as exc:
            logger.error("rewinding the turn of %s failed: %s", pseudonym(sender), exc)
