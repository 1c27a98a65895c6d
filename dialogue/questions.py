"""Which facts to ask for next, from the rules engine's decision (the form's next question,
and the agent-assist console's suggestions)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from rules_engine import evaluate, vocabulary

# the opening question ("技能等级或职称"): once one is known, the other is not asked for
OPENING = ("skill_grade", "title_level")


def questions_to_ask(
    decision: Dict[str, Any], declined: List[str], profile: Optional[Dict[str, Any]] = None
) -> List[str]:
    """The facts worth a question: the engine's `missing` up to the first presumed one.
    Presumed facts are not asked — the answer states them as its premises instead. With
    the ``profile``: someone who said a title is not asked for a skill grade (nor the
    other way round) — once a bar has decided their options (a 农艺师 whose 考核 failed),
    the engine's wish to know about a grade they never mentioned is no question to ask."""
    presumed = {a["fact"] for o in decision["options"] for a in o["assumptions"]}
    known_opening = profile is not None and any(profile.get(k) for k in OPENING)
    out: List[str] = []
    for fact in decision["missing"]:
        if fact in presumed:
            break
        if fact in declined or (known_opening and fact in OPENING):
            continue
        if fact == "title_level" and "skill_grade" in out:
            continue  # one opening question: "技能等级或职称"
        out.append(fact)
    if "region" in out and profile is not None and (_closed_everywhere(profile) or _nothing_held(profile, declined)):
        out.remove("region")  # “中级工能不能评职称”: no region changes the answer
    if profile is not None and not known_opening and set(out) & set(OPENING) and _titles_barred_everywhere(profile):
        out = [q for q in out if q not in OPENING]  # “退休了还能评职称吗”: the bar is the answer
    return out


# facts that open a route without a grade or title (awards, a 技工院校 class, 海外人才 …)
_OPENS_WITHOUT_GRADE = ("awards", "skill_school_class", "overseas_talent", "degree", "graduation_year")


def _nothing_held(profile: Dict[str, Any], declined: List[str]) -> bool:
    """“我啥证都没有 在工地干了十几年 能评职称不”: neither grade nor title, and nothing else
    that opens a route — every region says the same (start from 高级工), so it is not asked."""
    return all(k in declined for k in OPENING) and not any(profile.get(k) for k in _OPENS_WITHOUT_GRADE)


def _titles_barred_everywhere(profile: Dict[str, Any]) -> bool:
    """Someone who named neither grade nor title, whose facts bar 职称评审 in every region
    (退休): their grade would open title routes only, all barred — so it is not asked."""
    regions = [profile["region"]] if profile.get("region") else list(vocabulary.REGIONS)
    return all(any("title" in b["applies_to"] for b in evaluate({**profile, "region": r})["blockers"]) for r in regions)


def _closed_everywhere(profile: Dict[str, Any]) -> bool:
    """No region's rules open anything to them, and each says so for the same levels:
    asking where they work would change nothing (the answer says it follows the national
    text and that a region can be told). Where something is open, the region is asked:
    its own articles, windows and fees make the answer."""
    outcomes = set()
    for region in vocabulary.REGIONS:
        decision = evaluate({**profile, "region": region})
        options = frozenset((o["kind"], o["level"], o["status"]) for o in decision["options"])
        if not (options or decision["blockers"]) or any(status != "ineligible" for _, _, status in options):
            return False
        outcomes.add((options, bool(decision["blockers"])))
    return len(outcomes) == 1


# a time the profile may lack, filled with a long one to see what any time would open
_ANY_TIME = {"skill_grade": ("skill_years", 30), "title_level": ("title_years", 30)}


def asked_out_of_reach(profile: Dict[str, Any], asked: List[Tuple[str, str]]) -> bool:
    """“高级工能直接评中级职称吗”: no number of years (and no region, if none is known) opens
    the level asked to what they hold — asking how long they have held it would be beside
    the point; the answer (“您问的中级职称：…”) can be given now."""
    held = {"title": profile.get("title_level"), "skill": profile.get("skill_grade")}
    asked = [(kind, level) for kind, level in asked if level != held[kind]]
    if not asked or not any(held.values()):
        return False
    filled = dict(profile)
    for level_key, (years_key, years) in _ANY_TIME.items():
        if filled.get(level_key) and years_key not in filled and "skill_grade_year" not in filled:
            filled[years_key] = years
    filled.setdefault("professional_years", 30)
    regions = [profile["region"]] if profile.get("region") else list(vocabulary.REGIONS)
    for region in regions:
        for option in evaluate({**filled, "region": region})["options"]:
            if (option["kind"], option["level"]) in asked and option["status"] != "ineligible":
                return False
    return True
