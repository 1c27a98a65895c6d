"""Figures for a date range (days in China Standard Time), each a table with CSV.

- ``conversations``: conversations per day, channel and region. A conversation is a
  sender's session (Rasa's ``session_started`` or a restart begins a new one) and counts
  on the day of its first message; its region is the last ``region`` slot it had.
- ``topics``: user messages per intent (the question's topic).
- ``decisions``: eligibility answers (``action_answer_eligibility``) by outcome and route.
  The decision is recomputed by the rules engine from the slots the dialogue held at that
  moment, with the answer's year as application year: ``eligible`` if an option is,
  else ``not_yet``, else ``blocked`` (blockers, or only ineligible options), else
  ``undecided``; the route is the best option's ``path``.
- ``rates``: hand-off rate (conversations with a hand-off / conversations) and fallback
  rate (fallback messages / messages).
- ``first_answer``: user turns until the first answer (eligibility, FAQ or what-if).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from typing import Any, Dict, List, Optional, Tuple

from dialogue.profile_slots import profile_from_slots
from bot.channels.review.events import EventLog, Turn, local_day
from bot.channels.review.inbox import FALLBACK_ACTIONS
from rules_engine import clock, evaluate

ANSWER_ACTIONS = {"action_answer_eligibility", "action_answer_faq", "action_what_if"}
DEFAULT_DAYS = 30
MAX_DAYS = 366
TOPIC_LABELS = {
    "ask_eligibility": "能评什么（资格判断）",
    "inform": "告知情况",
    "correct": "更正信息",
    "what_if": "假设（再干几年）",
    "faq_fee": "费用",
    "faq_window": "申报时间",
    "faq_where": "在哪里申报",
    "faq_materials": "申报材料",
    "faq_continuing_education": "继续教育",
    "faq_education_equivalent": "学历认定",
    "faq_post": "岗位聘用",
    "faq_scope": "贯通范围",
    "faq_degree": "学历要求",
    "faq_evaluation": "评价方式",
    "human_handoff": "转人工",
    "restart": "重新开始",
    "help": "能做什么",
    "out_of_scope": "范围外问题",
    "nlu_fallback": "没听懂",
    "greet": "问候",
    "goodbye": "再见",
    "thank": "感谢",
    "affirm": "肯定",
    "deny": "否定",
}
OUTCOMES = ("eligible", "not_yet", "blocked", "undecided")
OUTCOME_LABELS = {
    "eligible": "可以申报",
    "not_yet": "暂不满足（将来可以）",
    "blocked": "不能申报（受限或不符合）",
    "undecided": "尚未判定",
}
TABLES = ("conversations", "topics", "decisions", "rates", "first_answer")


class RangeError(ValueError):
    pass


def date_range(start: Optional[str], end: Optional[str], newest: Optional[dt.date]) -> Tuple[dt.date, dt.date]:
    """``from``/``to`` (YYYY-MM-DD, inclusive); by default the 30 days up to today
    (rules_engine.clock) or the newest event's day, whichever is later."""
    try:
        last = dt.date.fromisoformat(end) if end else max(clock.today(), newest or clock.today())
        first = dt.date.fromisoformat(start) if start else last - dt.timedelta(days=DEFAULT_DAYS - 1)
    except ValueError as err:
        raise RangeError(f"日期应为 YYYY-MM-DD：{err}") from err
    if first > last:
        raise RangeError(f"起始日期 {first} 晚于结束日期 {last}")
    if (last - first).days >= MAX_DAYS:
        raise RangeError(f"日期范围最多 {MAX_DAYS} 天")
    return first, last


def decision_of(slots: Dict[str, Any], year: int) -> Tuple[str, str]:
    """(outcome, route) of the decision the slots give."""
    try:
        profile, _ = profile_from_slots(slots)
        profile.setdefault("application_year", year)
        decision = evaluate(profile)
    except Exception:
        return "undecided", "—"
    for status in ("eligible", "not_yet"):
        paths = [o["path"] for o in decision["options"] if o["status"] == status]
        if paths:
            return status, paths[0]
    if decision["blockers"] or any(o["status"] == "ineligible" for o in decision["options"]):
        return "blocked", "—"
    paths = [o["path"] for o in decision["options"]]
    return "undecided", paths[0] if paths else "—"


def sessions(turns: List[Turn]) -> List[List[Turn]]:
    out: List[List[Turn]] = []
    for turn in turns:
        if turn.new_session or not out:
            out.append([])
        out[-1].append(turn)
    return out


def is_fallback(turn: Turn) -> bool:
    return turn.user.intent == "nlu_fallback" or any(a in FALLBACK_ACTIONS for a in turn.actions)


def figures(log: EventLog, start: Optional[str] = None, end: Optional[str] = None) -> Dict[str, Any]:
    newest = max((local_day(e.ts) for e in log.by_id.values()), default=None)
    first, last = date_range(start, end, newest)
    inside = lambda ts: first <= local_day(ts) <= last  # noqa: E731
    per_day: Counter = Counter()
    topics: Counter = Counter()
    decisions: Counter = Counter()
    first_answer: Counter = Counter()
    conversations = handoffs = messages = fallbacks = 0
    for turns in log.conversations():
        for session in sessions(turns):
            opening = session[0].user
            if inside(opening.ts):
                conversations += 1
                region = (
                    next((t.slots_after.get("region") for t in reversed(session) if t.slots_after.get("region")), None)
                    or "unknown"
                )
                per_day[(local_day(opening.ts).isoformat(), opening.channel or "unknown", region)] += 1
                if any(t.user.intent == "human_handoff" or "action_handoff" in t.actions for t in session):
                    handoffs += 1
                answered = next((i for i, t in enumerate(session, 1) if ANSWER_ACTIONS & set(t.actions)), None)
                first_answer[answered] += 1
            for turn in session:
                if not inside(turn.user.ts):
                    continue
                messages += 1
                fallbacks += is_fallback(turn)
                topics[turn.user.intent or "unknown"] += 1
                if "action_answer_eligibility" in turn.actions:
                    key = (turn.user.id, len(turn.after))
                    if key not in log.decision_memo:
                        log.decision_memo[key] = decision_of(turn.slots_after, local_day(turn.user.ts).year)
                    decisions[log.decision_memo[key]] += 1
    rate = lambda n, d: round(n / d, 4) if d else None  # noqa: E731
    answered = [n for n in first_answer if n is not None]
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "tables": {
            "conversations": {
                "columns": ["date", "channel", "region", "conversations"],
                "rows": [[*key, n] for key, n in sorted(per_day.items())],
            },
            "topics": {
                "columns": ["intent", "topic", "questions"],
                "rows": [[i, TOPIC_LABELS.get(i, i), n] for i, n in topics.most_common()],
            },
            "decisions": {
                "columns": ["outcome", "outcome_label", "route", "answers"],
                "rows": [
                    [o, OUTCOME_LABELS[o], r, n]
                    for (o, r), n in sorted(decisions.items(), key=lambda kv: (OUTCOMES.index(kv[0][0]), kv[0][1]))
                ],
            },
            "rates": {
                "columns": ["measure", "count", "out_of", "rate"],
                "rows": [
                    ["handoff_rate (conversations)", handoffs, conversations, rate(handoffs, conversations)],
                    ["fallback_rate (messages)", fallbacks, messages, rate(fallbacks, messages)],
                ],
            },
            "first_answer": {
                "columns": ["turns_to_first_answer", "conversations"],
                "rows": [[n, first_answer[n]] for n in sorted(answered)]
                + ([["no answer", first_answer[None]]] if first_answer[None] else []),
            },
        },
    }


def to_csv(table: Dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table["columns"])
    writer.writerows(table["rows"])
    return out.getvalue()
