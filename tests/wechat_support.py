"""Shared by the WeChat channel tests: signed requests built from WeChat's algorithms (sha1
of the sorted token/timestamp/nonce; ``WeChatCrypto`` for safe mode), message and event
XML, a stub bot, a fake WeChat API server on loopback (access token, customer-service
send, menu create, 40001 for a revoked token) and a harness serving the channel.

No Rasa model is trained here: the channel is mounted on a real Sanic app exactly as
``rasa run`` mounts it (``rasa.core.channels.channel.register``), with a stub agent whose
``handle_message`` writes into the collector. The app runs on 127.0.0.1 on a random port.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import json
import os
import shutil
import socket
import subprocess
import time
import uuid
import xml.etree.ElementTree as ET
from types import SimpleNamespace
from typing import Any, Dict, List, Optional
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp import web
from sanic import Sanic

from rasa.core.channels.channel import UserMessage, register
from bot.channels.wechat import WeChatInput

TOKEN = "test_token_123"
APPID = "wx0123456789abcdef"
APPSECRET = "s3cr3t"
AES_KEY = base64.b64encode(bytes(range(32))).decode().rstrip("=")  # 43 chars
OPENID = "oUser_openid_ABC"
ACCOUNT = "gh_skill_assistant"
WEBHOOK = "/webhooks/wechat/webhook"

# Several Sanic apps start in one process here; test mode makes Sanic 21.12
# keep its original request-parsing methods between apps (as sanic-testing does).
Sanic.test_mode = True


def run(coro_fn):
    """Run an async test body in a fresh event loop (no pytest-asyncio)."""

    @functools.wraps(coro_fn)
    def wrapper(*args, **kwargs):
        return asyncio.run(coro_fn(*args, **kwargs))

    return wrapper


# --------------------------------------------------------------------- signing


def sign(*parts: str) -> str:
    """WeChat's signature: sha1 of the sorted, concatenated parts."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def signed_query(timestamp: Optional[int] = None, token: str = TOKEN, **extra: str) -> Dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = uuid.uuid4().hex[:10]
    query = {"signature": sign(token, ts, nonce), "timestamp": ts, "nonce": nonce}
    query.update(extra)
    return query


def text_xml(content: str, msg_id: Any = 1001, openid: str = OPENID) -> str:
    return (
        "<xml>"
        f"<ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime>"
        "<MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content>"
        f"<MsgId>{msg_id}</MsgId>"
        "</xml>"
    )


def typed_xml(msg_type: str, extra: str = "", msg_id: Any = 2001) -> str:
    return (
        "<xml>"
        f"<ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{OPENID}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime>"
        f"<MsgType><![CDATA[{msg_type}]]></MsgType>"
        f"{extra}<MsgId>{msg_id}</MsgId>"
        "</xml>"
    )


def event_xml(event: str, create_time: Optional[int] = None, key: str = "") -> str:
    return (
        "<xml>"
        f"<ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{OPENID}]]></FromUserName>"
        f"<CreateTime>{create_time or int(time.time())}</CreateTime>"
        "<MsgType><![CDATA[event]]></MsgType>"
        f"<Event><![CDATA[{event}]]></Event>"
        f"<EventKey><![CDATA[{key}]]></EventKey>"
        "</xml>"
    )


def reply_fields(body: str) -> Dict[str, str]:
    root = ET.fromstring(body)
    return {child.tag: (child.text or "") for child in root}


# --------------------------------------------------------------------- fakes


class StubBot:
    """Stands in for ``agent.handle_message``: echoes, counts, may be slow."""

    def __init__(self, reply=None, delay: float = 0.0, fail: bool = False):
        self.reply = reply or (lambda text: f"收到：{text}")
        self.delay = delay
        self.fail = fail
        self.calls: List[UserMessage] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.calls.append(message)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail:
            raise RuntimeError("boom")
        await message.output_channel.send_text_message(message.sender_id, self.reply(message.text))


class FakeWeChatAPI:
    """Local stand-in for api.weixin.qq.com (token, custom/send, menu/create)."""

    def __init__(self, expires_in: int = 7200):
        self.expires_in = expires_in
        self.token_fetches = 0
        self.rejected_tokens: set = set()
        self.sent: List[Dict[str, Any]] = []
        self.menus: List[Dict[str, Any]] = []
        self.menu_attempts = 0
        self.send_attempts = 0
        self.port = 0
        self._runner: Optional[web.AppRunner] = None

    async def _token(self, request: web.Request) -> web.Response:
        q = request.query
        if q.get("grant_type") != "client_credential" or q.get("appid") != APPID or q.get("secret") != APPSECRET:
            return web.json_response({"errcode": 40013, "errmsg": "invalid appid"})
        self.token_fetches += 1
        return web.json_response({"access_token": f"TOKEN-{self.token_fetches}", "expires_in": self.expires_in})

    async def _send(self, request: web.Request) -> web.Response:
        self.send_attempts += 1
        token = request.query.get("access_token")
        if not token or not token.startswith("TOKEN-") or token in self.rejected_tokens:
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        raw = await request.read()
        body = json.loads(raw.decode("utf-8"))
        body["_token"] = token
        body["_raw_has_escapes"] = b"\\u" in raw
        self.sent.append(body)
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _menu_create(self, request: web.Request) -> web.Response:
        self.menu_attempts += 1
        token = request.query.get("access_token")
        if not token or not token.startswith("TOKEN-") or token in self.rejected_tokens:
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        try:
            menu = json.loads((await request.read()).decode("utf-8"))
        except ValueError:
            return web.json_response({"errcode": 40018, "errmsg": "invalid button"})
        self.menus.append(menu)
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def __aenter__(self) -> "FakeWeChatAPI":
        app = web.Application()
        app.router.add_get("/cgi-bin/token", self._token)
        app.router.add_post("/cgi-bin/message/custom/send", self._send)
        app.router.add_post("/cgi-bin/menu/create", self._menu_create)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore
        return self

    async def __aexit__(self, *exc: Any) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def wait_for_sent(self, count: int, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.sent) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.02)


class Harness:
    """A Sanic app serving the channel on 127.0.0.1, plus an HTTP client."""

    def __init__(self, channel: WeChatInput, bot: StubBot, rasa_app: bool = False):
        self.channel = channel
        self.bot = bot
        self.rasa_app = rasa_app
        self.server: Any = None
        self.session: Optional[aiohttp.ClientSession] = None
        self.port = 0

    async def __aenter__(self) -> "Harness":
        if self.rasa_app:  # the very app factory `rasa run` uses
            from rasa.core.run import configure_app

            app = configure_app(input_channels=[self.channel], enable_api=False)
        else:
            app = Sanic(f"wechat_test_{uuid.uuid4().hex}", configure_logging=False)
            register([self.channel], app, route="/webhooks/")  # as `rasa run` does
        # no tracker store: the guard's rewind of a failed turn logs that it cannot
        app.ctx.agent = SimpleNamespace(handle_message=self.bot.handle_message, tracker_store=None)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self.server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
        await self.server.startup()
        await self.server.start_serving()
        self.session = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.channel.drain(5.0)
        assert self.session is not None
        await self.session.close()
        self.server.close()
        await self.server.wait_closed()
        await self.channel.dedup.close()

    def url(self, query: Dict[str, str], path: str = WEBHOOK) -> str:
        return f"http://127.0.0.1:{self.port}{path}?{urlencode(query)}"

    async def get(self, query: Dict[str, str]) -> aiohttp.ClientResponse:
        assert self.session is not None
        resp = await self.session.get(self.url(query))
        await resp.read()
        return resp

    async def post(self, body: Any, query: Optional[Dict[str, str]] = None, **kwargs: Any) -> aiohttp.ClientResponse:
        assert self.session is not None
        data = body.encode("utf-8") if isinstance(body, str) else body
        resp = await self.session.post(self.url(query or signed_query()), data=data, **kwargs)
        await resp.read()
        return resp


def make_channel(**kwargs: Any) -> WeChatInput:
    params: Dict[str, Any] = {"token": TOKEN, "reply_timeout": 2.0}
    params.update(kwargs)
    return WeChatInput(**params)


def voice_xml(recognition: Optional[str], msg_id: Any = 3001, openid: str = OPENID) -> str:
    """A voice message; ``recognition=None`` leaves out <Recognition> (语音识别 off)."""
    heard = "" if recognition is None else f"<Recognition><![CDATA[{recognition}]]></Recognition>"
    return (
        "<xml>"
        f"<ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime>"
        "<MsgType><![CDATA[voice]]></MsgType>"
        "<MediaId><![CDATA[media_1]]></MediaId><Format><![CDATA[amr]]></Format>"
        f"{heard}<MsgId>{msg_id}</MsgId>"
        "</xml>"
    )


def follower_event_xml(event: str, openid: str, key: str = "", create_time: Optional[int] = None) -> str:
    return event_xml(event, create_time, key).replace(OPENID, openid)


@pytest.fixture
def redis_url():
    """A Redis to test against: $WECHAT_TEST_REDIS_URL, or a throw-away redis-server on a
    random loopback port if the binary is installed."""
    url = os.environ.get("WECHAT_TEST_REDIS_URL")
    if url:
        yield url
        return
    binary = shutil.which("redis-server")
    if not binary:
        pytest.skip("no Redis available: install redis-server or set WECHAT_TEST_REDIS_URL")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.skip("redis-server did not start")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(5)
