"""“我在广西” does not tell the region: 百色 has its own 细则, the rest of Guangxi the
national rules (CONTRACT §2). No region is set from it, and the form asks for the city."""

import asyncio
import datetime as dt

from rasa_sdk.executor import CollectingDispatcher
from test_actions import tracker

from actions.eligibility_form import ValidateEligibilityForm
from bot.nlu.normalise import extract_facts
from rules_engine.vocabulary import resolve_place, unsettled_place


def regions(text):
    return [f["value"] for f in extract_facts(text, today=dt.date(2026, 11, 30)) if f["entity"] == "region"]


def test_guangxi_alone_gives_no_region_but_a_city_does():
    assert regions("我在广西 技师三年") == []
    assert regions("我在广西壮族自治区") == []
    assert regions("广西百色的技师") == ["baise"]
    assert regions("我在广西南宁") == ["national"]


def test_the_vocabulary_says_which_names_are_unsettled():
    assert resolve_place("广西").settled is False and resolve_place("南宁").settled is True
    assert unsettled_place("我在广西") == "广西"
    assert unsettled_place("广西柳州") is None and unsettled_place("我在杭州") is None


def test_the_form_asks_for_the_city_instead_of_assuming_the_national_rules():
    t = tracker({"skill_grade": "技师", "skill_years": 3.0, "requested_slot": "region"}, text="广西")
    d = CollectingDispatcher()
    assert asyncio.run(ValidateEligibilityForm().extract_region(d, t, {})) == {"region_note": None}  # no region
    said = d.messages[0]["text"]
    assert "百色市有自己的实施细则" in said and "哪个市" in said


def test_an_award_said_in_guangxi_is_guangxis_even_without_a_city():
    got = extract_facts("我在广西 拿过自治区技术能手", today=dt.date(2026, 11, 30))
    assert [(f["entity"], f["value"]) for f in got] == [("awards", "广西技术能手")]
