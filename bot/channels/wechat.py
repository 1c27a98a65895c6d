"""WeChat official-account (微信公众号) input channel for 技能贯通助手.

Rasa loads it from ``credentials.yml``::

    bot.channels.wechat.WeChatInput:
      token: ${WECHAT_TOKEN}
      appid: ${WECHAT_APPID}
      appsecret: ${WECHAT_APPSECRET}
      encoding_aes_key: ${WECHAT_AES_KEY}     # only for 安全模式 (safe mode)
      # api_base_url / redis_url / reply_timeout are optional

Every value falls back to an environment variable (``WECHAT_TOKEN``,
``WECHAT_APPID``, ``WECHAT_APPSECRET``, ``WECHAT_AES_KEY``, ``WECHAT_API_BASE``,
``WECHAT_DEDUP_REDIS_URL``, ``WECHAT_REPLY_TIMEOUT``), so the same code runs
unchanged in development and production.  A key may also be left out of
credentials.yml altogether (Rasa refuses a ``${VAR}`` whose variable is unset;
the fallback then reads the variable if it appears later).  Optional tuning
keys: ``max_timestamp_age`` (300 s), ``max_body_bytes`` (65536),
``dedup_ttl`` (600 s), ``welcome_text``.  The webhook lives at
``GET/POST /webhooks/wechat/webhook``.

Why it is built the way it is:

* WeChat's servers wait only 5 seconds for a passive reply and then retry the
  same message up to three times.  A Rasa turn can be slower than that, so the
  answer is awaited for ``reply_timeout`` (4.5 s) at most; if it is not ready,
  WeChat gets ``success`` and the answer is pushed later through the
  customer-service message API (客服消息).
* Because of the retries, every delivery is de-duplicated (MsgId, or
  FromUserName+CreateTime for events).  A retry never runs the bot again: it
  waits for the first delivery's result and answers the same thing.  The store
  is an in-process dict with expiry, or Redis (``SET NX EX``) when several
  Rasa processes share the webhook.
* The endpoint is public, so each request is authenticated (signature and
  timestamp freshness) before its body is even read, the body size is capped,
  and XML with DTD/entity declarations (XXE, billion laughs) is refused before
  wechatpy's parser (xmltodict) sees it.
* Passive and customer-service text replies are limited to 2048 bytes, so long
  answers are split on UTF-8 character boundaries (preferring paragraph and
  sentence breaks); the first part is the passive reply, the rest is pushed.
* User texts are personal data: nothing here logs message text, and users are
  logged by a short hash of their OpenID.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Text
from xml.parsers import expat

import aiohttp
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa.core.channels.channel import (
    CollectingOutputChannel,
    InputChannel,
    UserMessage,
)
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.messages import BaseMessage
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://api.weixin.qq.com"
DEFAULT_REPLY_TIMEOUT = 4.5
DEFAULT_MAX_TIMESTAMP_AGE = 300
DEFAULT_MAX_BODY_BYTES = 64 * 1024
DEFAULT_DEDUP_TTL = 600
DEFAULT_PROCESSING_TTL = 120
#: WeChat's documented limit for a text reply's Content, counted in UTF-8 bytes.
WECHAT_TEXT_MAX_BYTES = 2048
#: errcodes meaning "this access_token is invalid / expired": refetch once.
TOKEN_INVALID_ERRCODES = frozenset({40001, 40014, 42001})
#: Message types we cannot understand; the user is asked to type instead.
MEDIA_TYPES = frozenset(
    {"image", "voice", "video", "shortvideo", "location", "link", "file"}
)

WELCOME_TEXT = (
    "您好！我是技能贯通助手。\n"
    "我可以帮您：\n"
    "1. 判断技能人才（如高级工、技师、高级技师）能评什么职称；\n"
    "2. 判断专业技术人才能参加什么技能等级评价；\n"
    "3. 说明依据，引用相关政策条款。\n"
    "您可以直接说自己的情况，比如：“我是百色的技师，拿证三年了”。"
)
TEXT_ONLY_TEXT = (
    "抱歉，我目前只能看懂文字消息。请直接用文字描述您的情况，"
    "比如：“我是百色的技师，拿证三年了”。"
)
ERROR_TEXT = "抱歉，系统暂时出了点问题，请稍后再试。"

SUCCESS_RESULT: Dict[Text, Text] = {"kind": "success"}


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


def openid_hash(openid: Optional[Text]) -> Text:
    """Short, stable pseudonym for an OpenID, so logs can correlate a user
    without storing the identifier itself."""
    if not openid:
        return "-"
    return hashlib.sha256(openid.encode("utf-8")).hexdigest()[:12]


class UnsafeXMLError(ValueError):
    """The body declares a DTD or entities (XXE / entity-expansion attack)."""


class MalformedXMLError(ValueError):
    """The body is not the well-formed ``<xml>…</xml>`` document WeChat sends."""


def ensure_safe_xml(raw: bytes, max_depth: int = 8) -> None:
    """Refuse XML that could attack the parser, before wechatpy parses it.

    wechatpy parses with xmltodict (stdlib expat).  Recent xmltodict already
    forbids entity declarations, but that is a default of a transitive
    dependency, so we are explicit: a strict expat pass that aborts at the
    first DOCTYPE, ENTITY, NOTATION or external reference and never loads
    external DTDs.  Text that merely *contains* ``<!DOCTYPE`` inside CDATA
    (a user typing it) is fine, because the check is structural, not a
    substring search.
    """
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = 0

    def forbid(*_args: Any) -> None:
        raise UnsafeXMLError("DTD / entity declarations are not allowed")

    def start(name: Text, _attrs: Any) -> None:
        nonlocal depth
        if depth == 0 and name != "xml":
            raise MalformedXMLError("root element must be <xml>")
        depth += 1
        if depth > max_depth:
            raise MalformedXMLError("XML nested too deeply")

    def end(_name: Text) -> None:
        nonlocal depth
        depth -= 1

    parser.StartDoctypeDeclHandler = forbid
    parser.EntityDeclHandler = forbid
    parser.UnparsedEntityDeclHandler = forbid
    parser.NotationDeclHandler = forbid
    parser.ExternalEntityRefHandler = forbid
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(raw, True)
    except expat.ExpatError as exc:
        raise MalformedXMLError(str(exc)) from exc


def split_utf8(text: Text, max_bytes: int = WECHAT_TEXT_MAX_BYTES) -> List[Text]:
    """Split ``text`` into pieces of at most ``max_bytes`` UTF-8 bytes.

    Never cuts inside a character, prefers a paragraph, line, sentence or
    clause break in the second half of a piece, and is lossless:
    ``"".join(split_utf8(t)) == t``.
    """
    if max_bytes < 4:
        raise ValueError("max_bytes must be at least 4 (one UTF-8 character)")
    breaks = (
        ("\n\n",),
        ("\n",),
        ("。", "！", "？", "；", "!", "?", ";"),
        ("，", "、", ",", " "),
    )
    parts: List[Text] = []
    rest = text
    while len(rest.encode("utf-8")) > max_bytes:
        # The longest prefix that fits; "ignore" drops a trailing partial char.
        cut = len(rest.encode("utf-8")[:max_bytes].decode("utf-8", "ignore"))
        window = rest[:cut]
        for group in breaks:
            best = max(
                (window.rfind(sep) + len(sep) for sep in group if sep in window),
                default=-1,
            )
            if best > cut // 2:
                cut = best
                break
        parts.append(rest[:cut])
        rest = rest[cut:]
    if rest:
        parts.append(rest)
    return parts


def split_for_wechat(text: Text, max_bytes: int = WECHAT_TEXT_MAX_BYTES) -> List[Text]:
    """Pieces ready to send: split, trimmed, empty pieces dropped."""
    return [p.strip() for p in split_utf8(text, max_bytes) if p.strip()]


def collected_text(messages: List[Dict[Text, Any]]) -> Text:
    """Flatten what the bot said into one plain text (WeChat text replies
    have no buttons, so button titles become a numbered list)."""
    chunks: List[Text] = []
    for message in messages:
        lines: List[Text] = []
        if message.get("text"):
            lines.append(str(message["text"]))
        for i, button in enumerate(message.get("buttons") or [], start=1):
            title = button.get("title") if isinstance(button, dict) else None
            if title:
                lines.append(f"{i}. {title}")
        for key in ("image", "attachment"):
            if isinstance(message.get(key), str):
                lines.append(message[key])
        custom = message.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("text"), str):
            lines.append(custom["text"])
        chunk = "\n".join(lines).strip()
        if chunk:
            chunks.append(chunk)
    return "\n\n".join(chunks)


def _cdata_safe(text: Text) -> Text:
    """wechatpy wraps Content in CDATA without escaping; a literal ``]]>``
    would end the section early, so split it across two sections."""
    return text.replace("]]>", "]]]]><![CDATA[>")


# --------------------------------------------------------------------------
# de-duplication stores
# --------------------------------------------------------------------------


class DedupStore:
    """Remembers which deliveries are in progress / answered.

    ``claim`` is atomic: exactly one delivery of a key gets ``True`` and runs
    the bot; the others ``wait_result`` for the answer it stores.
    """

    async def claim(self, key: Text) -> bool:
        raise NotImplementedError

    async def get_result(self, key: Text) -> Optional[Dict[Text, Text]]:
        raise NotImplementedError

    async def set_result(self, key: Text, result: Dict[Text, Text]) -> None:
        raise NotImplementedError

    async def wait_result(
        self, key: Text, timeout: float
    ) -> Optional[Dict[Text, Text]]:
        raise NotImplementedError

    async def close(self) -> None:
        """Release connections, if any."""


class _MemoryEntry:
    __slots__ = ("expires_at", "result", "event")

    def __init__(self, expires_at: float) -> None:
        self.expires_at = expires_at
        self.result: Optional[Dict[Text, Text]] = None
        self.event = asyncio.Event()


class MemoryDedupStore(DedupStore):
    """Single-process store: a dict with expiry (the default).

    Safe without locks because ``claim`` does not await between its check and
    its write, and Sanic runs each worker on one event loop.
    """

    def __init__(
        self,
        ttl: float = DEFAULT_DEDUP_TTL,
        processing_ttl: float = DEFAULT_PROCESSING_TTL,
        max_entries: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.processing_ttl = processing_ttl
        self.max_entries = max_entries
        self._clock = clock
        self._entries: Dict[Text, _MemoryEntry] = {}
        self._next_purge = 0.0

    def _live(self, key: Text) -> Optional[_MemoryEntry]:
        entry = self._entries.get(key)
        if entry is not None and entry.expires_at <= self._clock():
            del self._entries[key]
            return None
        return entry

    def _purge(self) -> None:
        now = self._clock()
        if now < self._next_purge and len(self._entries) < self.max_entries:
            return
        self._next_purge = now + 10.0
        for key in [k for k, e in self._entries.items() if e.expires_at <= now]:
            del self._entries[key]
        # Still too many (a flood): forget the oldest finished entries.
        overflow = len(self._entries) - self.max_entries
        if overflow > 0:
            for key in [k for k, e in self._entries.items() if e.result][:overflow]:
                del self._entries[key]

    def __len__(self) -> int:
        return len(self._entries)

    async def claim(self, key: Text) -> bool:
        self._purge()
        if self._live(key) is not None:
            return False
        self._entries[key] = _MemoryEntry(self._clock() + self.processing_ttl)
        return True

    async def get_result(self, key: Text) -> Optional[Dict[Text, Text]]:
        entry = self._live(key)
        return entry.result if entry is not None else None

    async def set_result(self, key: Text, result: Dict[Text, Text]) -> None:
        entry = self._live(key)
        if entry is None:
            entry = self._entries[key] = _MemoryEntry(0.0)
        entry.result = result
        entry.expires_at = self._clock() + self.ttl
        entry.event.set()

    async def wait_result(
        self, key: Text, timeout: float
    ) -> Optional[Dict[Text, Text]]:
        entry = self._live(key)
        if entry is None:
            return None
        if entry.result is None:
            try:
                await asyncio.wait_for(entry.event.wait(), max(timeout, 0.0))
            except asyncio.TimeoutError:
                return None
        return entry.result


class RedisDedupStore(DedupStore):
    """Store shared by several Rasa processes.

    ``SET key processing NX EX`` claims a delivery; the finished reply
    overwrites the value with a longer expiry.  Redis failures fail *open*
    (the message is processed, a warning logged): answering twice is better
    than never answering.
    """

    PROCESSING = "__processing__"

    def __init__(
        self,
        url: Text,
        ttl: float = DEFAULT_DEDUP_TTL,
        processing_ttl: float = DEFAULT_PROCESSING_TTL,
        prefix: Text = "wechat:dedup:",
        poll_interval: float = 0.05,
    ) -> None:
        self.url = url
        self.ttl = int(max(1, ttl))
        self.processing_ttl = int(max(1, processing_ttl))
        self.prefix = prefix
        self.poll_interval = poll_interval
        self._redis: Any = None

    def _client(self) -> Any:
        if self._redis is None:
            import redis.asyncio as redis_asyncio  # optional dependency

            self._redis = redis_asyncio.from_url(
                self.url, decode_responses=True, socket_timeout=2.0
            )
        return self._redis

    async def claim(self, key: Text) -> bool:
        try:
            ok = await self._client().set(
                self.prefix + key, self.PROCESSING, nx=True, ex=self.processing_ttl
            )
            return bool(ok)
        except Exception as exc:  # redis down: fail open
            logger.warning("wechat dedup: redis claim failed (%s); processing", exc)
            return True

    async def get_result(self, key: Text) -> Optional[Dict[Text, Text]]:
        try:
            value = await self._client().get(self.prefix + key)
        except Exception as exc:
            logger.warning("wechat dedup: redis get failed (%s)", exc)
            return None
        if value is None or value == self.PROCESSING:
            return None
        try:
            return json.loads(value)
        except ValueError:
            return None

    async def set_result(self, key: Text, result: Dict[Text, Text]) -> None:
        try:
            await self._client().set(
                self.prefix + key, json.dumps(result, ensure_ascii=False), ex=self.ttl
            )
        except Exception as exc:
            logger.warning("wechat dedup: redis set failed (%s)", exc)

    async def wait_result(
        self, key: Text, timeout: float
    ) -> Optional[Dict[Text, Text]]:
        deadline = time.monotonic() + max(timeout, 0.0)
        while True:
            result = await self.get_result(key)
            if result is not None or time.monotonic() >= deadline:
                return result
            await asyncio.sleep(
                min(self.poll_interval, max(0.0, deadline - time.monotonic()))
            )

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.close()
            self._redis = None


# --------------------------------------------------------------------------
# customer-service message API
# --------------------------------------------------------------------------


class WeChatAPIClient:
    """Minimal async client for the two server APIs the channel needs.

    wechatpy's ``WeChatClient`` is synchronous (requests), so it would block
    Rasa's event loop; these two calls are done with aiohttp instead.  The
    access token is cached until shortly before ``expires_in`` and refetched
    when WeChat reports it invalid (40001/40014/42001).
    """

    def __init__(
        self,
        appid: Text,
        appsecret: Text,
        api_base_url: Text = DEFAULT_API_BASE,
        timeout: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.appid = appid
        self.appsecret = appsecret
        self.api_base_url = api_base_url.rstrip("/")
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._clock = clock
        self._token: Optional[Text] = None
        self._token_expires_at = 0.0
        self._lock: Optional[asyncio.Lock] = None

    async def get_token(self, stale: Optional[Text] = None) -> Text:
        """Cached access token; ``stale`` = a token WeChat just rejected."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            usable = self._token is not None and self._token != stale
            if usable and self._clock() < self._token_expires_at:
                return self._token  # type: ignore[return-value]
            async with aiohttp.ClientSession(timeout=self.timeout) as session:
                async with session.get(
                    f"{self.api_base_url}/cgi-bin/token",
                    params={
                        "grant_type": "client_credential",
                        "appid": self.appid,
                        "secret": self.appsecret,
                    },
                ) as resp:
                    data = await resp.json(content_type=None)
            token = data.get("access_token") if isinstance(data, dict) else None
            if not token:
                raise RuntimeError(
                    "wechat access_token request failed: errcode=%s errmsg=%s"
                    % (data.get("errcode"), data.get("errmsg"))
                    if isinstance(data, dict)
                    else "wechat access_token request failed"
                )
            expires_in = float(data.get("expires_in") or 7200)
            # Refresh a little early (5 min, or 20 % for short lifetimes).
            margin = min(300.0, expires_in * 0.2)
            self._token = token
            self._token_expires_at = self._clock() + expires_in - margin
            logger.info("wechat access_token refreshed (expires_in=%s)", expires_in)
            return token

    async def send_text(self, openid: Text, content: Text) -> bool:
        """Push one customer-service text message; ``False`` on failure."""
        body = json.dumps(
            {"touser": openid, "msgtype": "text", "text": {"content": content}},
            ensure_ascii=False,  # WeChat shows \\uXXXX escapes literally
        ).encode("utf-8")
        stale: Optional[Text] = None
        for attempt in range(2):
            try:
                token = await self.get_token(stale=stale)
                async with aiohttp.ClientSession(timeout=self.timeout) as session:
                    async with session.post(
                        f"{self.api_base_url}/cgi-bin/message/custom/send",
                        params={"access_token": token},
                        data=body,
                        headers={"Content-Type": "application/json; charset=utf-8"},
                    ) as resp:
                        data = await resp.json(content_type=None)
            except Exception as exc:
                logger.warning(
                    "wechat custom/send failed for user=%s: %s",
                    openid_hash(openid),
                    exc,
                )
                return False
            errcode = int(data.get("errcode", 0)) if isinstance(data, dict) else -1
            if errcode == 0:
                return True
            if errcode in TOKEN_INVALID_ERRCODES and attempt == 0:
                stale = token
                continue
            logger.warning(
                "wechat custom/send rejected for user=%s: errcode=%s errmsg=%s",
                openid_hash(openid),
                errcode,
                data.get("errmsg") if isinstance(data, dict) else None,
            )
            return False
        return False


# --------------------------------------------------------------------------
# the channel
# --------------------------------------------------------------------------


class WeChatInput(InputChannel):
    """Rasa input channel for a WeChat official account (plain or AES mode)."""

    @classmethod
    def name(cls) -> Text:
        return "wechat"

    @classmethod
    def from_credentials(
        cls, credentials: Optional[Dict[Text, Any]]
    ) -> "WeChatInput":
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
            reply_timeout=float(
                pick("reply_timeout", "WECHAT_REPLY_TIMEOUT", DEFAULT_REPLY_TIMEOUT)
            ),
            welcome_text=credentials.get("welcome_text") or None,
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

        self.crypto: Optional[WeChatCrypto] = None
        if encoding_aes_key:
            if not self.appid:
                raise ValueError("wechat: encoding_aes_key needs appid (safe mode)")
            try:
                self.crypto = WeChatCrypto(token, encoding_aes_key, self.appid)
            except Exception as exc:  # wechatpy asserts a 32-byte key
                raise ValueError(
                    "wechat: encoding_aes_key must be the 43-character key "
                    "from the WeChat console"
                ) from exc

        if dedup_store is not None:
            self.dedup: DedupStore = dedup_store
        elif redis_url:
            self.dedup = RedisDedupStore(redis_url, ttl=dedup_ttl)
        else:
            self.dedup = MemoryDedupStore(ttl=dedup_ttl)

        self.api: Optional[WeChatAPIClient] = None
        if self.appid and self.appsecret:
            self.api = WeChatAPIClient(self.appid, self.appsecret, self.api_base_url)

        self._background: Set[asyncio.Future] = set()

    # ---------------------------------------------------------- lifecycle

    def _spawn(self, coro: Awaitable[Any]) -> None:
        """Run ``coro`` after the HTTP response; keep a reference so it is
        not garbage-collected, and log (not raise) its failures."""
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
            await asyncio.wait(
                set(self._background), timeout=max(0.0, deadline - time.monotonic())
            )

    # ---------------------------------------------------------- security

    def _authentic(
        self, request: Request, signature: Any, timestamp: Any, nonce: Any
    ) -> bool:
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
            logger.warning(
                "wechat: rejected request from %s: stale timestamp (%ds old)", ip, age
            )
            return False
        try:
            check_signature(self.token, signature, timestamp, nonce)
        except InvalidSignatureException:
            logger.warning("wechat: rejected request from %s: bad signature", ip)
            return False
        return True

    async def _read_body(self, request: Request) -> Optional[bytes]:
        """The request body, or ``None`` when it exceeds ``max_body_bytes``.

        The POST route is a streaming route, so an oversized body is refused
        without being buffered in full."""
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

    def _render(
        self,
        result: Dict[Text, Text],
        message: BaseMessage,
        encrypted: bool,
        nonce: Text,
    ) -> HTTPResponse:
        if result.get("kind") != "text" or not result.get("content"):
            return response.text("success")
        xml = TextReply(message=message, content=_cdata_safe(result["content"])).render()
        if encrypted and self.crypto is not None:
            xml = self.crypto.encrypt_message(xml, nonce)
        return response.text(xml, content_type="application/xml")

    async def _push(self, openid: Text, parts: List[Text], log_id: Text) -> None:
        if not parts:
            return
        if self.api is None:
            logger.warning(
                "wechat: %d reply part(s) for %s not delivered: appid/appsecret "
                "not configured, cannot use the customer-service API",
                len(parts),
                log_id,
            )
            return
        for i, part in enumerate(parts, start=1):
            if not await self.api.send_text(openid, part):
                logger.warning(
                    "wechat: push %d/%d for %s failed", i, len(parts), log_id
                )
                return
        logger.info("wechat: pushed %d part(s) for %s", len(parts), log_id)

    async def _push_when_ready(
        self, task: "asyncio.Future[List[Text]]", openid: Text, log_id: Text
    ) -> None:
        parts = await task
        await self._push(openid, parts, log_id)

    async def _respond_once(
        self,
        key: Text,
        produce: Callable[[], Awaitable[List[Text]]],
        deadline: float,
        openid: Text,
        log_id: Text,
    ) -> Dict[Text, Text]:
        """Answer a delivery exactly once, whatever WeChat's retries do.

        The first delivery runs ``produce`` (in a task of its own, so neither
        the timeout nor a dropped connection cancels the bot).  Answer ready
        in time: first part is the passive reply, the rest is pushed.  Not
        ready: ``success`` now, everything pushed when ready.  A duplicate
        waits for the stored result and returns the same thing.
        """
        if not await self.dedup.claim(key):
            logger.info("wechat: duplicate delivery %s, reusing first answer", log_id)
            result = await self.dedup.wait_result(
                key, deadline - time.monotonic()
            )
            return result or SUCCESS_RESULT

        task = asyncio.ensure_future(produce())
        try:
            parts = await asyncio.wait_for(
                asyncio.shield(task), max(0.0, deadline - time.monotonic())
            )
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
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: Text,
        openid: Text,
        metadata: Dict[Text, Any],
        log_id: Text,
    ) -> List[Text]:
        collector = CollectingOutputChannel()
        try:
            await on_new_message(
                UserMessage(
                    text,
                    collector,
                    sender_id=openid,
                    input_channel=self.name(),
                    metadata=metadata,
                )
            )
        except Exception as exc:
            # type only: the exception text could quote the user's message
            logger.error("wechat: bot failed for %s (%s)", log_id, type(exc).__name__)
            logger.debug("wechat: bot failure traceback", exc_info=True)
            return split_for_wechat(ERROR_TEXT)
        return split_for_wechat(collected_text(collector.messages))

    @staticmethod
    async def _static(text: Text) -> List[Text]:
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
        msg_type = str(data.get("MsgType") or "").lower()
        create_time = str(data.get("CreateTime") or "")
        msg_id = data.get("MsgId")
        user = openid_hash(openid)

        if msg_type == "event":
            event = str(getattr(message, "event", "") or data.get("Event") or "")
            event = event.lower()
            key = f"evt:{openid}:{create_time}:{event}"
            log_id = f"event={event} user={user} time={create_time}"
            logger.info("wechat: received %s", log_id)
            if event.startswith("subscribe"):
                produce = lambda: self._static(self.welcome_text)  # noqa: E731
            else:
                produce = lambda: self._static("")  # noqa: E731
            return await self._respond_once(key, produce, deadline, openid, log_id)

        key = f"msg:{msg_id}" if msg_id else f"msg:{openid}:{create_time}:{msg_type}"
        log_id = f"msg_id={msg_id or '-'} type={msg_type or '-'} user={user}"
        content = data.get("Content")

        if msg_type == "text" and isinstance(content, str) and content.strip():
            logger.info("wechat: received %s (%d chars)", log_id, len(content))
            metadata = {
                "wechat": {
                    "msg_id": str(msg_id) if msg_id else None,
                    "msg_type": "text",
                    "create_time": create_time,
                    "account": data.get("ToUserName"),
                    "encrypted": encrypted,
                }
            }
            return await self._respond_once(
                key,
                lambda: self._ask_bot(
                    on_new_message, content.strip(), openid, metadata, log_id
                ),
                deadline,
                openid,
                log_id,
            )

        # media, empty text, unknown types: ask for typed text, never crash
        logger.info("wechat: received %s, asking for text", log_id)
        return await self._respond_once(
            key, lambda: self._static(TEXT_ONLY_TEXT), deadline, openid, log_id
        )

    # ---------------------------------------------------------- routes

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        """``GET /`` health, ``GET /webhook`` URL check, ``POST /webhook``."""
        bp = Blueprint("wechat_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            args = request.args
            if not self._authentic(
                request, args.get("signature"), args.get("timestamp"), args.get("nonce")
            ):
                return response.text("forbidden", status=403)
            echostr = args.get("echostr")
            if echostr is None:
                return response.text("missing echostr", status=400)
            return response.text(echostr)

        @bp.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            deadline = time.monotonic() + self.reply_timeout
            args = request.args
            timestamp, nonce = args.get("timestamp"), args.get("nonce")
            if not self._authentic(request, args.get("signature"), timestamp, nonce):
                return response.text("forbidden", status=403)

            body = await self._read_body(request)
            if body is None:
                logger.warning(
                    "wechat: rejected request from %s: body over %d bytes",
                    request.ip,
                    self.max_body_bytes,
                )
                return response.text("payload too large", status=413)

            encrypted = (args.get("encrypt_type") or "raw").lower() == "aes"
            if encrypted and self.crypto is None:
                logger.error("wechat: encrypted message but no encoding_aes_key set")
                return response.text("safe mode not configured", status=500)

            try:
                ensure_safe_xml(body)
                if encrypted:
                    assert self.crypto is not None
                    xml = self.crypto.decrypt_message(
                        body, args.get("msg_signature"), timestamp, nonce
                    )
                    xml_bytes = xml.encode("utf-8") if isinstance(xml, str) else xml
                    ensure_safe_xml(xml_bytes)
                else:
                    xml_bytes = body
                message = parse_message(xml_bytes.decode("utf-8"))
                if message is None or not isinstance(
                    message._data.get("FromUserName"), str
                ):
                    raise MalformedXMLError("not a WeChat message")
            except (InvalidSignatureException, InvalidAppIdException):
                logger.warning(
                    "wechat: rejected request from %s: bad msg_signature/appid",
                    request.ip,
                )
                return response.text("forbidden", status=403)
            except UnsafeXMLError:
                logger.warning(
                    "wechat: rejected request from %s: DTD/entity in XML", request.ip
                )
                return response.text("bad request", status=400)
            except Exception as exc:  # malformed XML, bad ciphertext, odd fields
                logger.warning(
                    "wechat: rejected request from %s: unparsable body (%s)",
                    request.ip,
                    type(exc).__name__,
                )
                return response.text("bad request", status=400)

            result = await self._dispatch(message, on_new_message, deadline, encrypted)
            return self._render(result, message, encrypted, nonce)

        return bp
