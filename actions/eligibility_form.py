"""The eligibility form's validation: which facts to ask next (the rules engine decides),
and how a short answer to the question asked is read (“三年吧”, “前年”, “助理”, “没有”).
Questions asked in the middle of the form are answered by the actions they belong to
(actions/actions.py, actions/general.py)."""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.nlu.dates import JUST_GOT
from rules_engine import clock, evaluate
from rules_engine.vocabulary import unsettled_place

from dialogue import junior_title, replies
from dialogue.profile_slots import GRADE_TIMES, PROFILE_KEYS, merge_awards
from dialogue.questions import OPENING, asked_out_of_reach, questions_to_ask
from .actions import (
    ANSWERS_INSIDE_FORM,
    SIDE_QUESTION_INTENTS,
    ActionAnswerFaq,
    bare_number,
    current_profile,
    direction_of,
)
from .said_in_two import award_said_over_two_messages
from .whose_case import switch_case
from .general import (
    GENERAL_INTENTS,
    HOLDS_TITLE,
    another_finding_said,
    REGIONAL,
    findings_added,
    general_answer_messages,
    region_note as _region_note,
    set_by_this_message,
    slots_before_this_message,
)

logger = logging.getLogger(__name__)

YEAR_SLOTS = ("skill_grade_year", "graduation_year", "fraud_year")
# “高级”, “是中级的” as the answer to the skill-grade question
BARE_LEVEL_ANSWER = re.compile(r"(?:是|就是|我是|算)?(初级|中级|高级)(?:的|吧|啊|呀|证|证书|的证)?[。！!]?")
BARE_LEVEL_GRADES = {"初级": "初级工", "中级": "中级工", "高级": "高级工"}
# Messages that cannot be an answer to the question asked (a side question, a what-if,
# a request for help). Anything else can: a bare place name such as “在杭州” carries
# little for the intent classifier and may come out as any intent.
NOT_ANSWER_INTENTS = {
    "what_if",
    "human_handoff",
    "restart",
    "help",
    "goodbye",
    "thank",
    "out_of_scope",
    *SIDE_QUESTION_INTENTS,
    *GENERAL_INTENTS,
}
# “前年和今年都是合格的”: some years named, not the three (近三年/这几年/一直/每年)
SOME_YEARS_ONLY = re.compile(
    r"^(?!.*(近|最近|这|连续)[三3几]年|.*一直|.*每年|.*年年|.*历年).*(去年|前年|今年|\d{2,4}年)"
)
NONE_HELD = re.compile(
    # (not “没有职称”: that says nothing of a grade — _said_not_held declines the title only)
    r"^(都)?(没有|没|无|还没有?|还没考|没考过?)(其他|别的|任何)?(的)?(证|证书|技能等级|等级证|技能证|呢)?[的啊呀呢。！!]*$"
)
# said inside a longer message (“老师傅了，啥证都没有”): no certificate of either kind …
NO_CERTIFICATE = re.compile(
    r"(?<![有拿])(没|没有|无|木有|还没有?)(任何|啥|什么)?(证|证书|等级证|技能证)(?!明)"
    r"|(啥|什么|任何|一个)(证|证书)(都|也)(没|没有|木有)|没(考|拿)过?(任何|啥|什么)?(证|等级)"
)
# … or no title (“没有职称”), which says nothing of a grade
NO_TITLE = re.compile(r"(没|没有|无)(任何|啥|什么)?职称|(啥|什么)?职称(都|也)?(没|没有|木有)")
SAME_YEAR_AS_GRADUATION = re.compile(r"毕业(的)?(那|当|同一)一?年|毕业的时候|毕业时")
BARE_ANSWER_CHARS = 6  # “助理的”, “就是技术员吧”: a message that is nothing but a short answer
DONT_KNOW = re.compile(r"不知道|不清楚|不记得|忘了|说不清|不确定|跳过")
# “拿到技师证有几年了不记得了”, “哪年考的忘了”: the time held, said forgotten before it is asked
TIME_FORGOTTEN = re.compile(
    r"(几年|多少年|哪年|哪一年|什么时候|啥时候|多久)[^，。？?]{0,6}(忘|不记得|记不清|记不得|说不清)"
    r"|(忘了|不记得|记不清|记不得)[^，。？?]{0,6}(几年|哪年|多少年|什么时候|啥时候|多久)"
)
# the time of each opening fact, as the rules engine asks for it
TIME_OF = {"skill_grade": "skill_years", "title_level": "title_years"}


def _year_said_alone(tracker: Tracker) -> bool:
    """The message's only fact is a time the NLU gave to the grade (“前年”, “24年”)."""
    entities = [e for e in tracker.latest_message.get("entities", []) if e.get("entity") in PROFILE_KEYS]
    return len(entities) == 1 and entities[0].get("entity") in GRADE_TIMES


def _answered_year(tracker: Tracker, text: str) -> Optional[int]:
    for e in tracker.latest_message.get("entities", []):
        if e.get("entity") in YEAR_SLOTS and not e.get("role"):
            return int(e["value"])
    number = bare_number(text)
    if number is not None and 0 <= number < 100 and number == int(number) and "年" in text:
        this = clock.current_year() % 100  # “24年” in answer to “哪一年…？”: 2024
        number = 2000 + number if number <= this else 1900 + number
    return int(number) if number and 1950 <= number <= 2100 else None


def _question_asked_in_form(tracker: Tracker) -> Optional[str]:
    """The intent of a side, general or out-of-scope question the user has just asked
    inside the form together with a fact (the form then validates instead of rejecting),
    else None — also when the question was already answered by its rule this turn."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if intent not in ANSWERS_INSIDE_FORM or not tracker.active_loop.get("name"):
        return None
    if not any(k != "requested_slot" for k in tracker.slots_to_validate()):
        return None
    form = tracker.active_loop.get("name")
    last_action = next(
        (e.get("name") for e in reversed(tracker.events) if e.get("event") == "action" and e.get("name") != form), None
    )
    return intent if last_action == "action_listen" else None


class ValidateEligibilityForm(FormValidationAction):
    """Asks only what the rules engine still needs for the question asked."""

    def name(self) -> Text:
        return "validate_eligibility_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict]:
        """A question asked in the middle of the form that also states a fact (“我是技师，
        评中级要交多少钱？”) is answered here: the fact fills its slot, so the form goes on
        instead of stepping aside for the question's rule, and the answer would be lost."""
        # “我老婆也是技师…她能评吗”: the user's own facts put aside; “之前2021年也有过一次”
        switched = switch_case(tracker) + another_finding_said(tracker)
        question = _question_asked_in_form(tracker)
        declined_before = tracker.get_slot("declined_slots")
        requested = tracker.get_slot("requested_slot")
        # “哪一年被查出…？” — “前年”: the NLU gave the year to the grade; it answers this question
        year_answer = requested in ("fraud_year", "graduation_year") and _year_said_alone(tracker)
        grade_times: Dict[str, Any] = {}
        if year_answer:  # the questions still to ask are those of the grade's real time
            before = slots_before_this_message(tracker)
            grade_times = {slot: before.get(slot) for slot in GRADE_TIMES}
            tracker.slots.update(grade_times)
        self._answer_the_question_that_waited_for_the_region(dispatcher, tracker)
        junior = self._junior_title(dispatcher, tracker)
        self._decline_unknown_answer(tracker)
        # FormValidationAction.run, step by step (its public methods), because rasa_sdk
        # keeps only the validated slots the form still requires, which drops what our
        # extract_* methods just read (“2024年” for the year asked, “在某镇” for the
        # region): a question answered is no longer required. Those are put back.
        said_by_graduation = self._grade_year_of_graduation(tracker)
        tracker.add_slots(said_by_graduation)
        medal = award_said_over_two_messages(tracker)  # “参加过世界技能大赛” … “拿的铜牌”
        tracker.add_slots(medal)
        # before the slots still required are computed: the NLU's 中级职称 would end the form
        bare_grade = [SlotSet(k, v) for k, v in (await self.extract_skill_grade(dispatcher, tracker, domain)).items()]
        tracker.add_slots(bare_grade)
        extracted = await self.get_extraction_events(dispatcher, tracker, domain)
        tracker.add_slots(extracted)
        events = await self.get_validation_events(dispatcher, tracker, domain)
        kept = {e.get("name") for e in events if e.get("event") == "slot"}
        events += [e for e in extracted if e.get("name") not in kept]
        # the case switched (whose_case): the form re-validates the facts it had on activation,
        # which would set the put-aside (or the other person's) values again
        overrides = {e["name"] for e in switched}
        events = [e for e in events if e.get("event") != "slot" or e.get("name") not in overrides]
        tracker.add_slots(events + switched)
        next_slot = await self.next_requested_slot(dispatcher, tracker, domain)
        if next_slot:
            events.append(next_slot)
            asked_again = requested is not None and next_slot.get("value") == requested
            if asked_again and not (switched or question or year_answer):
                self._note_facts_given_instead(dispatcher, tracker)
        # … and a declined question (“不知道”): without it the form would reject the answer.
        declined = tracker.slots.get("declined_slots")
        if declined != declined_before and not any(e.get("name") == "declined_slots" for e in events):
            events.insert(0, SlotSet("declined_slots", declined))
        if year_answer:  # (validating the message's own slots set the NLU's reading again)
            events += [SlotSet(slot, value) for slot, value in grade_times.items()]
        events += junior
        events += said_by_graduation
        events += medal
        events += bare_grade
        if question:
            await ANSWERS_INSIDE_FORM[question]().run(dispatcher, tracker, domain)
        return switched + events

    @staticmethod
    def _note_facts_given_instead(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        """“南宁的” to the grade question: the place is taken and the grade asked again —
        said back first, or the same question reads as if the answer was not heard."""
        before = slots_before_this_message(tracker)
        said = {
            key: value
            for key, value in set_by_this_message(tracker).items()
            if value is not None and before.get(key) != value and tracker.slots.get(key) == value
        }
        if said:
            dispatcher.utter_message(text=replies.noted(said))

    async def get_validation_events(self, dispatcher, tracker, domain) -> List[Dict]:
        """Every fact the message set is validated, not only those the form still asks for
        (rasa_sdk's version skips the others): a second award or fraud finding must merge
        with the first although no question is about it any more."""
        # On activation (“还拿过全国技术能手” after an answer) Rasa sends only the facts the
        # form requires: those of this message are read from its events as well.
        slots = {**set_by_this_message(tracker), **tracker.slots_to_validate()}
        for name, value in list(slots.items()):
            validate = getattr(self, f"validate_{name}", None)
            if validate is None:
                continue
            output = await validate(value, dispatcher, tracker, domain)
            slots.update(output)
            tracker.slots.update(output)
        return [SlotSet(name, value) for name, value in slots.items()]

    def _decline_unknown_answer(self, tracker: Tracker) -> None:
        """“不记得哪年了”, “不清楚” to any question: the user cannot say, so the answer is
        given without that fact (with what it would change) instead of asking again. So
        also when, instead of answering, they ask for their answer (“那我现在能评啥”)."""
        slot = tracker.get_slot("requested_slot")
        if slot and self._asks_for_the_answer(tracker):
            tracker.slots["declined_slots"] = self._decline(tracker, slot)
            return
        if slot in OPENING and NONE_HELD.search((tracker.latest_message.get("text") or "").strip()):
            # “没有（证）” to “您现在的技能等级是什么？…或职称”: neither is held
            for opening in OPENING:
                tracker.slots["declined_slots"] = self._decline(tracker, opening)
            return
        for opening in self._said_not_held(tracker):
            tracker.slots["declined_slots"] = self._decline(tracker, opening)
        for time in self._time_said_forgotten(tracker):
            tracker.slots["declined_slots"] = self._decline(tracker, time)
        text = self._answering(tracker, slot) if slot else None
        if text is None or not DONT_KNOW.search(text):
            return
        if any(e.get("entity") == slot for e in tracker.latest_message.get("entities", [])):
            return
        tracker.slots["declined_slots"] = self._decline(tracker, slot)

    @staticmethod
    def _answer_the_question_that_waited_for_the_region(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        """“评职称要交多少钱” — “…告诉我您所在的地区，我可以按当地规定回答。” — “我在百色”:
        the promise is kept (the fee in 百色) before the form's own question."""
        region = tracker.get_slot("region")
        if not region or "region" not in set_by_this_message(tracker):
            return
        users = [i for i, e in enumerate(tracker.events) if e.get("event") == "user"]
        if len(users) < 2:
            return
        earlier = tracker.events[users[-2]]
        between = tracker.events[users[-2] + 1 : users[-1]]
        if not any((e.get("metadata") or {}).get("utter_action") == "utter_faq_region_hint" for e in between):
            return
        intent = ((earlier.get("parse_data") or {}).get("intent") or {}).get("name") or ""
        profile = current_profile(tracker)
        if intent in REGIONAL:
            for message in general_answer_messages(intent, earlier.get("text") or "", profile):
                dispatcher.utter_message(text=message)
        elif intent in SIDE_QUESTION_INTENTS:
            ActionAnswerFaq().answer(dispatcher, intent, region, direction_of(profile), profile)

    @staticmethod
    def _time_said_forgotten(tracker: Tracker) -> List[str]:
        """“我拿到高级工有几年了也忘了 反正在赤峰上班”: not asked for what they said they
        cannot tell; the answer says what it depends on (and that a year is enough)."""
        if not TIME_FORGOTTEN.search(tracker.latest_message.get("text") or ""):
            return []
        if tracker.get_slot("requested_slot") not in (None, "region", *OPENING, *TIME_OF.values()):
            return []  # “不记得哪年了” to the year of a finding: that question is declined
        said = {e.get("entity") for e in tracker.latest_message.get("entities", [])}
        if said & {*GRADE_TIMES, "title_years"}:
            return []
        return [time for level, time in TIME_OF.items() if tracker.get_slot(level) or level in said]

    @staticmethod
    def _said_not_held(tracker: Tracker) -> List[str]:
        """“啥证都没有，能评职称不”: the opening question is not asked of someone who said
        they hold neither (nor the title question of “没有职称”); a grade or title named in
        the same breath wins (“没有职称，有高级工证”)."""
        text = tracker.latest_message.get("text") or ""
        held = {k for k in OPENING if tracker.get_slot(k)}
        held |= {e.get("entity") for e in tracker.latest_message.get("entities", []) if e.get("entity") in OPENING}
        if NO_CERTIFICATE.search(text) and not held:
            return list(OPENING)
        if NO_TITLE.search(text) and "title_level" not in held:
            return ["title_level"]
        return []

    @staticmethod
    def _grade_year_of_graduation(tracker: Tracker) -> List[Dict]:
        """“高级工也是毕业那年拿的”: the grade's year is the graduation year told before."""
        text = tracker.latest_message.get("text") or ""
        graduated = tracker.get_slot("graduation_year")
        said = {e.get("entity") for e in tracker.latest_message.get("entities", [])}
        if graduated is None or not SAME_YEAR_AS_GRADUATION.search(text) or said & {*GRADE_TIMES}:
            return []
        if tracker.get_slot("skill_grade_year") is not None and "skill_grade" not in said:
            return []  # the grade's year is known; “毕业那年” is about something else
        return [SlotSet("skill_grade_year", int(graduated)), SlotSet("skill_years", None)]

    @staticmethod
    def _asks_for_the_answer(tracker: Tracker) -> bool:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        stated = [e for e in tracker.latest_message.get("entities", []) if e.get("entity") in PROFILE_KEYS]
        return intent == "ask_eligibility" and not stated

    def _junior_title(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict]:
        """“我有初级职称” is asked about (员级 or 助理级?); “助理” in answer is 助理级; 员级 is
        held but has no level in the rules: the title question is not asked again."""
        said_level = any(e.get("entity") == "title_level" for e in tracker.latest_message.get("entities", []))
        if said_level or tracker.get_slot("title_level"):
            return []
        text = tracker.latest_message.get("text") or ""
        requested = tracker.get_slot("requested_slot")
        if requested == "skill_grade" and BARE_LEVEL_ANSWER.fullmatch(text.strip()):
            return []  # “初级” to the skill-grade question is 初级工 (extract_skill_grade)
        # in answer to the title question — or said alone (“助理的” after an offer to check):
        # a bare level word is what the message says
        answering = requested == "title_level" or len(text.strip()) <= BARE_ANSWER_CHARS
        kind = junior_title.junior_title_said(text, answering_title=answering)
        if kind == junior_title.ASSISTANT:
            tracker.slots["title_level"] = kind
            return [SlotSet("title_level", kind)]
        if kind == junior_title.STAFF:
            dispatcher.utter_message(text=junior_title.heard_staff_title())
            tracker.slots["declined_slots"] = self._decline(tracker, "title_level")
        elif kind == junior_title.EITHER and tracker.get_slot("junior_title") == junior_title.EITHER:
            # asked which, and again “就是初级职称”: they cannot say which
            tracker.slots["declined_slots"] = self._decline(tracker, "title_level")
        elif kind == junior_title.EITHER and not tracker.get_slot("skill_grade"):
            dispatcher.utter_message(response="utter_which_junior_title")
        else:
            return []
        tracker.slots["junior_title"] = kind
        return [SlotSet("junior_title", kind)]

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> List[Text]:
        declined = tracker.get_slot("declined_slots") or []
        profile = current_profile(tracker)
        asked = questions_to_ask(evaluate(profile), declined, profile)
        if asked and asked_out_of_reach(profile, replies.levels_asked(tracker.latest_message.get("text") or "")):
            return []  # “高级工能直接评中级吗”: no years open it — the answer says so now
        if asked and asked[0] in OPENING and "title_level" not in declined and not profile.get("title_level"):
            if tracker.get_slot("junior_title") == junior_title.EITHER:
                return ["title_level", *asked[1:]]  # “初级职称”: which one, before the grade
            if self._said_a_title_is_held(tracker):
                return ["title_level", *asked[1:]]  # “有职称，想考技能等级”: not the grade first
        return asked

    @staticmethod
    def _said_a_title_is_held(tracker: Tracker) -> bool:
        """Some message of this conversation says a title is held, without naming it."""
        for event in reversed(tracker.events):
            if event.get("event") in ("restart", "session_started"):
                return False
            text = event.get("text") or "" if event.get("event") == "user" else ""
            if HOLDS_TITLE.search(text) and not NO_TITLE.search(text):
                return True
        return False

    def _answering(self, tracker: Tracker, slot: str) -> Optional[str]:
        """The user's text when it answers the question about `slot`, else None."""
        if tracker.get_slot("requested_slot") != slot:
            return None
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        text = tracker.latest_message.get("text") or ""
        if intent in NOT_ANSWER_INTENTS and not DONT_KNOW.search(text):
            return None  # “不记得了，证书放老家了” answers whatever the classifier made of it
        return text

    async def extract_region(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        text = self._answering(tracker, "region")
        if text is None or tracker.get_slot("region"):
            return {}
        if DONT_KNOW.search(text):
            return {"declined_slots": self._decline(tracker, "region")}
        if any(e.get("entity") in PROFILE_KEYS for e in tracker.latest_message.get("entities", [])):
            return {}  # “嗯，我是技师”: other facts, not the name of an unlisted place
        unsettled = unsettled_place(text)
        if unsettled:  # “广西”: 百色 or another city; said why, and the form asks again
            dispatcher.utter_message(text=replies.region_city_needed(unsettled))
            return {"region_note": tracker.get_slot("region_note")}  # an answer: the form does not reject it
        # A place we do not list is "anywhere else": the national rules apply.
        dispatcher.utter_message(response="utter_region_national")
        return {"region": "national"}

    async def extract_skill_grade(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        """“高级”, “中级的” in answer to the skill-grade question: that grade (the NLU reads a
        bare 中级 as a title level, and a bare 高级 as nothing)."""
        text = self._answering(tracker, "skill_grade")
        if text is None or tracker.get_slot("skill_grade"):
            return {}
        m = BARE_LEVEL_ANSWER.fullmatch(text.strip())
        if m is None:  # (“不清楚” is declined for every question in run())
            return {}
        if m.group(1) != "初级" and self._said_a_title_is_held(tracker):
            return {}  # “我是工程系列的职称” … “中级的”: the title's level, as the NLU read it
        return {
            "skill_grade": BARE_LEVEL_GRADES[m.group(1)],
            "title_level": slots_before_this_message(tracker).get("title_level"),
        }

    async def extract_skill_years(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._extract_years(tracker, "skill_years")

    async def extract_professional_years(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._extract_years(tracker, "professional_years")

    async def extract_graduation_year(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._extract_calendar_year(tracker, "graduation_year")

    async def extract_fraud_year(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._extract_calendar_year(tracker, "fraud_year")

    def _extract_calendar_year(self, tracker: Tracker, slot: str) -> Dict[Text, Any]:
        """“2024年”, “前年”, “2019” as the answer to “哪一年…？”. The NLU reads a year said
        alone as the grade's year; said in answer to this question it is this one's."""
        text = self._answering(tracker, slot)
        if text is None or tracker.get_slot(slot) is not None and not _year_said_alone(tracker):
            return {}
        year = _answered_year(tracker, text)
        if year is not None:
            return {slot: year}
        return self._maybe_decline(tracker, slot, text)

    def _extract_years(self, tracker: Tracker, slot: str) -> Dict[Text, Any]:
        text = self._answering(tracker, slot)
        if text is None or tracker.get_slot(slot) is not None or tracker.get_slot("skill_grade_year"):
            return {}
        number = bare_number(text)
        if number is not None and 0 <= number <= 60:
            return {slot: number}
        if JUST_GOT.fullmatch(text.strip().rstrip("。！!啊呀哈的")):
            return {slot: 0}  # “刚拿到”: no years yet
        return self._maybe_decline(tracker, slot, text)

    def _maybe_decline(self, tracker: Tracker, slot: str, text: str) -> Dict[Text, Any]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if DONT_KNOW.search(text) or intent == "deny":
            return {"declined_slots": self._decline(tracker, slot)}
        return {}

    @staticmethod
    def _decline(tracker: Tracker, slot: str) -> List[str]:
        return list(dict.fromkeys([*(tracker.get_slot("declined_slots") or []), slot]))

    async def validate_region(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return {"region": value, "region_note": _region_note(tracker)}

    async def validate_awards(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        """Awards accumulate over the conversation: naming a second one keeps the first."""
        previous = [e.get("value") for e in tracker.events if e.get("event") == "slot" and e.get("name") == "awards"]
        earlier = next((v for v in reversed(previous[:-1]) if v), []) if len(previous) > 1 else []
        return {"awards": merge_awards(earlier, value)}

    async def validate_assessment_ok(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        """“去年不合格” then “前年和今年都是合格的”: the other years passed, the failed one
        still falls in the last three (百色 第七条（一）, national 二（二）1). Only a
        correction, or all three years said to have passed, undoes a failure told."""
        before = slots_before_this_message(tracker).get("assessment_ok")
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        text = tracker.latest_message.get("text") or ""
        if before is False and value is True and intent != "correct" and SOME_YEARS_ONLY.search(text):
            return {"assessment_ok": False}
        return {"assessment_ok": value}

    async def validate_graduation_year(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        """“博士毕业三年了”, told after “引进的海外高层次紧缺人才”: for an overseas hire the
        professional years count from the degree (CONTRACT §3), so they are not asked again."""
        out: Dict[Text, Any] = {"graduation_year": value}
        if tracker.get_slot("overseas_talent") is True and tracker.get_slot("professional_years") is None and value:
            out["professional_years"] = max(0, clock.current_year() - int(value))
        return out

    async def validate_fraud_count(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return findings_added(tracker) or {"fraud_count": value}

    async def validate_fraud_year(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return findings_added(tracker) or {"fraud_year": value}
