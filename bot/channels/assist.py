"""Agent-assist console and API for 12333 hotline agents.

  GET  /webhooks/assist/            the console page (bot/web/assist/), public; it asks for the token
  GET  /webhooks/assist/<asset>     console.js / console-common.js (shared with the review console) / console.css, public
  GET  /webhooks/assist/labels      Chinese labels of profile keys and values, public (no caller
                                    data: the same vocabulary CONTRACT.md §2–§3 publishes)
  GET  /webhooks/assist/health      {"status": "ok"}
  POST /webhooks/assist/analyze     {"conversation_id", "text"} → {"profile", "decision", "suggestions"}
  POST /webhooks/assist/copied      {"conversation_id", "suggestion_type", "fact"?, "text_hash"} → 204;
                                    one JSON line appended to $ASSIST_COPY_LOG
                                    (default build/assist-copies.jsonl):
      {"ts": "2026-11-21T05:40:00Z", "conversation_id": "…", "suggestion_type": "ask|confirm|reply",
       "fact": "skill_years" | null, "text_hash": "sha256:<64 hex>" | "fnv1a32:<8 hex>"}
    The text itself is never sent or logged (it may repeat what the caller said), only its hash
    (SHA-256 where the browser offers crypto.subtle, i.e. https or localhost; FNV-1a otherwise).
The API routes (analyze, copied) need `Authorization: Bearer <ASSIST_TOKEN>`.

The agent types or pastes what the caller says, line by line. Each line goes through the
same NLU and normaliser as the chat (the running agent's own model), the facts accumulate
per `conversation_id`, and the rules engine's decision comes back with suggestions: the
next questions to ask and a reply the agent can read out. There is no second extractor.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import logging
import os
import re
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from dialogue.profile_slots import (
    GRADE_TIMES,
    another_finding,
    at_the_application_year,
    facts_from_entities,
    merge_awards,
    profile_from_slots,
)
from dialogue.questions import questions_to_ask
from dialogue.general_replies import place_note
from dialogue.replies import eligibility_messages, levels_asked
from dialogue.what_opens import failure_lapsed, intro_for_the_level_asked
from dialogue.said_over_two import awards_said_over_two
from bot.nlu.clauses import levels_named
from bot.nlu.normalise import assessment_failure_year
from bot.nlu.lexicon import SKILL_GRADE, TITLE, TITLE_LEVEL
from rules_engine import evaluate
from rules_engine.profile import label, schema

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 2000
MAX_CONVERSATIONS = 10_000
CONVERSATION_TTL_SECONDS = 4 * 3600

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "bot" / "web" / "assist"
CONSOLE_ASSETS = {
    "console.js": "application/javascript; charset=utf-8",
    "console-common.js": "application/javascript; charset=utf-8",
    "console.css": "text/css; charset=utf-8",
}
SUGGESTION_TYPES = ("ask", "confirm", "reply")
TEXT_HASH = re.compile(r"^(sha256:[0-9a-f]{64}|fnv1a32:[0-9a-f]{8})$")


def copy_log_path() -> Path:
    path = Path(os.environ.get("ASSIST_COPY_LOG") or ROOT / "build" / "assist-copies.jsonl")
    return path if path.is_absolute() else ROOT / path


def labels_payload() -> Dict[str, Any]:
    """Chinese labels for the console: profile keys (rules_engine.profile.label) and region names."""
    from rules_engine import vocabulary

    from rules_engine.loader import short_name

    regions = {region: vocabulary.region_label(region, "name") for region in vocabulary.REGIONS}
    docs = {doc: short_name(doc) for doc in vocabulary.REGIONS}
    return {"facts": {key: label(key) for key in schema()}, "values": {"region": regions}, "docs": docs}


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


ASKED_LEVELS = (SKILL_GRADE, TITLE, TITLE_LEVEL)
# questions whose answer is a year the NLU, reading it alone, gives to the grade
YEAR_QUESTIONS = ("fraud_year", "graduation_year")


def merge(
    profile: Dict[str, Any], facts: Dict[str, Any], text: str = "", asked: Optional[str] = None
) -> Dict[str, Any]:
    """Later statements correct earlier ones; awards accumulate; the grade's time said last
    replaces the other form of it (“拿证两年了” then “哦不对，是2021年拿的”); another
    弄虚作假 finding adds up (“之前还有一次，2019年”). A year noted alone answers the year
    question suggested last (“2025年” after “最近一次被查实弄虚作假是哪一年？”), not the grade's."""
    if asked in YEAR_QUESTIONS and list(facts) == ["skill_grade_year"]:
        facts = {asked: facts["skill_grade_year"]}
    elif list(facts) == ["skill_grade_year"] and facts["skill_grade_year"] in {profile.get(k) for k in YEAR_QUESTIONS}:
        facts = {}  # “2024年” noted again: the year of the finding already noted, not a new grade year
    finding = another_finding(profile, facts, text)
    if finding:
        facts = {k: v for k, v in facts.items() if k not in ("fraud_count", "fraud_year", "skill_grade_year")}
        profile = {**profile, **{k: v for k, v in finding.items() if v is not None}}
    merged = dict(profile)
    said_times = [key for key in GRADE_TIMES if key in facts]
    if len(said_times) == 1:
        merged.pop(next(k for k in GRADE_TIMES if k not in said_times), None)
    for key, value in facts.items():
        if key == "awards":
            merged["awards"] = merge_awards(merged.get("awards"), value)
        else:
            merged[key] = value
    return merged


def suggestions(
    decision: Dict[str, Any],
    questions: Dict[str, str],
    note: Optional[str] = None,
    profile: Optional[Dict[str, Any]] = None,
    asked_text: str = "",
) -> List[Dict[str, Any]]:
    """``asked_text``: the latest note naming a level the caller asks about (“问副高”), whose
    answer leads the reply as in the chat (explore14)."""
    out: List[Dict[str, Any]] = []
    for fact in questions_to_ask(decision, []):
        out.append(
            {"type": "ask", "fact": fact, "label": label(fact), "text": questions.get(fact, f"请问您的{label(fact)}？")}
        )
    presumed = list(dict.fromkeys(a["fact"] for o in decision["options"] for a in o["assumptions"]))
    for fact in presumed[:2]:
        out.append(
            {
                "type": "confirm",
                "fact": fact,
                "label": label(fact),
                "text": questions.get(fact, f"请确认：{label(fact)}？"),
            }
        )
    if decision["options"] or decision["blockers"]:
        intro = intro_for_the_level_asked(asked_text, decision, profile or {}) if asked_text else None
        said = eligibility_messages(decision, region_note=note, intro=intro, asked=levels_asked(asked_text))
        out.append({"type": "reply", "text": "\n".join(said)})
    return out


# a note about someone other than the caller (“另问 其妻…”, “丈夫 技师 2019 同问”), and one
# back to the caller (“回到来电人 问中级”) — explore16/17: the caller's profile had been overwritten
OTHER_PERSON_NOTE = re.compile(
    r"另问|同问|其(?:妻|夫|子|女|父|母)|丈夫|妻子|配偶|爱人|老婆|老公|同事|儿子|女儿|父亲|母亲|徒弟"
)
BACK_TO_CALLER = re.compile(r"回到来电人|来电人本人|来电人自己|本人")


def other_persons_reply(facts: Dict[str, Any], caller: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """That person's answer on their own facts (the caller's place shared), not stored."""
    profile, _ = profile_from_slots({**{k: caller[k] for k in ("region",) if k in caller}, **facts})
    decision = evaluate(at_the_application_year(profile))
    if not (decision["options"] or decision["blockers"]):
        return None
    said = "、".join(f"{label(k)}：{v}" for k, v in facts.items())
    text = "\n".join(
        [f"另一位（{said}）的情况，来电人本人的记录未改：", *eligibility_messages(decision, with_steps=False)]
    )
    return {"profile": profile, "decision": decision, "text": text}


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
        self.asked = ProfileStore()  # the fact the last suggestions asked for, per conversation
        self.labels = labels_payload()
        self._copy_lock = threading.Lock()

    @staticmethod
    def _file(name: str, content_type: str) -> HTTPResponse:
        return response.raw(
            (CONSOLE / name).read_bytes(),
            content_type=content_type,
            headers={
                "Cache-Control": "no-cache",
                "X-Content-Type-Options": "nosniff",
                "X-Frame-Options": "DENY",
                "Referrer-Policy": "no-referrer",
            },
        )

    def _append_copy(self, record: Dict[str, Any]) -> None:
        path = copy_log_path()
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        with self._copy_lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        given = header[len("Bearer ") :] if header.startswith("Bearer ") else ""
        return hmac.compare_digest(given.encode(), self.token.encode())

    def _checked_body(self, request: Request, shape: str):
        """(body, None) for an authorised JSON object with a usable conversation_id,
        else (None, the refusal to send)."""
        if not self._authorised(request):
            return None, response.json({"error": "需要有效的坐席令牌（Authorization: Bearer …）"}, status=401)
        try:
            body = request.json
        except Exception:
            body = None
        if not isinstance(body, dict):
            return None, response.json({"error": f"请求体应为 JSON 对象 {shape}"}, status=400)
        conversation_id = body.get("conversation_id")
        if not isinstance(conversation_id, str) or not conversation_id.strip() or len(conversation_id) > 128:
            return None, response.json({"error": "conversation_id 应为1到128个字符的字符串"}, status=400)
        return body, None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("assist_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def console(request: Request) -> HTTPResponse:
            return self._file("index.html", "text/html; charset=utf-8")

        @bp.route("/health", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok", "analyze": "POST /webhooks/assist/analyze"})

        @bp.route("/labels", methods=["GET"])
        async def labels(request: Request) -> HTTPResponse:
            return response.json(
                self.labels, headers={"Cache-Control": "max-age=300"}, dumps=lambda o: json.dumps(o, ensure_ascii=False)
            )

        @bp.route("/console.js", methods=["GET"])
        async def console_js(request: Request) -> HTTPResponse:
            return self._file("console.js", CONSOLE_ASSETS["console.js"])

        @bp.route("/console-common.js", methods=["GET"])
        async def console_common_js(request: Request) -> HTTPResponse:
            return self._file("console-common.js", CONSOLE_ASSETS["console-common.js"])

        @bp.route("/console.css", methods=["GET"])
        async def console_css(request: Request) -> HTTPResponse:
            return self._file("console.css", CONSOLE_ASSETS["console.css"])

        @bp.route("/copied", methods=["POST"])
        async def copied(request: Request) -> HTTPResponse:
            body, refusal = self._checked_body(request, '{"conversation_id", "suggestion_type", "fact", "text_hash"}')
            if refusal:
                return refusal
            conversation_id, kind = body["conversation_id"], body.get("suggestion_type")
            fact, text_hash = body.get("fact"), body.get("text_hash")
            if kind not in SUGGESTION_TYPES:
                return response.json({"error": f"suggestion_type 应为 {'/'.join(SUGGESTION_TYPES)}"}, status=400)
            if fact is not None and fact not in schema():
                return response.json({"error": "fact 应为画像字段名或省略"}, status=400)
            if not isinstance(text_hash, str) or not TEXT_HASH.match(text_hash):
                return response.json(
                    {"error": "text_hash 应为 sha256:<64位十六进制> 或 fnv1a32:<8位十六进制>"}, status=400
                )
            record = {
                "ts": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "conversation_id": conversation_id,
                "suggestion_type": kind,
                "fact": fact,
                "text_hash": text_hash,
            }
            self._append_copy(record)
            return response.empty(status=204)

        @bp.route("/analyze", methods=["POST"])
        async def analyze(request: Request) -> HTTPResponse:
            body, refusal = self._checked_body(request, '{"conversation_id", "text"}')
            if refusal:
                return refusal
            conversation_id, text = body["conversation_id"], body.get("text")
            if not isinstance(text, str):
                return response.json({"error": "text 应为字符串"}, status=400)
            if len(text) > MAX_TEXT_CHARS:
                return response.json({"error": f"text 过长（最多{MAX_TEXT_CHARS}字）"}, status=413)

            agent = request.app.ctx.agent
            parse = await agent.parse_message(text) if text.strip() else {"intent": {}, "entities": []}
            intent = (parse.get("intent") or {}).get("name") or ""
            facts = facts_from_entities(parse.get("entities", []))
            # “参加过世界技能大赛” … “补充：拿了铜牌”: one award over two notes (explore13 W3)
            medal = awards_said_over_two(self.asked.get(conversation_id).get("text"), text, "awards" in facts)
            if medal:
                facts["awards"] = medal
            last = self.asked.get(conversation_id)
            asked = last.get("fact")
            # “另问 其妻 技师2019 问中级”: another person's case, kept apart from the caller's
            theirs = facts if facts and OTHER_PERSON_NOTE.search(text) and not BACK_TO_CALLER.search(text) else {}
            if theirs:
                facts = {}
            named = [e for e in parse.get("entities", []) if e.get("entity") == "region" and not e.get("role")]
            note = place_note(text, named) if named else last.get("note")
            profile = merge(self.profiles.get(conversation_id), facts, text, asked)
            profile, dropped = profile_from_slots(profile)
            self.profiles.put(conversation_id, profile)
            noted, profile = profile, at_the_application_year(profile)  # (stored and shown as noted)
            # “补 2023年考核不合格” … “改问明年报”: a failure's year outside the window of the year
            # applied in bars nothing then (#58; explore18 W-2)
            failed = max(filter(None, [last.get("failure_year"), assessment_failure_year(text)]), default=None)
            if failure_lapsed(failed, profile):
                profile = {k: v for k, v in profile.items() if k != "assessment_ok"}
            decision = evaluate(profile)
            questions = {
                slot[len("utter_ask_") :]: (variants[0].get("text") if variants else "")
                for slot, variants in agent.domain.responses.items()
                if slot.startswith("utter_ask_")
            }
            asked_text = text if levels_named(text, ASKED_LEVELS, wanted_only=True) else last.get("asked_text", "")
            suggested = suggestions(decision, questions, note, profile, asked_text)
            other = other_persons_reply(theirs, noted) if theirs else None
            if other:
                suggested.insert(0, {"type": "reply", "text": other["text"]})
            first_ask = next((s["fact"] for s in suggested if s["type"] == "ask"), None)
            self.asked.put(
                conversation_id,
                {"fact": first_ask, "note": note, "text": text, "asked_text": asked_text, "failure_year": failed},
            )
            return response.json(
                {
                    "conversation_id": conversation_id,
                    "intent": intent,
                    "extracted": facts,
                    "dropped": dropped,
                    "profile": noted,
                    "decision": decision,
                    "suggestions": suggested,
                    **({"other": {"profile": other["profile"], "decision": other["decision"]}} if other else {}),
                }
            )

        return bp
