"""What the bot said, as WeChat text: flattened, split to WeChat's 2048-byte limit,
rendered as a passive XML reply.

Passive and customer-service text replies are limited to 2048 bytes, so long answers are
split on UTF-8 character boundaries (preferring paragraph and sentence breaks); the first
part is the passive reply, the rest is pushed (bot/channels/wechat/channel.py).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from wechatpy.crypto import WeChatCrypto
from wechatpy.messages import BaseMessage
from wechatpy.replies import TextReply

#: WeChat's documented limit for a text reply's Content, counted in UTF-8 bytes.
WECHAT_TEXT_MAX_BYTES = 2048


def split_utf8(text: Text, max_bytes: int = WECHAT_TEXT_MAX_BYTES) -> List[Text]:
    """Split ``text`` into pieces of at most ``max_bytes`` UTF-8 bytes.

    Never cuts inside a character, prefers a paragraph, line, sentence or clause break in
    the second half of a piece, and is lossless: ``"".join(split_utf8(t)) == t``.
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
            best = max((window.rfind(sep) + len(sep) for sep in group if sep in window), default=-1)
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
    """Flatten what the bot said into one plain text (WeChat text replies have no
    buttons, so button titles become a numbered list)."""
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


def cdata_safe(text: Text) -> Text:
    """wechatpy wraps Content in CDATA without escaping; a literal ``]]>`` would end the
    section early, so split it across two sections."""
    return text.replace("]]>", "]]]]><![CDATA[>")


def render_text_reply(
    content: Text, message: BaseMessage, crypto: Optional[WeChatCrypto] = None, nonce: Optional[Text] = None
) -> Text:
    """The passive reply XML for ``message`` (encrypted when ``crypto`` is given)."""
    xml = TextReply(message=message, content=cdata_safe(content)).render()
    if crypto is not None:
        xml = crypto.encrypt_message(xml, nonce)
    return xml


# With no customer-service API (no appid/appsecret) only the passive reply reaches the follower:
# what is not the answer goes first when the whole does not fit (explore17: the answer itself,
# after general paragraphs, had been in the undelivered second part)
_DECISION_LEAD = ("✅", "⏳", "❓", "❌", "您问的", "另外", "如果", "按您说的", "按您的情况")
ONE_REPLY_NOTE = "（答复较长，这里只发了要点；回复“下一步”可看办理步骤。）"


def fit_one_reply(messages: List[Dict[Text, Any]], max_bytes: int = WECHAT_TEXT_MAX_BYTES) -> List[Dict[Text, Any]]:
    """The messages that fit one WeChat text: the closing offer, then the next steps, then the
    general paragraphs before the answer are left out, in that order, until the rest fits."""
    if len(collected_text(messages).encode("utf-8")) <= max_bytes:
        return messages
    texts = [str(m.get("text") or "") for m in messages]
    first_answer = next((i for i, t in enumerate(texts) if t.lstrip().startswith(_DECISION_LEAD)), len(texts))
    droppable = [i for i, t in enumerate(texts) if t.startswith("还可以问我")]
    droppable += [i for i, t in enumerate(texts) if t.startswith("下一步")]
    droppable += [i for i in range(first_answer) if i not in droppable]
    kept = list(range(len(messages)))
    for i in droppable:
        kept.remove(i)
        fitted = [messages[k] for k in kept] + [{"text": ONE_REPLY_NOTE}]
        if len(collected_text(fitted).encode("utf-8")) <= max_bytes:
            return fitted
    return messages
