"""The Rasa input channel: WeChat's webhook in, the bot's answers out, within WeChat's
constraints. What each delivery asks for is decided in messages.py; everything the bot
sees goes through the same guard as every public channel (bot/guard.py: PII redaction
before the NLU and the stores, the per-follower rate limit and size limit, rewind and
replay of a failed turn, the apology with the hotline).

WeChat's own constraints stay here:

* WeChat waits only 5 seconds for a passive reply and then retries the same message up to
  three times. The answer is awaited for ``reply_timeout`` (4.5 s) at most; if it is not
  ready, WeChat gets ``success`` and the answer is pushed later through the
  customer-service message API (客服消息) — unless the follower unsubscribed meanwhile.
* Every delivery is de-duplicated (MsgId, or FromUserName+CreateTime for events): a retry
  never runs the bot again, it waits for the first delivery's answer (session.py).
* The endpoint is public: each request is authenticated (signature and timestamp
  freshness) before its body is read, the body size is capped, and XML with DTD/entity
  declarations is refused before wechatpy's parser sees it (parser.py).
* Text replies are limited to 2048 bytes; longer answers are split, the first part is the
  passive reply and the rest is pushed (replies.py).
* Followers are logged by a short hash of their OpenID; message text is never logged.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, FrozenSet, List, Optional, Set, Text

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.messages import BaseMessage
from wechatpy.utils import check_signature

from bot.channels.wechat import menu as wechat_menu
from bot.channels.wechat.client import DEFAULT_API_BASE, WeChatAPIClient
from bot.channels.wechat.messages import BOT, FIXED, WELCOME_TEXT, Incoming, heard_line, interpret
from bot.channels.wechat.parser import UnsafeXMLError, parse_body
from bot.channels.wechat.replies import collected_text, fit_one_reply, render_text_reply, split_for_wechat
from bot.channels.wechat.session import (
    DEFAULT_DEDUP_TTL,
    DedupStore,
    MemoryDedupStore,
    RedisDedupStore,
    Unsubscribed,
)
from bot.guard import APOLOGY, Guard, pseudonym

logger = logging.getLogger(__name__)

DEFAULT_REPLY_TIMEOUT = 4.5
DEFAULT_MAX_TIMESTAMP_AGE = 300
DEFAULT_MAX_BODY_BYTES = 64 * 1024

SUCCESS_RESULT: Dict[Text, Text] = {"kind": "success"}


def _menu_click_keys(menu_file: Optional[Text]) -> FrozenSet[Text]:
    """The menu's click keys; a missing or broken menu file is logged, not fatal (clicks
    then get the "menu item unavailable" answer)."""
    try:
        return wechat_menu.click_keys(wechat_menu.load_menu(Path(menu_file) if menu_file else None))
    except wechat_menu.MenuError as exc:
        logger.error("wechat: menu file unusable, menu clicks will not be answered: %s", exc)
        return frozenset()


class WeChatInput(InputChannel):
    """Rasa input channel for a WeChat official account (plain or AES mode)."""

    @classmethod
    def name(cls) -> Text:
        return "wechat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WeChatInput":
        """Read credentials.yml, falling back to WECHAT_* env variables."""
        credentials = credentials or {}

        def pick(key: Text, env: Text, default: Any = None) -> Any:
            value = credentials.get(key)
            if value is None or (isinstance(value, str) and not value.strip()):
                value = os.environ.get(env) or default
            return value

        token = pick("token", "WECHAT_TOKEN")
        if not token:
            cls.raise_missing_credentials_exception()
        tuning: Dict[Text, Any] = {}  # optional knobs, credentials.yml only
        for key, cast in (
            ("max_timestamp_age", float),
            ("max_body_bytes", int),
            ("dedup_ttl", float),
            ("max_chars", int),
        ):
            if credentials.get(key) not in (None, ""):
                tuning[key] = cast(credentials[key])
        return cls(
            token=str(token),
            appid=pick("appid", "WECHAT_APPID"),
            appsecret=pick("appsecret", "WECHAT_APPSECRET"),
            encoding_aes_key=pick("encoding_aes_key", "WECHAT_AES_KEY"),
            api_base_url=pick("api_base_url", "WECHAT_API_BASE", DEFAULT_API_BASE),
            redis_url=pick("redis_url", "WECHAT_DEDUP_REDIS_URL"),
            reply_timeout=float(pick("reply_timeout", "WECHAT_REPLY_TIMEOUT", DEFAULT_REPLY_TIMEOUT)),
            welcome_text=credentials.get("welcome_text") or None,
            menu_file=pick("menu_file", "WECHAT_MENU_FILE"),
            **tuning,
        )

    def __init__(
        self,
        token: Text,
        appid: Optional[Text] = None,
        appsecret: Optional[Text] = None,
        encoding_aes_key: Optional[Text] = None,
        api_base_url: Text = DEFAULT_API_BASE,
        redis_url: Optional[Text] = None,
        reply_timeout: float = DEFAULT_REPLY_TIMEOUT,
        max_timestamp_age: float = DEFAULT_MAX_TIMESTAMP_AGE,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        dedup_ttl: float = DEFAULT_DEDUP_TTL,
        welcome_text: Optional[Text] = None,
        dedup_store: Optional[DedupStore] = None,
        clock: Callable[[], float] = time.time,
        menu_file: Optional[Text] = None,
        guard: Optional[Guard] = None,
        max_chars: Optional[int] = None,
    ) -> None:
        self.token = token
        self.appid = appid or None
        self.appsecret = appsecret or None
        self.api_base_url = (api_base_url or DEFAULT_API_BASE).rstrip("/")
        self.reply_timeout = float(reply_timeout)
        self.max_timestamp_age = float(max_timestamp_age)
        self.max_body_bytes = int(max_body_bytes)
        self.welcome_text = welcome_text or WELCOME_TEXT
        self._clock = clock
        self.click_keys = _menu_click_keys(menu_file)
        self.guard = guard or Guard("wechat", **({"max_chars": int(max_chars)} if max_chars else {}))

        self.crypto: Optional[WeChatCrypto] = None
        if encoding_aes_key:
            if not self.appid:
                raise ValueError("wechat: encoding_aes_key needs appid (safe mode)")
            try:
                self.crypto = WeChatCrypto(token, encoding_aes_key, self.appid)
            except Exception as exc:  # wechatpy asserts a 32-byte key
                raise ValueError(
                    "wechat: encoding_aes_key must be the 43-character key from the WeChat console"
                ) from exc

        if dedup_store is not None:
            self.dedup: DedupStore = dedup_store
        elif redis_url:
            self.dedup = RedisDedupStore(redis_url, ttl=dedup_ttl)
        else:
            self.dedup = MemoryDedupStore(ttl=dedup_ttl)
        self.unsubscribed = Unsubscribed(self.dedup.store)

        self.api: Optional[WeChatAPIClient] = None
        if self.appid and self.appsecret:
            self.api = WeChatAPIClient(self.appid, self.appsecret, self.api_base_url)

        self._background: Set[asyncio.Future] = set()

    # ---------------------------------------------------------- lifecycle

    def _spawn(self, coro: Awaitable[Any]) -> None:
        """Run ``coro`` after the HTTP response; keep a reference so it is not
        garbage-collected, and log (not raise) its failures."""
        task = asyncio.ensure_future(coro)
        self._background.add(task)

        def done(t: asyncio.Future) -> None:
            self._background.discard(t)
            if not t.cancelled() and t.exception() is not None:
                logger.error("wechat background task failed: %r", t.exception())

        task.add_done_callback(done)

    async def drain(self, timeout: float = 30.0) -> None:
        """Wait for pending pushes (tests, graceful shutdown)."""
        deadline = time.monotonic() + timeout
        while self._background and time.monotonic() < deadline:
            await asyncio.wait(set(self._background), timeout=max(0.0, deadline - time.monotonic()))

    # ---------------------------------------------------------- security

    def _authentic(self, request: Request, signature: Any, timestamp: Any, nonce: Any) -> bool:
        """Signature and freshness of the query string; logs why not."""
        ip = getattr(request, "ip", "?")
        if not (signature and timestamp and nonce):
            logger.warning("wechat: rejected request from %s: missing signature", ip)
            return False
        try:
            age = abs(self._clock() - int(timestamp))
        except (TypeError, ValueError):
            logger.warning("wechat: rejected request from %s: bad timestamp", ip)
            return False
        if age > self.max_timestamp_age:
            logger.warning("wechat: rejected request from %s: stale timestamp (%ds old)", ip, age)
            return False
        try:
            check_signature(self.token, signature, timestamp, nonce)
        except InvalidSignatureException:
            logger.warning("wechat: rejected request from %s: bad signature", ip)
            return False
        return True

    async def _read_body(self, request: Request) -> Optional[bytes]:
        """The request body, or ``None`` when it exceeds ``max_body_bytes``.

        The POST route is a streaming route, so an oversized body is refused without
        being buffered in full."""
        declared = request.headers.get("content-length")
        if declared is not None:
            try:
                if int(declared) > self.max_body_bytes:
                    return None
            except ValueError:
                return None
        if request.body:  # already buffered (non-streaming use)
            return request.body if len(request.body) <= self.max_body_bytes else None
        stream = getattr(request, "stream", None)
        if stream is None:
            return b""
        chunks: List[bytes] = []
        total = 0
        while True:
            chunk = await stream.read()
            if chunk is None:
                break
            total += len(chunk)
            if total > self.max_body_bytes:
                return None
            chunks.append(chunk)
        return b"".join(chunks)

    # ---------------------------------------------------------- replies

    def _render(self, result: Dict[Text, Text], message: BaseMessage, encrypted: bool, nonce: Text) -> HTTPResponse:
        if result.get("kind") != "text" or not result.get("content"):
            return response.text("success")
        xml = render_text_reply(result["content"], message, self.crypto if encrypted else None, nonce)
        return response.text(xml, content_type="application/xml")

    async def _push(self, openid: Text, parts: List[Text], log_id: Text) -> None:
        if not parts:
            return
        if self.api is None:
            logger.warning(
                "wechat: %d reply part(s) for %s not delivered: appid/appsecret not "
                "configured, cannot use the customer-service API",
                len(parts),
                log_id,
            )
            return
        for i, part in enumerate(parts, start=1):
            if await self.unsubscribed.contains(openid):
                logger.info("wechat: %d part(s) for %s dropped: follower unsubscribed", len(parts) - i + 1, log_id)
                return
            if not await self.api.send_text(openid, part):
                logger.warning("wechat: push %d/%d for %s failed", i, len(parts), log_id)
                return
        logger.info("wechat: pushed %d part(s) for %s", len(parts), log_id)

    async def _push_when_ready(self, task: "asyncio.Future[List[Text]]", openid: Text, log_id: Text) -> None:
        parts = await task
        await self._push(openid, parts, log_id)

    async def _respond_once(
        self, key: Text, produce: Callable[[], Awaitable[List[Text]]], deadline: float, openid: Text, log_id: Text
    ) -> Dict[Text, Text]:
        """Answer a delivery exactly once, whatever WeChat's retries do.

        The first delivery runs ``produce`` (in a task of its own, so neither the timeout
        nor a dropped connection cancels the bot). Answer ready in time: first part is the
        passive reply, the rest is pushed. Not ready: ``success`` now, everything pushed
        when ready. A duplicate waits for the stored result and returns the same thing.
        """
        if not await self.dedup.claim(key):
            logger.info("wechat: duplicate delivery %s, reusing first answer", log_id)
            result = await self.dedup.wait_result(key, deadline - time.monotonic())
            return result or SUCCESS_RESULT

        task = asyncio.ensure_future(produce())
        try:
            parts = await asyncio.wait_for(asyncio.shield(task), max(0.0, deadline - time.monotonic()))
        except asyncio.TimeoutError:
            logger.info("wechat: answer for %s not ready in time, will push", log_id)
            await self.dedup.set_result(key, SUCCESS_RESULT)
            self._spawn(self._push_when_ready(task, openid, log_id))
            return SUCCESS_RESULT
        except asyncio.CancelledError:
            # Connection dropped: still finish, remember, and push.
            self._spawn(self.dedup.set_result(key, SUCCESS_RESULT))
            self._spawn(self._push_when_ready(task, openid, log_id))
            raise

        result = {"kind": "text", "content": parts[0]} if parts else SUCCESS_RESULT
        await self.dedup.set_result(key, result)
        if len(parts) > 1:
            self._spawn(self._push(openid, parts[1:], log_id))
        return result

    async def _ask_bot(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]], incoming: Incoming, openid: Text
    ) -> List[Text]:
        """One turn through the guard; a voice message's answer starts with what was heard
        (as the bot received it: after redaction)."""
        collector = CollectingOutputChannel()
        message = UserMessage(
            incoming.text, collector, sender_id=openid, input_channel=self.name(), metadata=incoming.metadata
        )
        try:
            await self.guard.handle(message, on_new_message)
        except Exception as exc:
            # type only: the exception text could quote the follower's message
            logger.error("wechat: bot failed for %s (%s)", incoming.log_id, type(exc).__name__)
            logger.debug("wechat: bot failure traceback", exc_info=True)
            collector.messages = [{"text": APOLOGY}]
        said = collector.messages if self.api is not None else fit_one_reply(collector.messages)
        answer = collected_text(said)
        if incoming.heard:
            answer = heard_line(message.text or "") + "\n" + answer
        return split_for_wechat(answer)

    @staticmethod
    async def _fixed(text: Text) -> List[Text]:
        return split_for_wechat(text)

    async def _dispatch(
        self,
        message: BaseMessage,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        deadline: float,
        encrypted: bool,
    ) -> Dict[Text, Text]:
        data = message._data  # raw strings: never trust field converters
        openid = data["FromUserName"]
        incoming = interpret(data, pseudonym(openid), self.click_keys, encrypted, self.welcome_text)
        logger.info("wechat: received %s", incoming.log_id)
        if incoming.event == "subscribe":
            await self.unsubscribed.discard(openid)
        elif incoming.event == "unsubscribe":
            await self.unsubscribed.add(openid)
            await self.guard.forget(openid)
        if incoming.kind == BOT:
            produce = lambda: self._ask_bot(on_new_message, incoming, openid)  # noqa: E731
        elif incoming.kind == FIXED:
            produce = lambda: self._fixed(incoming.text)  # noqa: E731
        else:
            produce = lambda: self._fixed("")  # noqa: E731
        return await self._respond_once(incoming.dedup_key, produce, deadline, openid, incoming.log_id)

    # ---------------------------------------------------------- routes

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """``GET /`` health, ``GET /webhook`` URL check, ``POST /webhook``."""
        bp = Blueprint("wechat_webhook", __name__)

        @bp.listener("after_server_start")
        async def remember_app(app: Any, _loop: Any) -> None:
            self.guard.app = app

        @bp.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            args = request.args
            if not self._authentic(request, args.get("signature"), args.get("timestamp"), args.get("nonce")):
                return response.text("forbidden", status=403)
            echostr = args.get("echostr")
            if echostr is None:
                return response.text("missing echostr", status=400)
            return response.text(echostr)

        @bp.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            deadline = time.monotonic() + self.reply_timeout
            if self.guard.app is None:
                self.guard.app = request.app
            args = request.args
            timestamp, nonce = args.get("timestamp"), args.get("nonce")
            if not self._authentic(request, args.get("signature"), timestamp, nonce):
                return response.text("forbidden", status=403)

            body = await self._read_body(request)
            if body is None:
                logger.warning("wechat: rejected request from %s: body over %d bytes", request.ip, self.max_body_bytes)
                return response.text("payload too large", status=413)

            encrypted = (args.get("encrypt_type") or "raw").lower() == "aes"
            if encrypted and self.crypto is None:
                logger.error("wechat: encrypted message but no encoding_aes_key set")
                return response.text("safe mode not configured", status=500)

            try:
                message = parse_body(
                    body, self.crypto if encrypted else None, args.get("msg_signature"), timestamp, nonce
                )
            except (InvalidSignatureException, InvalidAppIdException):
                logger.warning("wechat: rejected request from %s: bad msg_signature/appid", request.ip)
                return response.text("forbidden", status=403)
            except UnsafeXMLError:
                logger.warning("wechat: rejected request from %s: DTD/entity in XML", request.ip)
                return response.text("bad request", status=400)
            except Exception as exc:  # malformed XML, bad ciphertext, odd fields
                logger.warning("wechat: rejected request from %s: unparsable body (%s)", request.ip, type(exc).__name__)
                return response.text("bad request", status=400)

            result = await self._dispatch(message, on_new_message, deadline, encrypted)
            return self._render(result, message, encrypted, nonce)

        return bp
