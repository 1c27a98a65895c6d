"""The knowledge base as answers: FAQ topics (fee, window, materials …) per region,
and the documents article by article for `python -m rules_engine articles`."""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional

from . import articles, clock
from .explain import cite, window_note
from .conditions import check
from .loader import all_layers, rules_for
from .model import Knowledge


def topics() -> List[str]:
    seen: Dict[str, None] = {}
    for layer in all_layers():
        for entry in layer.knowledge:
            seen.update(dict.fromkeys(entry.topics))
    return list(seen)


def answer_topic(
    topic: str, region: str = "national", kind: Optional[str] = None, facts: Optional[Dict[str, Any]] = None
) -> List[Dict[str, Any]]:
    """What the documents in force in `region` say on `topic`, local entries first.

    `kind` ("title"/"skill") narrows to the entries that are next steps of that direction
    when there are any; entries that are not steps of either direction always stay.
    `facts` told by the asker leave out the entries they rule out, as in their next steps
    (a 主治医师 asking for materials does not get the list for 海外人才 without a title).
    """
    if topic not in topics():
        raise KeyError(f"未知的问题类别 {topic!r}；可选：{'、'.join(topics())}")
    # an entry said only to those who told a fact (“您提到受过处分…”) is a next step of their
    # answer, not an answer to a question on the topic
    entries = [
        e for e in rules_for(region).knowledge if topic in e.topics and not e.only_if_any and _in_force_this_year(e)
    ]
    if kind:
        # (none for that direction: nothing rather than the other direction's — a 内蒙古 工程师
        # asking the materials of a skill evaluation is not given the title review's: explore14 M5)
        entries = [e for e in entries if not e.step_for or kind in e.step_for]
    if facts:
        entries = [e for e in entries if _fits(e, facts)] or entries
    # entries about the topic first, those that also touch it after (“申请要准备啥材料”: the
    # list of materials before what the 评审 weighs)
    entries.sort(key=lambda e: e.topics[0] != topic)
    local = [e for e in entries if e.doc == region]
    ordered = local + [e for e in entries if e.doc != region]
    return [_answer(e) for e in ordered]


def _fits(entry: Knowledge, facts: Dict[str, Any]) -> bool:
    """Not ruled out by what the asker told (unknown facts rule nothing out)."""
    if any(check(c, facts).value is False for c in entry.when if c.fact != "application_year"):
        return False
    return not (entry.skip_when and all(check(c, facts).value is True for c in entry.skip_when))


def _in_force_this_year(entry: Knowledge) -> bool:
    """An entry bound to application years (“对2021年参评的…”) is said only in those years:
    asked in 2026, the rule from 2022 on answers, not the 2021 exemption."""
    year = {"application_year": clock.current_year()}
    return all(check(c, year).value is not False for c in entry.when if c.fact == "application_year")


def answer_education_equivalent(region: str, school_class: Optional[str] = None) -> List[Dict[str, Any]]:
    """技工院校 班型 → 学历, as the documents in force in `region` say (only 内蒙古 and 百色 do)."""
    out = []
    for eq in rules_for(region).equivalents:
        pairs = [(c, d) for c, d in eq.classes.items() if school_class in (None, c)]
        text = "；".join(f"{c}毕业按{d}学历对待" for c, d in pairs)
        out.append(
            {
                "topic_entry": eq.id,
                "text": f"技工院校{text}（申报职称时）。",
                "quote": eq.quote,
                "source": "、".join(cite(c) for c in eq.citations),
                "citations": [c.to_json() for c in eq.citations],
            }
        )
    return out


def _answer(entry: Knowledge) -> Dict[str, Any]:
    text = entry.answer
    if entry.window_months:
        today = clock.today()
        text += window_note(entry.window_months, today.year, today)
    return {
        "topic_entry": entry.id,
        "text": text,
        "quote": entry.quote,
        "source": "、".join(cite(c) for c in entry.citations),
        "citations": [c.to_json() for c in entry.citations],
    }


def iter_articles() -> Iterator[Dict[str, str]]:
    for doc_id, doc in articles.load_documents().items():
        for art in doc.articles.values():
            yield {"doc": doc_id, "article": art.id, "text": art.own_text}
