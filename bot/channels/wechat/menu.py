"""The official account's custom menu: deploy/wechat_menu.json, in the JSON WeChat's
``menu/create`` takes, is the single source for both the menu followers see and what the
channel does when one of its items is clicked.

A ``click`` item's ``key`` is the name of the dialogue intent it stands for (an intent of
domain.yml, e.g. ``faq_fee``): the channel hands ``/faq_fee`` to the bot, as if the
follower had asked, so the answer is the dialogue's own (the follower's known region, the
eligibility form, the hand-off summary). ``view`` items open a page and need no answer.

``make wechat-menu`` pushes the file with wechatpy's menu API::

    WECHAT_APPID=… WECHAT_APPSECRET=… python -m bot.channels.wechat.menu [deploy/wechat_menu.json]

``WECHAT_API_BASE`` points the client at another API host (the tests' fake server).
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Optional, Text

MENU_FILE = Path(__file__).resolve().parents[3] / "deploy" / "wechat_menu.json"
INTENT_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# WeChat's documented limits for menu/create.
MAX_BUTTONS, MAX_SUB_BUTTONS = 3, 5
MAX_NAME_BYTES, MAX_SUB_NAME_BYTES, MAX_KEY_BYTES = 16, 60, 128


class MenuError(ValueError):
    """The menu file is not a menu WeChat would accept, or names no known intent."""


def load_menu(path: Optional[Path] = None) -> Dict[Text, Any]:
    """The menu file, checked (MenuError says what is wrong)."""
    path = Path(path or os.environ.get("WECHAT_MENU_FILE") or MENU_FILE)
    try:
        menu = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MenuError(f"{path}: {exc}") from exc
    check_menu(menu)
    return menu


def items(menu: Dict[Text, Any]) -> List[Dict[Text, Any]]:
    """Every clickable item (top-level buttons without sub-buttons, and sub-buttons)."""
    found: List[Dict[Text, Any]] = []
    for button in menu.get("button") or []:
        if isinstance(button, dict):
            found.extend(button.get("sub_button") or [button])
    return found


def click_keys(menu: Dict[Text, Any]) -> FrozenSet[Text]:
    return frozenset(i["key"] for i in items(menu) if i.get("type") == "click")


def check_menu(menu: Any) -> None:
    """Raises MenuError unless ``menu`` fits WeChat's limits and every click key could
    be an intent name."""
    if not isinstance(menu, dict) or not isinstance(menu.get("button"), list) or not menu["button"]:
        raise MenuError('the menu must be {"button": [...]} with 1 to 3 buttons')
    if len(menu["button"]) > MAX_BUTTONS:
        raise MenuError(f"at most {MAX_BUTTONS} top-level buttons")
    for button in menu["button"]:
        if not isinstance(button, dict) or not isinstance(button.get("name"), str):
            raise MenuError("every button needs a name")
        if len(button["name"].encode("utf-8")) > MAX_NAME_BYTES:
            raise MenuError(f"top-level name {button['name']!r} is over {MAX_NAME_BYTES} bytes")
        subs = button.get("sub_button")
        if subs is not None and (not isinstance(subs, list) or not 1 <= len(subs) <= MAX_SUB_BUTTONS):
            raise MenuError(f"{button['name']!r}: 1 to {MAX_SUB_BUTTONS} sub-buttons")
        for item in subs or [button]:
            _check_item(item, MAX_SUB_NAME_BYTES if subs else MAX_NAME_BYTES)


def _check_item(item: Any, max_name: int) -> None:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        raise MenuError("every menu item needs a name")
    name = item["name"]
    if len(name.encode("utf-8")) > max_name:
        raise MenuError(f"name {name!r} is over {max_name} bytes")
    kind = item.get("type")
    if kind == "click":
        key = item.get("key")
        if not isinstance(key, str) or not INTENT_KEY.fullmatch(key) or len(key) > MAX_KEY_BYTES:
            raise MenuError(f"{name!r}: a click key must be an intent name, got {key!r}")
    elif kind == "view":
        if not isinstance(item.get("url"), str) or not item["url"].startswith(("http://", "https://")):
            raise MenuError(f"{name!r}: a view item needs an http(s) url")
    else:
        raise MenuError(f"{name!r}: type {kind!r} is not supported here (click or view)")


def push_menu(menu: Dict[Text, Any], appid: Text, appsecret: Text, api_base: Optional[Text] = None) -> Any:
    """Creates the menu through wechatpy's menu API; returns WeChat's answer.

    wechatpy refetches the access token and retries once when WeChat answers 40001
    (invalid credential) or 42001 (expired)."""
    from wechatpy import WeChatClient

    base = (api_base or "https://api.weixin.qq.com").rstrip("/")

    class Client(WeChatClient):
        """wechatpy's client on ``base`` (its token URL is otherwise fixed)."""

        API_BASE_URL = f"{base}/cgi-bin/"

        def fetch_access_token(self) -> Any:
            return self._fetch_access_token(
                url=f"{base}/cgi-bin/token",
                params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
            )

    return Client(appid, appsecret, timeout=15).menu.create(menu)


def main(argv: Optional[List[Text]] = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else None
    appid, appsecret = os.environ.get("WECHAT_APPID"), os.environ.get("WECHAT_APPSECRET")
    if not appid or not appsecret:
        print(
            "wechat-menu: set WECHAT_APPID and WECHAT_APPSECRET (the official account's " "开发 → 基本配置 page)",
            file=sys.stderr,
        )
        return 2
    try:
        menu = load_menu(path)
    except MenuError as exc:
        print(f"wechat-menu: {exc}", file=sys.stderr)
        return 2
    from wechatpy.exceptions import WeChatClientException

    try:
        answer = push_menu(menu, appid, appsecret, os.environ.get("WECHAT_API_BASE"))
    except WeChatClientException as exc:
        print(f"wechat-menu: WeChat refused the menu: errcode={exc.errcode} errmsg={exc.errmsg}", file=sys.stderr)
        return 1
    except Exception as exc:  # network, TLS, a non-JSON answer
        print(f"wechat-menu: could not reach WeChat: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"wechat-menu: menu with {len(items(menu))} items created ({json.dumps(answer, ensure_ascii=False)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
