"""What a follower's message or event asks of the assistant, and the channel's own words.

Each delivery becomes one ``Incoming``: text for the bot (typed, heard in a voice message,
or a menu click's intent), a fixed answer (welcome, "please type", "not heard"), or
nothing (``VIEW``, location reports, events without a follower-facing meaning). Nothing
here talks to Rasa or the network, so every protocol case is decided in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, Text

WELCOME_TEXT = (
    "您好！我是技能贯通助手。\n"
    "我可以帮您：\n"
    "1. 判断技能人才（如高级工、技师、高级技师）能评什么职称；\n"
    "2. 判断专业技术人才能参加什么技能等级评价；\n"
    "3. 说明依据，引用相关政策条款。\n"
    "您可以直接说自己的情况，比如：“我是百色的技师，拿证三年了”。\n"
    "也可以点下方菜单：“我能评什么”开始测评，"
    "“申报指南”查时间、费用和材料，“转人工”找人工服务。"
)
TEXT_ONLY_TEXT = "抱歉，我目前只能看懂文字消息。请直接用文字描述您的情况，" "比如：“我是百色的技师，拿证三年了”。"
NOT_HEARD_TEXT = "抱歉，这条语音我没有听清。请再说一遍，或者直接打字告诉我，" "比如：“我是百色的技师，拿证三年了”。"
UNKNOWN_MENU_TEXT = (
    "抱歉，这个菜单项暂时用不了（菜单可能刚更新过）。" "您可以直接说自己的情况或问题，也可以点下方菜单的其他项目。"
)
#: Shown before the answer to a voice message, so a misheard fact can be corrected.
HEARD_PREFIX = "（听到的是：{text}）"
HEARD_MAX_CHARS = 80

BOT, FIXED, SILENT = "bot", "fixed", "silent"


@dataclass
class Incoming:
    """One delivery, decided: ``kind`` is BOT (``text`` goes to the bot), FIXED (``text``
    is the answer) or SILENT (WeChat gets ``success``)."""

    kind: Text
    dedup_key: Text
    log_id: Text
    text: Text = ""
    heard: bool = False  # voice: show what was heard before the answer
    event: Text = ""  # subscribe / unsubscribe / click / …
    metadata: Dict[Text, Any] = field(default_factory=dict)


def heard_line(text: Text) -> Text:
    """``（听到的是：…）`` for the text the bot received (shortened when long)."""
    shown = text if len(text) <= HEARD_MAX_CHARS else text[:HEARD_MAX_CHARS] + "……"
    return HEARD_PREFIX.format(text=shown)


def interpret(
    data: Dict[Text, Any],
    user: Text,
    click_keys: FrozenSet[Text],
    encrypted: bool = False,
    welcome_text: Text = WELCOME_TEXT,
) -> Incoming:
    """Decides what ``data`` (wechatpy's raw fields of one message) asks for; ``user`` is
    the follower's pseudonym for logs, ``click_keys`` the menu's click keys."""
    msg_type = str(data.get("MsgType") or "").lower()
    create_time = str(data.get("CreateTime") or "")
    openid = data["FromUserName"]
    if msg_type == "event":
        return _event(data, openid, user, create_time, click_keys, welcome_text)

    msg_id = data.get("MsgId")
    # (a retry is the same follower's: the key keeps who sent it, so one follower's MsgId can
    # never answer another's — explore15 saw that with a test harness's made-up ids)
    key = f"msg:{openid}:{msg_id}" if msg_id else f"msg:{openid}:{create_time}:{msg_type}"
    log_id = f"msg_id={msg_id or '-'} type={msg_type or '-'} user={user}"
    meta = {
        "wechat": {
            "msg_id": str(msg_id) if msg_id else None,
            "msg_type": msg_type,
            "create_time": create_time,
            "account": data.get("ToUserName"),
            "encrypted": encrypted,
        }
    }
    content = data.get("Content")
    if msg_type == "text" and isinstance(content, str) and content.strip():
        return Incoming(BOT, key, log_id, content.strip(), metadata=meta)
    if msg_type == "voice" and "Recognition" in data:
        # 语音识别 on: WeChat sends its transcript (empty when it heard nothing usable).
        heard = data.get("Recognition")
        if isinstance(heard, str) and heard.strip():
            return Incoming(BOT, key, log_id, heard.strip(), heard=True, metadata=meta)
        return Incoming(FIXED, key, log_id, NOT_HEARD_TEXT)
    # media, voice without 语音识别, empty text, unknown types: ask for typed text
    return Incoming(FIXED, key, log_id, TEXT_ONLY_TEXT)


def _event(
    data: Dict[Text, Any], openid: Text, user: Text, create_time: Text, click_keys: FrozenSet[Text], welcome_text: Text
) -> Incoming:
    event = str(data.get("Event") or "").lower()
    event_key = data.get("EventKey")
    event_key = event_key.strip() if isinstance(event_key, str) else ""
    key = f"evt:{openid}:{create_time}:{event}"
    if event == "click":
        key += ":" + event_key
    log_id = f"event={event or '-'} user={user} time={create_time}"
    if event.startswith("subscribe"):  # scanning a QR code to subscribe too
        return Incoming(FIXED, key, log_id, welcome_text, event="subscribe")
    if event == "unsubscribe":
        return Incoming(SILENT, key, log_id, event="unsubscribe")
    if event == "click":
        if event_key in click_keys:
            meta = {
                "wechat": {
                    "event": "click",
                    "key": event_key,
                    "create_time": create_time,
                    "account": data.get("ToUserName"),
                }
            }
            return Incoming(BOT, key, log_id + f" key={event_key}", "/" + event_key, event="click", metadata=meta)
        return Incoming(FIXED, key, log_id + " key=unknown", UNKNOWN_MENU_TEXT, event="click")
    # VIEW (a link opens by itself), location reports, SCAN, job notifications, unknown kinds
    return Incoming(SILENT, key, log_id, event=event)
