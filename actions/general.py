"""General policy questions and questions outside the documents (issue 13).

“助理工程师算哪一级？”, “工人评不了工程师吧？”, “处分期满多久能评？” are answered from the
knowledge base with their articles before anything is asked; then the user is offered a
check of their own case. A question the documents do not cover is said to be so, with
where to ask instead. Neither starts the form by itself: only when the user has told us
about themself (a grade, a title, an award, a 技工院校 class) does the dialogue go on to
their own question, which the rules decide on the `own_case` slot this module sets.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from rules_engine import answer_topic, evaluate, vocabulary

from bot.nlu.questions import LEVEL_CONDITIONS, ONE_PER_YEAR
from rules_engine.loader import LAYER_ORDER, find_item

from dialogue import general_replies, replies
from dialogue.questions import questions_to_ask
from dialogue.profile_slots import (
    GRADE_TIMES,
    PROFILE_KEYS,
    another_finding,
    facts_from_entities,
    at_the_application_year,
    profile_from_slots,
)

# intent → knowledge topics, in the order they answer the question. Definitions (levels,
# ladders, what 贯通 allows) are the same everywhere and are answered from every document;
# the others depend on the region's documents.
DEFINITIONS: Dict[str, Tuple[str, ...]] = {
    "faq_levels": ("title_levels", "skill_levels", "level_correspondence"),
    "faq_ladders": ("ladders", "guantong"),
    "faq_guantong": ("guantong", "ladders"),
}
REGIONAL: Dict[str, Tuple[str, ...]] = {
    "faq_years": ("years_title",),
    "faq_discipline": ("discipline",),
    # “哪些奖能直接评正高？”, “绿色通道是什么”: the awards that open a level without years
    "faq_green_channel": ("green_channel",),
}
# “有职称，想考技能等级”, “我是专技人员”: a title is held — the title is asked first
HOLDS_TITLE = re.compile(
    r"(?<![没无])(有|拿了|评了|评过|评上了?|取得了?)(个|一个|了)?(\S{0,3}的)?职称(?!评审)"
    r"|(是|属于)(一名|个)?专(业)?技(术)?人员"
    r"|(我|俺)(是|有)[^，。,;；?？]{0,6}?系列的职称"  # “我是工程系列的职称”
)
# “工程师几年能考技师？”: years of the other direction (专业技术人才 → 技能等级).
SKILL_DIRECTION = re.compile(r"考.{0,4}(技能|技师|高级工|等级|证)|技能评价|技能等级(评价|认定|鉴定)|技能鉴定")
# “高级工怎么升技师 要几年”: the skill ladder's own promotion — not in the documents
SKILL_LADDER_ITSELF = re.compile(r"(升|考|晋升|晋级|评|到)(个)?(中级工|高级工|技师|高级技师)")
TITLE_WORDS = re.compile(r"职称|工程师|助理|中级(?!工)|副高|正高|高工|农艺师|馆员|讲师|教师|评审")
GENERAL_INTENTS = (*DEFINITIONS, *REGIONAL)
# “退休的人还能评职称吗”: the retirement bar (百色 第七条（四）; elsewhere 二（二）1's 现工作岗位)
RETIREMENT = re.compile(r"退休|退下来|退了休|到龄|退休年龄")
# “弄虚作假被查出来多久不能评” is a discipline question about the fraud bar in particular.
FRAUD = re.compile(r"造假|弄虚作假|伪造|剽窃|骗取")
MAX_ANSWERS = 3
# Facts that say the user asks about themself, not about the policy in general.
OWN_CASE_FACTS = ("skill_grade", "title_level", "awards", "skill_school_class", "overseas_talent")


def knowledge_answers(topics: Tuple[str, ...], region: Optional[str]) -> List[Dict[str, Any]]:
    """What the documents say on `topics`: those in force in `region`, or, with no region,
    what a local document says of its own (it is more specific) and the national text,
    each with its source."""
    out: Dict[str, Dict[str, Any]] = {}
    for topic in topics:
        if region:
            found = _topic(topic, region)
        else:
            found = []
            for doc in LAYER_ORDER[1:]:
                found += [
                    a
                    for a in _topic(topic, doc)
                    if a["topic_entry"].startswith(f"{doc}:")
                    and getattr(find_item(a["topic_entry"]), "adds", None) == "new"
                ]
            found += [a for a in _topic(topic, "national") if a["topic_entry"].startswith("national:")]
        for answer in found:
            out.setdefault(answer["topic_entry"], answer)
    return list(out.values())


def _regional_topics(intent: str, text: str, profile: Dict[str, Any]) -> Tuple[str, ...]:
    """The knowledge topics that answer this particular question."""
    if intent == "faq_discipline" and ONE_PER_YEAR.search(text):
        return ("one_per_year",)
    if intent == "faq_discipline" and FRAUD.search(text):
        return ("fraud", "discipline")
    if intent == "faq_discipline" and SKILL_DIRECTION.search(text):
        return ("discipline_skill", "discipline")
    if intent == "faq_years" and (
        SKILL_DIRECTION.search(text) or (profile.get("title_level") and not profile.get("skill_grade"))
    ):
        return ("years_skill",)
    return REGIONAL[intent]


def _skill_ladder_itself(text: str, profile: Dict[str, Any]) -> bool:
    """“高级工怎么升技师 要几年” from someone without a title: how long between two skill
    grades, which the documents leave to the skill ladder's own rules (a title holder
    asking “工程师几年能考技师” is answered with 二（四）)."""
    return bool(SKILL_LADDER_ITSELF.search(text)) and not TITLE_WORDS.search(text) and not profile.get("title_level")


def _topic(topic: str, region: str) -> List[Dict[str, Any]]:
    try:
        return answer_topic(topic, region)
    except KeyError:  # a topic no document in force speaks about
        return []


# “我是技师，评副高要几年？” is about the asker; “技师评副高要几年？” may be about anyone.
FIRST_PERSON = re.compile(r"我|本人|俺|咱|自己")


def own_case(tracker: Tracker, profile: Dict[str, Any], general: bool = False) -> bool:
    """Go on to the user's own question after answering: they told us about themself and
    have not had their answer yet — or, after it, this message changed a fact (“还拿过国赛
    铜牌，这个有什么待遇？”), so the answer is given again — and no question of the form is
    pending. For a general question, a grade said in that same message counts only when
    they speak of themself."""
    if tracker.active_loop.get("name") is not None:
        return False
    if tracker.get_slot("answered"):
        return bool(_changed_by_this_message(tracker) or findings_added(tracker))
    if not any(profile.get(k) for k in OWN_CASE_FACTS):
        return False
    text = tracker.latest_message.get("text") or ""
    return (
        not general
        or bool(FIRST_PERSON.search(text))
        or known_before_this_message(tracker)
        or _told_a_whole_case(tracker, profile)
    )


def _told_a_whole_case(tracker: Tracker, profile: Dict[str, Any]) -> bool:
    """“内蒙古 全国技术能手 高级技师 能直接评正高吗”: a region and a grade, title or award said
    in the question, and nothing more needed for their answer — it follows the general one
    (a general question asked that way loses nothing by hearing it)."""
    said = set(set_by_this_message(tracker))
    if "region" not in said or not said & {"skill_grade", "title_level", "awards"}:
        return False
    return not questions_to_ask(evaluate(profile), tracker.get_slot("declined_slots") or [], profile)


def _last_user_event(events: List[Dict]) -> Optional[int]:
    return max((i for i, e in enumerate(events) if e.get("event") == "user"), default=None)


def slots_before_this_message(tracker: Tracker) -> Dict[str, Any]:
    """The slots as they were before the latest user message (its own facts not yet set)."""
    last_user = _last_user_event(tracker.events)
    before: Dict[str, Any] = {}
    for e in tracker.events[:last_user]:
        if e.get("event") == "slot":
            before[e.get("name")] = e.get("value")
    return before


def set_by_this_message(tracker: Tracker) -> Dict[str, Any]:
    """Profile facts the latest user message set (the NLU's slot events after it)."""
    last_user = _last_user_event(tracker.events)
    if last_user is None:
        return {}
    return {
        e["name"]: e.get("value")
        for e in tracker.events[last_user + 1 :]
        if e.get("event") == "slot" and e.get("name") in PROFILE_KEYS
    }


def _changed_by_this_message(tracker: Tracker) -> List[str]:
    """Profile facts the latest user message set to a new value."""
    before = slots_before_this_message(tracker)
    return [
        name
        for name, value in set_by_this_message(tracker).items()
        if value not in (None, []) and value != before.get(name)
    ]


def findings_added(tracker: Tracker) -> Dict[str, Any]:
    """The 弄虚作假 facts when this message tells of a finding besides the one known
    (“22年也被查出来过一回”, or “之前2021年也有过一次” with only a year): counted with it,
    not a new year for it (dialogue.profile_slots.another_finding). {} otherwise."""
    if (tracker.latest_message.get("intent") or {}).get("name") == "correct":
        return {}
    stated = facts_from_entities(tracker.latest_message.get("entities", []))
    return another_finding(slots_before_this_message(tracker), stated, tracker.latest_message.get("text") or "")


def another_finding_said(tracker: Tracker) -> List[Dict[str, Any]]:
    """findings_added as slot events, the tracker's slots updated too (百色 第七条（二）:
    twice bars for life — said before anything else is said of the case)."""
    merged = findings_added(tracker)
    for k, v in merged.items():
        tracker.slots[k] = v
    return [SlotSet(k, v) for k, v in merged.items()]


def known_before_this_message(tracker: Tracker) -> bool:
    """An own-case fact was set before the latest user message."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "slot" and event.get("name") in OWN_CASE_FACTS and event.get("value"):
            return True
    return False


def asked_only_this(tracker: Tracker, profile: Dict[str, Any]) -> bool:
    """“我是包头的技师，评职称要交多少钱”: they asked the fee, not what they may apply for.
    With facts still missing, the form's question would come unasked for: an offer
    instead (“要我按您的情况算一下…？”); with nothing missing, their answer follows."""
    if tracker.get_slot("answered") or known_before_this_message(tracker):
        return False
    declined = tracker.get_slot("declined_slots") or []
    return bool(questions_to_ask(evaluate(profile), declined, profile))


def after_answer(tracker: Tracker, dispatcher: CollectingDispatcher, profile: Dict[str, Any]) -> List[Dict]:
    """The offer (or nothing, inside the form) and the slot the rules read."""
    going_on = own_case(tracker, profile, general=True) and not asked_only_this(tracker, profile)
    if not going_on and tracker.active_loop.get("name") is None and not tracker.get_slot("answered"):
        dispatcher.utter_message(text=general_replies.offer_own_case(profile))
    return [SlotSet("own_case", going_on), *facts_merged_events(tracker)]


def facts_merged_events(tracker: Tracker) -> List[Dict]:
    """Facts of this message merged with earlier ones, set before the form (if any) goes on."""
    return [SlotSet(name, value) for name, value in findings_added(tracker).items()]


def region_note(tracker: Tracker) -> Optional[str]:
    """Places outside the knowledge base's local documents (e.g. 南宁) carry a note."""
    message = tracker.latest_message
    return general_replies.place_note(message.get("text") or "", message.get("entities", []))


def _profile(tracker: Tracker) -> Dict[str, Any]:
    return tracker_profile(tracker)[0]


def tracker_profile(tracker: Tracker) -> Tuple[Dict[str, Any], List[str]]:
    """The profile the slots hold (and the values dropped as unacceptable), with the
    grade's time as said last: “技师，干了三年” then “不对，是去年才拿的证” — the engine
    would otherwise go on counting the three years. Said in one message, the year wins."""
    slots = dict(tracker.slots)
    if _series_only_of_the_title_held(tracker, slots):
        slots["series"] = None
    if all(slots.get(key) is not None for key in GRADE_TIMES):
        said_in = {key: _turn_of_last_value(tracker.events, key) for key in GRADE_TIMES}
        older = "skill_years" if said_in["skill_years"] <= said_in["skill_grade_year"] else "skill_grade_year"
        slots[older] = None
    profile, dropped = profile_from_slots(slots)
    return at_the_application_year(profile), dropped


def _series_only_of_the_title_held(tracker: Tracker, slots: Dict[str, Any]) -> bool:
    """“我是经济师，也是高级技师”: 经济 is the series of the title held, not one they apply
    in through their grade — a skilled worker applies in a bridged series (第六条). Held
    beside a grade, such a series is left out of the decision (the answer then states
    “所报系列在贯通领域内” as its premise) instead of refusing them — unless the user named
    it as a series (“想报经济系列”)."""
    series = slots.get("series")
    if (
        not series
        or series in vocabulary.bridging_series()
        or not (slots.get("skill_grade") and slots.get("title_level"))
    ):
        return False
    said = [e for e in tracker.events if e.get("event") in ("user", "slot")]
    for i, e in enumerate(said):
        if e.get("event") == "slot" and e.get("name") == "series" and e.get("value") == series:
            turn = next((u for u in reversed(said[:i]) if u.get("event") == "user"), {})
            if "系列" in (turn.get("text") or ""):
                return False  # “我想报经济系列”: the series applied in, said as such
    return True


def _turn_of_last_value(events: List[Dict[str, Any]], slot: str) -> int:
    """How many user messages came before the slot was last given a value by what the user
    said: by the NLU (before any action of the turn) or a new value an action read from it
    — not the same value set again (the form re-sets the facts it validates)."""
    turn, last, value, acted = 0, -1, None, False
    for e in events:
        if e.get("event") == "user":
            turn, acted = turn + 1, False
        elif e.get("event") == "action":
            acted = True
        elif e.get("event") == "slot" and e.get("name") == slot:
            if e.get("value") is not None and (not acted or e.get("value") != value):
                last = turn
            value = e.get("value")
    return last


def _definition_from_elsewhere(answers: List[Dict[str, Any]], region: Optional[str]) -> Optional[str]:
    """The local document a definition is quoted from when it is not the user's own
    (“助理工程师算哪一级” from 内蒙古 is answered with 百色's 第四条, the one text that lists
    the levels): said, so the user does not take 百色's rules for theirs."""
    docs = {a["topic_entry"].split(":")[0] for a in answers} - {"national", region}
    return sorted(docs)[0] if docs else None


def general_answer_messages(intent: str, text: str, profile: Dict[str, Any]) -> List[str]:
    """The general answer to `text`: definitions from every document, the rest from the
    documents in force in the profile's region (each local rule labelled when none is known)."""
    topics: Tuple[str, ...] = ()
    retirement = intent in ("faq_discipline", "faq_guantong") and bool(RETIREMENT.search(text))
    if intent in REGIONAL or retirement:
        region = profile.get("region")
        topics = ("retirement",) if retirement else _regional_topics(intent, text, profile)
        answers = knowledge_answers(topics, region)
    else:
        region, answers = None, knowledge_answers(DEFINITIONS.get(intent, DEFINITIONS["faq_guantong"]), None)
    label_local = (intent in REGIONAL or retirement) and not region
    messages = general_replies.general_messages(intent, text, answers[:MAX_ANSWERS], label_local)
    elsewhere = _definition_from_elsewhere(answers[:MAX_ANSWERS], profile.get("region"))
    if intent in DEFINITIONS and elsewhere:
        messages.append(general_replies.definition_source_note(elsewhere))
    if intent == "faq_years" and answers and LEVEL_CONDITIONS.search(text):
        messages.append(general_replies.ordinary_conditions_note("years_skill" in topics))
    return messages


class ActionAnswerGeneral(Action):
    """A general policy question, answered from the documents with their articles."""

    def name(self) -> Text:
        return "action_answer_general"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        text = tracker.latest_message.get("text") or ""
        profile = _profile(tracker)
        if intent == "faq_years" and _skill_ladder_itself(text, profile):
            return await ActionAnswerOutOfScope().run(dispatcher, tracker, domain)
        region = profile.get("region") if intent in REGIONAL else None
        messages = general_answer_messages(intent, text, profile)
        for message in messages:
            dispatcher.utter_message(text=message)
        if intent in REGIONAL and not region and (tracker.get_slot("answered") or tracker.active_loop.get("name")):
            dispatcher.utter_message(response="utter_faq_region_hint")  # the offer asks for it otherwise
        return after_answer(tracker, dispatcher, profile)


class ActionAnswerOutOfScope(Action):
    """Outside the documents: say what they cover and what not, and where to ask."""

    def name(self) -> Text:
        return "action_answer_out_of_scope"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict]:
        if general_replies.not_in_chinese(tracker.latest_message.get("text") or ""):
            dispatcher.utter_message(text=general_replies.write_in_chinese())
            return after_answer(tracker, dispatcher, _profile(tracker))
        for message in general_replies.out_of_scope_messages():
            dispatcher.utter_message(text=message)
        note = region_note(tracker)  # 广西 outside 百色: its own rules are not in the base
        note = note or general_replies.other_place_note(tracker.latest_message.get("text") or "")
        if note:
            dispatcher.utter_message(text=note)
        return after_answer(tracker, dispatcher, _profile(tracker))


class ActionLowConfidence(Action):
    """A message not understood. From someone who told us about themself and has not had
    their answer yet, the dialogue goes on with what they told — their answer, or the one
    question still needed — instead of ending on “没太明白”; otherwise the fallback."""

    def name(self) -> Text:
        return "action_low_confidence"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict]:
        profile = _profile(tracker)
        going_on = (
            tracker.active_loop.get("name") is None
            and not tracker.get_slot("answered")
            and any(profile.get(k) for k in OWN_CASE_FACTS)
        )
        text = tracker.latest_message.get("text") or ""
        wants_own = not tracker.get_slot("answered") and general_replies.asks_to_apply(text)
        if general_replies.not_in_chinese(text):
            dispatcher.utter_message(text=general_replies.write_in_chinese())
        elif wants_own and tracker.active_loop.get("name") is None:
            return [SlotSet("own_case", True)]  # “评职称”: the form asks what it needs first
        elif tracker.get_slot("answered") and general_replies.NEXT_STEPS_ASKED.search(text):
            steps = replies.steps_message(evaluate(profile))
            dispatcher.utter_message(text=steps or general_replies.NOT_UNDERSTOOD_GOING_ON)
            return []
        elif tracker.get_slot("answered") and general_replies.NO_AWARD.search(text):
            dispatcher.utter_message(text=general_replies.NO_AWARD_NOTED)
            return []
        elif general_replies.contest_without_result(text):
            dispatcher.utter_message(text=general_replies.contest_without_result(text))
            return []
        elif going_on:
            dispatcher.utter_message(text=general_replies.NOT_UNDERSTOOD_GOING_ON)
        else:
            dispatcher.utter_message(response="utter_default")
        return [SlotSet("own_case", going_on)]
