"""Which facts to ask for next, from the rules engine's decision (the form's next question,
and the agent-assist console's suggestions)."""

from __future__ import annotations

from typing import Any, Dict, List


def questions_to_ask(decision: Dict[str, Any], declined: List[str]) -> List[str]:
    """The facts worth a question: the engine's `missing` up to the first presumed one.
    Presumed facts are not asked — the answer states them as its premises instead."""
    presumed = {a["fact"] for o in decision["options"] for a in o["assumptions"]}
    out: List[str] = []
    for fact in decision["missing"]:
        if fact in presumed:
            break
        if fact in declined:
            continue
        if fact == "title_level" and "skill_grade" in out:
            continue  # one opening question: "技能等级或职称"
        out.append(fact)
    return out
