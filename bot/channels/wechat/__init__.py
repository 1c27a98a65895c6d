"""WeChat official-account (微信公众号) channel for 技能贯通助手, one concern per module as
wechatpy itself is laid out:

=============  ===========================================================
``parser``     POST body → wechatpy message; XXE / entity-expansion refused
``messages``   what a message or event asks for (text, voice, menu click…)
``replies``    the bot's answer as WeChat text: flattened, split to 2048 bytes
``session``    delivery de-duplication and unsubscribed followers (shared store)
``client``     access token and customer-service push (async)
``menu``       deploy/wechat_menu.json: checked, pushed (``make wechat-menu``)
``channel``    the Rasa input channel (webhook, 5 s budget, guard)
=============  ===========================================================

Rasa loads it from ``credentials.yml``::

    bot.channels.wechat.WeChatInput:
      token: ${WECHAT_TOKEN}
      appid: ${WECHAT_APPID}
      appsecret: ${WECHAT_APPSECRET}
      encoding_aes_key: ${WECHAT_AES_KEY}     # only for 安全模式 (safe mode)
      # api_base_url / redis_url / reply_timeout / menu_file are optional

Every value falls back to an environment variable (``WECHAT_TOKEN``, ``WECHAT_APPID``,
``WECHAT_APPSECRET``, ``WECHAT_AES_KEY``, ``WECHAT_API_BASE``, ``WECHAT_DEDUP_REDIS_URL``,
``WECHAT_REPLY_TIMEOUT``, ``WECHAT_MENU_FILE``), so the same code runs unchanged in
development and production. A key may also be left out of credentials.yml altogether
(Rasa refuses a ``${VAR}`` whose variable is unset; the fallback then reads the variable if
it appears later). Optional tuning keys: ``max_timestamp_age`` (300 s), ``max_body_bytes``
(65536), ``dedup_ttl`` (600 s), ``max_chars`` (the guard's, 1000), ``welcome_text``. The
webhook lives at ``GET/POST /webhooks/wechat/webhook``.
"""

from bot.channels.wechat.channel import SUCCESS_RESULT, WeChatInput
from bot.channels.wechat.client import DEFAULT_API_BASE, WeChatAPIClient
from bot.channels.wechat.messages import (
    NOT_HEARD_TEXT,
    TEXT_ONLY_TEXT,
    UNKNOWN_MENU_TEXT,
    WELCOME_TEXT,
    heard_line,
)
from bot.channels.wechat.parser import MalformedXMLError, UnsafeXMLError, ensure_safe_xml
from bot.channels.wechat.replies import WECHAT_TEXT_MAX_BYTES, collected_text, split_for_wechat, split_utf8
from bot.channels.wechat.session import DedupStore, MemoryDedupStore, RedisDedupStore

__all__ = [
    "DEFAULT_API_BASE",
    "DedupStore",
    "MalformedXMLError",
    "MemoryDedupStore",
    "NOT_HEARD_TEXT",
    "RedisDedupStore",
    "SUCCESS_RESULT",
    "TEXT_ONLY_TEXT",
    "UNKNOWN_MENU_TEXT",
    "UnsafeXMLError",
    "WECHAT_TEXT_MAX_BYTES",
    "WELCOME_TEXT",
    "WeChatAPIClient",
    "WeChatInput",
    "collected_text",
    "ensure_safe_xml",
    "heard_line",
    "split_for_wechat",
    "split_utf8",
]
