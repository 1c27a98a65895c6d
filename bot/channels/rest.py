"""Guarded public channels: REST (``/webhooks/rest/webhook``) and socket.io (the website
widget). Same URLs and payloads as Rasa's ``rest`` / ``socketio`` channels, plus
(see bot/guard.py): PII redaction before anything is stored or logged, a per-sender rate
limit, a message-size limit, and an apology with the hotline when the action server or
the database fails — the turn is kept and replayed.

REST specifics: a body over ``REST_MAX_BODY_BYTES`` (64 KiB) → 413, a body that is not a
JSON object with a string ``sender`` → 400 with a JSON error; never a 500. The
``input_channel`` field of the payload is ignored (it is always ``rest``), and
``?stream=true`` is not offered.

credentials.yml::

    bot.channels.rest.GuardedRestInput:
    bot.channels.rest.GuardedSocketIOInput:
      user_message_evt: user_uttered
      ...
"""

from __future__ import annotations

import inspect
import json
import logging
import os
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput

from bot.guard import APOLOGY, Guard

logger = logging.getLogger(__name__)

MAX_BODY = int(os.environ.get("REST_MAX_BODY_BYTES", str(64 * 1024)))
MAX_SENDER = 128


def _error(status: int, message: Text) -> HTTPResponse:
    return response.json({"error": message, "status": status}, status=status)


class GuardedRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        return cls(max_chars=credentials.get("max_chars"))

    def __init__(self, max_chars: Optional[int] = None) -> None:
        self.guard = Guard("rest", **({"max_chars": int(max_chars)} if max_chars else {}))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        module = inspect.getmodule(self)
        bp = Blueprint(f"custom_webhook_{type(self).__name__}", module.__name__ if module else None)

        @bp.listener("after_server_start")
        async def remember_app(app, _loop) -> None:
            self.guard.app = app

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if self.guard.app is None:
                self.guard.app = request.app
            try:
                declared = int(request.headers.get("content-length") or 0)
            except ValueError:
                declared = 0
            body = request.body or b""
            if declared > MAX_BODY or len(body) > MAX_BODY:
                return _error(413, f"request body larger than {MAX_BODY} bytes")
            try:
                payload = json.loads(body)
            except (ValueError, UnicodeDecodeError):
                return _error(400, 'body must be JSON: {"sender": "…", "message": "…"}')
            if not isinstance(payload, dict):
                return _error(400, 'body must be a JSON object with "sender" and "message"')
            sender, text, metadata = payload.get("sender"), payload.get("message"), payload.get("metadata")
            if isinstance(sender, (int, float)) and not isinstance(sender, bool):
                sender = str(sender)
            if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER:
                return _error(400, f'"sender" must be a non-empty string of at most {MAX_SENDER} characters')
            if text is None:
                return _error(400, '"message" is required: {"sender": "…", "message": "…"}')
            if not isinstance(text, (str, int, float)):
                return _error(400, '"message" must be a string')
            if not isinstance(metadata, dict):
                metadata = None
            collector = CollectingOutputChannel()
            message = UserMessage(
                "" if text is None else str(text), collector, sender, input_channel=self.name(), metadata=metadata
            )
            try:
                await self.guard.handle(message, on_new_message)
            except Exception:  # never a 500 for a user's message
                logger.exception("rest channel: unexpected error for sender %s", sender)
                if not collector.messages:
                    await collector.send_text_message(sender, APOLOGY)
            return response.json(collector.messages)

        return bp


class GuardedSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel with the same guard; replies of a turn are sent when the
    turn is complete (so a failed turn can be withdrawn and apologised for)."""

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        channel = super().from_credentials(credentials)
        max_chars = (credentials or {}).get("max_chars")
        channel.guard = Guard("socketio", **({"max_chars": int(max_chars)} if max_chars else {}))
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        if not hasattr(self, "guard"):
            self.guard = Guard("socketio")

        async def guarded(message: UserMessage) -> None:
            try:
                await self.guard.handle(message, on_new_message)
            except Exception:
                logger.exception("socketio channel: unexpected error for sender %s", message.sender_id)
                await message.output_channel.send_text_message(message.sender_id, APOLOGY)

        bp = super().blueprint(guarded)

        @bp.listener("after_server_start")
        async def remember_app(app, _loop) -> None:
            self.guard.app = app

        return bp
