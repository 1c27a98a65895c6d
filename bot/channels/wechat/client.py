"""The two server APIs the channel calls while answering: the access token and the
customer-service message (客服消息) that delivers answers not ready within WeChat's 5 s.

wechatpy's ``WeChatClient`` is synchronous (requests), so it would block Rasa's event
loop; these two calls are made with aiohttp instead. (The menu is pushed once, from the
command line, with wechatpy itself: bot/channels/wechat/menu.py.)
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Callable, Optional, Text

import aiohttp

from bot.guard import pseudonym

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://api.weixin.qq.com"
#: errcodes meaning "this access_token is invalid / expired": refetch once.
TOKEN_INVALID_ERRCODES = frozenset({40001, 40014, 42001})


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
                    pseudonym(openid),
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
                pseudonym(openid),
                errcode,
                data.get("errmsg") if isinstance(data, dict) else None,
            )
            return False
        return False
