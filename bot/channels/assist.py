"""Agent-assist API for 12333 hotline agents: POST /webhooks/assist/analyze.

The agent types or pastes what the caller says, line by line. Each line goes through the
same NLU and normaliser as the chat (the running agent's own model), the facts accumulate
per `conversation_id`, and the rules engine's decision comes back with suggestions: the
next questions to ask and a reply the agent can read out. There is no second extractor.
"""
from __future__ import annotations

import hmac
import logging
import os
import threading
import time
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.actions import questions_to_ask
from actions.profile_slots import facts_from_entities, profile_from_slots
from actions.replies import eligibility_messages
from rules_engine import evaluate
from rules_engine.profile import label

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 2000
MAX_CONVERSATIONS = 10_000
CONVERSATION_TTL_SECONDS = 4 * 3600


class ProfileStore:
    """Profiles per conversation, bounded in number and age (a call lasts minutes)."""

    def __init__(self, max_items: int = MAX_CONVERSATIONS, ttl: float = CONVERSATION_TTL_SECONDS):
        self._items: "OrderedDict[str, tuple]" = OrderedDict()
        self._lock = threading.Lock()
        self.max_items, self.ttl = max_items, ttl

    def get(self, key: str) -> Dict[str, Any]:
        with self._lock:
            item = self._items.get(key)
            if not item or time.monotonic() - item[0] > self.ttl:
                return {}
            return dict(item[1])

    def put(self, key: str, profile: Dict[str, Any]) -> None:
        with self._lock:
            self._items[key] = (time.monotonic(), dict(profile))
            self._items.move_to_end(key)
            while len(self._items) > self.max_items:
                self._items.popitem(last=False)


def merge(profile: Dict[str, Any], facts: Dict[str, Any]) -> Dict[str, Any]:
    """Later statements correct earlier ones; awards accumulate."""
    merged = dict(profile)
    for key, value in facts.items():
        if key == "awards":
            merged["awards"] = list(dict.fromkeys([*merged.get("awards", []), *value]))
        else:
            merged[key] = value
    return merged


def suggestions(decision: Dict[str, Any], questions: Dict[str, str]) -> List[Dict[str, Any]]:
    out: List[Dict[str, Any]] = []
    for fact in questions_to_ask(decision, []):
        out.append({"type": "ask", "fact": fact, "label": label(fact),
                    "text": questions.get(fact, f"请问您的{label(fact)}？")})
    presumed = list(dict.fromkeys(a["fact"] for o in decision["options"] for a in o["assumptions"]))
    for fact in presumed[:2]:
        out.append({"type": "confirm", "fact": fact, "label": label(fact),
                    "text": questions.get(fact, f"请确认：{label(fact)}？")})
    if decision["options"] or decision["blockers"]:
        out.append({"type": "reply", "text": "\n".join(eligibility_messages(decision))})
    return out


class AssistInput(InputChannel):
    """Mounted by credentials.yml as `bot.channels.assist.AssistInput`."""

    @classmethod
    def name(cls) -> Text:
        return "assist"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "AssistInput":
        credentials = credentials or {}
        return cls(token=credentials.get("token") or os.environ.get("ASSIST_TOKEN"))

    def __init__(self, token: Optional[str]) -> None:
        if not token:
            raise ValueError("agent-assist needs a token: set ASSIST_TOKEN (credentials.yml: token)")
        self.token = token
        self.profiles = ProfileStore()

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        given = header[len("Bearer "):] if header.startswith("Bearer ") else ""
        return hmac.compare_digest(given.encode(), self.token.encode())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("assist_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok", "analyze": "POST /webhooks/assist/analyze"})

        @bp.route("/analyze", methods=["POST"])
        async def analyze(request: Request) -> HTTPResponse:
            if not self._authorised(request):
                return response.json({"error": "需要有效的坐席令牌（Authorization: Bearer …）"}, status=401)
            try:
                body = request.json
            except Exception:
                body = None
            if not isinstance(body, dict):
                return response.json({"error": "请求体应为 JSON 对象 {\"conversation_id\", \"text\"}"}, status=400)
            conversation_id, text = body.get("conversation_id"), body.get("text")
            if not isinstance(conversation_id, str) or not conversation_id.strip() or len(conversation_id) > 128:
                return response.json({"error": "conversation_id 应为1到128个字符的字符串"}, status=400)
            if not isinstance(text, str):
                return response.json({"error": "text 应为字符串"}, status=400)
            if len(text) > MAX_TEXT_CHARS:
                return response.json({"error": f"text 过长（最多{MAX_TEXT_CHARS}字）"}, status=413)

            agent = request.app.ctx.agent
            parse = await agent.parse_message(text) if text.strip() else {"intent": {}, "entities": []}
            intent = (parse.get("intent") or {}).get("name") or ""
            facts = facts_from_entities(intent, parse.get("entities", []))
            profile = merge(self.profiles.get(conversation_id), facts)
            profile, dropped = profile_from_slots(profile)
            self.profiles.put(conversation_id, profile)
            decision = evaluate(profile)
            questions = {slot[len("utter_ask_"):]: (variants[0].get("text") if variants else "")
                         for slot, variants in agent.domain.responses.items() if slot.startswith("utter_ask_")}
            return response.json({
                "conversation_id": conversation_id,
                "intent": intent,
                "extracted": facts,
                "dropped": dropped,
                "profile": profile,
                "decision": decision,
                "suggestions": suggestions(decision, questions),
            })

        return bp
