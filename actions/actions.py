"""Custom actions. Thin by design: they turn slots into a profile, ask the rules engine,
and turn its decision into messages (dialogue/replies.py). No policy logic lives here."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any, Dict, List, Optional, Text

import cn2an
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from rules_engine import answer_topic, clock, evaluate
from rules_engine.knowledge import answer_education_equivalent

from bot.nlu.clauses import levels_named, levels_of_someone_else
from bot.nlu.questions import WHY_NOT
from bot.nlu.lexicon import SKILL_GRADE, TITLE, TITLE_LEVEL
from bot.nlu.typos import plain_numerals
from dialogue import general_replies, junior_title, replies, what_opens
from dialogue.questions import OPENING
from .whose_case import OWN_PROFILE, SHARED, THEIR_CASE_ASKED, other_persons_facts, switch_case
from .general import (
    GENERAL_INTENTS,
    HOLDS_TITLE,
    SKILL_DIRECTION,
    ActionAnswerGeneral,
    ActionAnswerOutOfScope,
    another_finding_said,
    asked_only_this,
    own_case,
    region_note,
    tracker_profile,
)
from dialogue.profile_slots import HYPOTHETICAL, PROFILE_KEYS, merge_awards

logger = logging.getLogger(__name__)

FORM = "eligibility_form"
LEVEL_LABELS = (SKILL_GRADE, TITLE, TITLE_LEVEL)
YEARS_SLOTS = ("skill_years", "title_years", "professional_years")
# “再干两年”, “再过一年”, “三年以后”, “明年”: a number of years from now.
YEARS_LATER = re.compile(r"[再多过还].{0,3}年半?|年(?:以|之)?后|明年|后年")
# “再干呢”, “以后呢”: later, without a number.
LATER = re.compile(r"再干|再等|再过|多干|以后|之后|将来|到时候")
# side questions: the knowledge topic each one asks about
FAQ_TOPICS = {
    "faq_fee": "fee",
    "faq_window": "window",
    "faq_where": "where",
    "faq_materials": "materials",
    "faq_continuing_education": "continuing_education",
    "faq_post": "post",
    "faq_scope": "scope",
    "faq_degree": "degree",
    "faq_evaluation": "evaluation",
}
SIDE_QUESTION_INTENTS = (*FAQ_TOPICS, "faq_education_equivalent")
THEORY_EXAM_TOPIC = "theory_exam_exemption"  # a knowledge topic, read from the words (no intent of its own)
THEORY_EXAM = re.compile(r"免考|免于理论|免试|(考|免)[^，。？?]{0,3}理论|理论[^，。？?]{0,4}(免|不考|要考|考不考)")
WHEN_ASKED = re.compile(r"哪年|哪一年|什么时候|啥时候|几时|何时|多久|还要等|要等到")
SKILL_SIDE = re.compile(r"技能等级|技能这边|技能方向|职业技能评价|考技能|考个?证")
HOTLINE = replies.HOTLINE


def current_profile(tracker: Tracker) -> Dict[str, Any]:
    profile, dropped = tracker_profile(tracker)
    if dropped:
        logger.warning("dropped unacceptable slot values: %s", dropped)
    return profile


def bare_number(text: str, last: bool = False) -> Optional[float]:
    """“三年”, “3”, “两年半” as an answer to a question about years (the last number said
    with ``last``)."""
    text = plain_numerals(text)  # “叁年”
    # "半年" alone is half a year; "两年半" is 2.5 (then "年.5" below)
    text = re.sub(r"(?<![\d一二两三四五六七八九十年])半", "0.5", text)
    text = text.replace("两", "二").replace("半", ".5")
    try:
        text = cn2an.transform(text, "cn2an")
    except Exception:  # cn2an raises on odd mixes; the raw text is tried below
        pass
    numbers = re.findall(r"\d+(?:\.\d+)?", text.replace("年.5", ".5"))
    return float(numbers[-1 if last else 0]) if numbers else None


class ActionAnswerEligibility(Action):
    """The conclusion, the article, the next steps."""

    def name(self) -> Text:
        return "action_answer_eligibility"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict]:
        switched = switch_case(tracker) + another_finding_said(tracker)
        return switched + await self._answer(dispatcher, tracker)

    async def _answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict]:
        profile = current_profile(tracker)
        said = [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]
        lapsed = what_opens.failure_before_the_window(said, profile)
        if lapsed:  # “2025年考核不合格 打算2029年报”: by then outside the 3 years (#58; explore17 W-5)
            profile = {k: v for k, v in profile.items() if k != "assessment_ok"}
        decision = evaluate(profile)
        declined = tracker.get_slot("declined_slots") or []
        junior = tracker.get_slot("junior_title")
        if not decision["options"] and not decision["blockers"] and junior and not profile.get("title_level"):
            if not profile.get("skill_grade"):
                for message in junior_title.junior_title_answer(junior, profile):
                    dispatcher.utter_message(text=message)
                return [SlotSet("answered", True)]
        if not decision["options"] and not decision["blockers"] and set(OPENING) <= set(declined):
            for message in replies.neither_grade_nor_title(profile, decision):
                dispatcher.utter_message(text=message)
            return [SlotSet("answered", True)]
        if not decision["options"] and not decision["blockers"]:
            further = replies.nothing_further(profile)
            if further is None:
                dispatcher.utter_message(response="utter_need_grade_or_title")
                return []
            dispatcher.utter_message(text=further)
            return [SlotSet("answered", True)]
        note = tracker.get_slot("region_note")
        if "region" not in profile:
            note = "（您没有说在哪个地区，以下按国家《实施意见》答复；告诉我地区可以按当地细则再算。）"
        idle = what_opens.awards_that_change_nothing(profile, decision)
        if idle:
            note = "\n".join(filter(None, [note, what_opens.idle_awards_note(idle, profile.get("region", "national"))]))
        text = tracker.latest_message.get("text") or ""
        if WHY_NOT.match(text) and not replies.levels_asked(text):
            text = previous_user_text(tracker) or text  # “为啥不行” after “能评副高吗”: 副高 is meant
        elif not levels_named(text, LEVEL_LABELS, wanted_only=True):
            # “百色 高级技师 能评副高吗” … “三年”: the level asked before the form's questions
            text = _text_asking_a_level(tracker) or text
        intro = what_opens.intro_for_the_level_asked(text, decision, profile)
        replies.steps_on_the_level_asked(text, decision)
        asked = replies.levels_asked(text)
        if tracker.get_slot(OWN_PROFILE):  # answering for the person they ask about
            intro = replies.OTHER_PERSON_LEAD + (intro or "")
        for message in replies.eligibility_messages(decision, region_note=note, intro=intro, asked=asked):
            dispatcher.utter_message(text=message)
        for hint in (
            what_opens.lapsed_failure_note(lapsed, profile) if lapsed else None,
            what_opens.grade_not_told_hint(profile, decision),
            what_opens.top_grade_note(profile, decision, _texts_since_the_answer(tracker)),
            replies.basic_pass_reading(said, profile),
            what_opens.assessment_bar_end(said, profile, decision),
        ):
            if hint:
                dispatcher.utter_message(text=hint)
        others = levels_of_someone_else(tracker.latest_message.get("text") or "")
        if others:  # “我是技师…我媳妇是助理工程师，她能考啥”: not silently dropped
            dispatcher.utter_message(text=replies.OTHER_PERSON_LEFT_OUT.format(levels="、".join(others)))
        return [SlotSet("answered", True)]


def _said_since_the_answer(tracker: Tracker) -> List[str]:
    """What the user said since the last answer, in order (“还能考什么技能等级” … “五年”)."""
    said: List[str] = []
    for e in reversed(tracker.events):
        if e.get("event") == "action" and e.get("name") == "action_answer_eligibility":
            break
        if e.get("event") == "user":
            said.insert(0, e.get("text") or "")
    return said


def _texts_since_the_answer(tracker: Tracker) -> str:
    return "\n".join(_said_since_the_answer(tracker)) or (tracker.latest_message.get("text") or "")


def _text_asking_a_level(tracker: Tracker) -> Optional[str]:
    """The latest message since the last answer that asked about a level (explore13 M1)."""
    asking = [t for t in _said_since_the_answer(tracker) if levels_named(t, LEVEL_LABELS, wanted_only=True)]
    return asking[-1] if asking else None


def previous_user_text(tracker: Tracker) -> Optional[str]:
    """The user's message before the latest one."""
    said = [e.get("text") for e in tracker.events if e.get("event") == "user"]
    return said[-2] if len(said) > 1 else None


class ActionWhatIf(Action):
    """“再干一年呢？” / “要是拿到技师呢？”: a hypothetical, never stored as a fact."""

    def name(self) -> Text:
        return "action_what_if"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict]:
        finding = another_finding_said(tracker)
        if finding:  # “之前2021年也有过一次” read as a what-if: a fact, the answer again
            return finding + await ActionAnswerEligibility()._answer(dispatcher, tracker)
        profile = current_profile(tracker)
        changes = self._conditions(tracker, profile)
        if profile.get("title_level") and set(changes) == {"skill_grade"}:
            # a 工程师 asking “那高级技师呢”: which grade their title lets them take
            for message in replies.skill_grade_asked(changes["skill_grade"], profile):
                dispatcher.utter_message(text=message)
            return []
        # (“那工程师呢”: the series its name implies comes with it — explore15 W-1)
        if (
            profile.get("skill_grade")
            and not profile.get("title_level")
            and set(changes) in ({"title_level"}, {"title_level", "series"})
        ):
            # a 技师 asking “那副高呢”: the title they would apply for, not one they would hold
            decision = evaluate(profile)
            level = changes["title_level"]
            intro = what_opens.level_asked_not_open(f"能评{level}吗", decision, None, profile.get("awards"))
            asked = [("title", level)]
            for message in replies.eligibility_messages(decision, intro=intro, with_steps=False, asked=asked):
                dispatcher.utter_message(text=message)
            return []
        # “要是后年拿到高级技师呢”: the year is the condition's, not years added on top
        extra_years = 0 if "application_year" in changes else self._extra_years(tracker, bool(changes))
        text = tracker.latest_message.get("text") or ""
        if not changes and not extra_years and SKILL_SIDE.search(text):
            # “那考技能等级呢”: the other direction, for them
            dispatcher.utter_message(text=replies.skill_side(profile))
            return []
        if not changes and not extra_years and THEIR_CASE_ASKED.match(text.strip()):
            theirs = other_persons_facts(previous_user_text(tracker) or "")
            if theirs:  # “我是高级工2023年的 她是技师2019年的” … “那她呢”: her case, on her facts
                their_profile = {**{k: profile[k] for k in SHARED if k in profile}, **theirs}
                said = "、".join(replies.hypothesis_words(k, v) for k, v in theirs.items())
                decision = evaluate(their_profile)
                intro = f"按您说的另一位的情况（{said}）："
                for message in replies.eligibility_messages(decision, intro=intro, with_steps=False):
                    dispatcher.utter_message(text=message)
                return []
            dispatcher.utter_message(text=replies.ASK_THEIR_CASE)
            return []
        told = [
            e
            for e in tracker.latest_message.get("entities", [])
            if e.get("entity") in PROFILE_KEYS and not e.get("role")
        ]
        if not changes and not extra_years and told:
            # “我在百色田东 电工技师 干了两年 中级呢”: their case told, its level asked — no supposition
            return await ActionAnswerEligibility()._answer(dispatcher, tracker)
        if not changes and not extra_years:
            dispatcher.utter_message(text=replies.unrecognised_hypothesis(text))
            return []
        new_grade = "skill_grade" in changes and changes["skill_grade"] != profile.get("skill_grade")
        if new_grade:
            profile.pop("skill_grade_year", None)
            profile["skill_years"] = 0
        if "application_year" in changes:
            # “干了一年半” then “明年呢”: years told are as of now (#12 counts them at the
            # application year), so a later year adds its distance — not to a grade supposed
            # to be had that year (“要是后年拿到高级技师呢”)
            shift = changes["application_year"] - profile.get("application_year", clock.current_year())
            for key in YEARS_SLOTS:
                if key in profile and key not in changes and not (key == "skill_years" and new_grade):
                    profile[key] = max(0, profile[key] + shift)
        profile.update({k: v for k, v in changes.items() if k != "awards"})
        if "awards" in changes:
            new = changes["awards"] if isinstance(changes["awards"], list) else [changes["awards"]]
            profile["awards"] = merge_awards(profile.get("awards"), new)
        if extra_years:
            # the year in which that much more time has passed (“再干半年” in November: next year)
            later = clock.today() + dt.timedelta(days=round(365.25 * extra_years))
            profile["application_year"] = profile.get("application_year", clock.current_year()) + (
                later.year - clock.today().year
            )
            for key in YEARS_SLOTS:
                if key in profile:
                    profile[key] = profile[key] + extra_years
        try:
            decision = evaluate(profile)
        except Exception as err:  # a hypothetical the engine refuses is answered, not crashed on
            dispatcher.utter_message(text=f"这个假设我算不了：{err}")
            return []
        what = []
        if extra_years:
            what.append(f"再干{replies.years_words(extra_years)}（到{profile['application_year']}年）")
        if changes:
            words = {k: replies.hypothesis_words(k, v) for k, v in changes.items()}
            place = _place_said(tracker)
            if "region" in changes and place:  # “如果在南宁（按国家规定）”, not “在其他地区”
                words["region"] = f"在{place}" + ("（按国家规定）" if changes["region"] == "national" else "")
            what.append("、".join(words.values()))
        intro = f"如果{'，'.join(what) or '情况不变'}：" if what else "按目前的情况："
        # “要是我去南宁干呢”: 南宁's note (its own rules not in the base) goes with it (explore12 M2)
        note = region_note(tracker) if "region" in changes else None
        idle = what_opens.awards_that_change_nothing(profile, decision) if "region" in changes else []
        if idle:  # “要是我调到玉林呢”: 广西技术能手 counts in 百色 only (explore13 M7)
            note = "\n".join(filter(None, [note, what_opens.idle_awards_note(idle, profile.get("region", "national"))]))
        # “明年报副高行不行”: the level asked is said first for that year too
        asked_intro = what_opens.intro_for_the_level_asked(text, decision, profile) if changes else None
        intro += asked_intro or ""
        asked = replies.levels_asked(text)
        for message in replies.eligibility_messages(
            decision, region_note=note, intro=intro, with_steps=False, asked=asked
        ):
            dispatcher.utter_message(text=message)
        return []

    @staticmethod
    def _conditions(tracker: Tracker, profile: Dict[str, Any]) -> Dict[str, Any]:
        """The facts supposed: those the NLU marked hypothetical ("要是拿到技师呢"). A fact
        stated in the same message already filled its slot, so a role-less entity counts
        only where it differs from the profile (a condition the NLU did not mark)."""
        changes: Dict[str, Any] = {}
        for e in tracker.latest_message.get("entities", []):
            key = e.get("entity")
            if key not in PROFILE_KEYS:
                continue
            if e.get("role") == HYPOTHETICAL:
                changes[key] = e.get("value")  # "如果我已经干满五年了呢": 5 years in all, not 5 more
            elif key not in YEARS_SLOTS and profile.get(key) != e.get("value"):
                changes[key] = e.get("value")
        return changes

    @staticmethod
    def _extra_years(tracker: Tracker, has_condition: bool) -> float:
        """Years from now: “再干两年呢”, “三年以后呢”, read around the words of time. A number
        of years the message states (“干了两年”) is the record, already in its slot."""
        text = tracker.latest_message.get("text") or ""
        later = YEARS_LATER.search(text)
        years_later = later is not None
        number = bare_number(text[max(0, later.start() - 3) : later.end()], last=True) if later else None
        if "后年" in text:
            return 2
        if number and 0 < number <= 10:
            return int(number) if number == int(number) else number  # “再干半年” → 0.5
        if has_condition:
            return 0
        # “再干呢？”, “以后呢？”: one more year. Without any word of time the what-if is
        # about something not recognised (an award by another name …): nothing is assumed.
        return 1 if years_later or LATER.search(text) else 0


def _place_said(tracker: Tracker) -> Optional[str]:
    """The place a message names for its region (“南宁” of “要是我去南宁干呢”)."""
    text = tracker.latest_message.get("text") or ""
    for e in tracker.latest_message.get("entities", []):
        if e.get("entity") == "region" and e.get("end"):
            return text[e["start"] : e["end"]]
    return None


def direction_of(profile: Dict[str, Any]) -> str:
    """Whose next steps a side question is answered with: a title holder without a grade asks
    about skill evaluation, everyone else about titles."""
    return "skill" if profile.get("title_level") and not profile.get("skill_grade") else "title"


class ActionAnswerFaq(Action):
    """Side questions (fee, window, where, materials …), answered from the knowledge base
    with their article; the form, if active, resumes after this."""

    def name(self) -> Text:
        return "action_answer_faq"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        # a second finding told with the question counts before anything is said of their case
        merged = another_finding_said(tracker)
        profile = current_profile(tracker)
        region = profile.get("region")
        kind = direction_of(profile)
        text = tracker.latest_message.get("text") or ""
        if SKILL_DIRECTION.search(text) and ("职称" not in text or HOLDS_TITLE.search(text)):
            # “专业技术人员考技能等级要交什么材料”, “我有职称，想考技能等级要带什么材料”: the skill side
            kind = "skill"
        # A side question from someone who told us about themself goes on to their own
        # question afterwards (the rules read `own_case`) — when that needs nothing more.
        going_on = own_case(tracker, profile)
        offer = going_on and asked_only_this(tracker, profile)
        events = [
            SlotSet("own_case", going_on and not offer),
            SlotSet("offered_own_case", offer),
            *merged,
        ]
        if tracker.get_slot("answered") and (
            intent == "faq_window" or WHEN_ASKED.search(tracker.latest_message.get("text") or "")
        ):
            # “那什么时候能评中级？” after their answer: their year first, then the window
            dispatcher.utter_message(text=replies.their_year(evaluate(profile)))
        if THEORY_EXAM.search(tracker.latest_message.get("text") or ""):
            # “有相关专业毕业证能免考理论吗”: the exemption, whatever the classifier made of it
            intent, kind = THEORY_EXAM_TOPIC, "skill"
        self.answer(dispatcher, intent, region, kind, profile)
        if offer:
            dispatcher.utter_message(text=general_replies.offer_own_case(profile))
        return events

    def answer(self, dispatcher, intent: str, region: Optional[str], kind: str, profile: Dict[str, Any]) -> None:
        """The side question's answer for `region` (each local document's, labelled, when none
        is known); also said when the region a side question waited for comes (the form)."""
        if region:
            answers = self._answers(intent, region, kind, profile)
            for message in general_replies.faq_messages(answers[:2]):
                dispatcher.utter_message(text=message)
            return
        # Region unknown: what each local document says, then what holds elsewhere.
        silent = []
        for r in ("baise", "nei_mongol", "national"):
            answers = [
                a for a in self._answers(intent, r, kind, profile) if r == "national" or a["topic_entry"].startswith(r)
            ]
            if answers:
                for message in general_replies.faq_messages(answers[:2], general_replies.region_label(r)):
                    dispatcher.utter_message(text=message)
            else:
                silent.append(general_replies.region_label(r))
        if silent:
            dispatcher.utter_message(
                text=f"{'、'.join(silent)}：文件未作具体规定，以当地当年通知为准，可拨打{HOTLINE}咨询。"
            )
        dispatcher.utter_message(response="utter_faq_region_hint")

    @staticmethod
    def _answers(intent: str, region: str, kind: str, profile: Dict[str, Any]) -> List[Dict[str, Any]]:
        if intent == "faq_education_equivalent":
            return answer_education_equivalent(region, profile.get("skill_school_class"))
        try:
            return answer_topic(
                FAQ_TOPICS.get(intent, intent if intent == THEORY_EXAM_TOPIC else "evaluation"), region, kind, profile
            )
        except KeyError:
            return []


# Questions answered inside the form when they also state a fact (see _question_asked_in_form).
ANSWERS_INSIDE_FORM = {
    **dict.fromkeys(SIDE_QUESTION_INTENTS, ActionAnswerFaq),
    **dict.fromkeys(GENERAL_INTENTS, ActionAnswerGeneral),
    "out_of_scope": ActionAnswerOutOfScope,
}


class ActionHandoff(Action):
    """Hand-off to a person: the hotline, and a summary the agent can read at once."""

    def name(self) -> Text:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict]:
        profile = current_profile(tracker)
        # The response's {hotline} is filled by Rasa's response templating from this keyword
        # (no slot needed); the number's one source is rules_engine.vocabulary.
        dispatcher.utter_message(response="utter_handoff", hotline=HOTLINE)
        dispatcher.utter_message(text="给人工坐席的信息摘要：\n" + replies.profile_summary(profile))
        return [SlotSet("handoff", True)]
