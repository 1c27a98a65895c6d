"""The frozen blind set (tests/nlu/blind/): facts, intents' cost, dialogues, general answers.

    .venv/bin/python -m scripts.eval_blind [--set DIR] [--model PATH] [--no-dialogues]

The set was written by someone who never saw data/nlu/ (issue 13) and is never trained on.
This module only reports aggregated figures and per-key tables: it never prints or writes
a sentence of the set, so nobody tunes on individual failures.

- **Facts**: each utterance is parsed by a trained model; the facts that would reach the
  dialogue's slots (the domain's `from_entity` mappings: entity, role, intent conditions)
  are compared with the annotation `{key: canonical}` — same key and same canonical value.
  A gold fact is *correct*, *wrong* (key set to another value) or *missed*; a key set that
  the annotation does not have is *spurious*.
- **Lost through intent errors**: gold facts the NLU extracted with the right value whose
  slot mapping refused them only because of the message's intent (goal 0).
- **Dialogues**: each conversation goes through the real stack (REST webhook, action
  server, free ports, today pinned to the set's date); it reaches the right answer when
  the replies to its last decision name the expected main option's level and cite its
  article (a sub-item such as 第七条（四） counts as citing 第七条).
- **Useful answers**: each general / out-of-scope utterance opens a fresh conversation; the
  reply is useful when it answers (not a form question, not the “没太明白” fallback).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BLIND = ROOT / "tests" / "nlu" / "blind"
# every frozen set: written blind by two writers who never saw data/nlu/, never trained on
FROZEN_SETS = (BLIND, ROOT / "tests" / "nlu" / "blind2")
BLIND_TODAY = "2026-11-30"  # the set's relative dates (去年 …) assume this day
KINDS = ("own_case", "general", "side_question", "out_of_scope")
ICONS = ("✅", "⏳", "❓", "❌")  # actions/replies.py: a decision's first message


# ── the set ──────────────────────────────────────────────────────────────────────


def load_set(directory: Path = BLIND) -> Tuple[List[dict], List[dict]]:
    """Utterances and conversations, in one shape whichever writer made the set: a list or
    a mapping holding it; ids given where missing; a citation as ``{doc, article}``."""

    def items(name: str, prefix: str) -> List[dict]:
        path = directory / name
        if not path.exists():
            return []
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        found = data if isinstance(data, list) else next((v for v in data.values() if isinstance(v, list)), [])
        for i, item in enumerate(found):
            item.setdefault("id", f"{prefix}{i + 1}")
            for option in item.get("expected") or []:
                if isinstance(option.get("article"), str):  # flat: doc: …, article: …
                    option["article"] = {"doc": option.pop("doc", None), "article": option["article"]}
        return found

    return items("utterances.yml", "u"), items("conversations.yml", "c")


# ── which parsed facts reach the slots (the domain's mappings, as Rasa applies them) ──


def slot_mappings(domain_path: Path = ROOT / "domain.yml") -> Dict[str, List[dict]]:
    slots = yaml.safe_load(domain_path.read_text(encoding="utf-8"))["slots"]
    return {
        name: [{**m, "slot_type": spec.get("type")} for m in spec.get("mappings", []) if m.get("type") == "from_entity"]
        for name, spec in slots.items()
    }


def _intent_allows(mapping: dict, intent: Optional[str]) -> bool:
    wanted, unwanted = mapping.get("intent"), mapping.get("not_intent")
    as_list = lambda v: [v] if isinstance(v, str) else list(v or [])  # noqa: E731
    if wanted and intent not in as_list(wanted):
        return False
    return intent not in as_list(unwanted)


def _entity_matches(mapping: dict, entity: dict) -> bool:
    return (
        mapping.get("entity") == entity.get("entity")
        and mapping.get("role") == entity.get("role")
        and mapping.get("group") == entity.get("group")
    )


def filled_facts(parse: dict, mappings: Dict[str, List[dict]], ignore_intent: bool = False) -> Dict[str, Any]:
    """{slot: value} the message would set, as Rasa 3.6 fills from_entity slots: a list slot
    takes every accepted entity's value, any other slot the last one's."""
    intent = (parse.get("intent") or {}).get("name")
    out: Dict[str, Any] = {}
    for entity in parse.get("entities") or []:
        key = entity.get("entity")
        for mapping in mappings.get(key, []):
            if _entity_matches(mapping, entity) and (ignore_intent or _intent_allows(mapping, intent)):
                value = entity.get("value")
                if mapping.get("slot_type") == "list" or isinstance(out.get(key), list) or isinstance(value, list):
                    prev = out.get(key)
                    prev = [] if prev is None else prev if isinstance(prev, list) else [prev]
                    out[key] = [*prev, *(value if isinstance(value, list) else [value])]
                else:
                    out[key] = value
                break
    return out


# ── canonical comparison ─────────────────────────────────────────────────────────


def canonical(key: str, value: Any) -> Any:
    """Values as the profile schema types them: "3"→3.0, "true"→True, "x"→{"x"} for lists."""
    from rules_engine.profile import schema

    kind = schema().get(key, {}).get("type")
    if kind == "list":
        return frozenset(value if isinstance(value, (list, tuple, set, frozenset)) else [value])
    if kind == "bool":
        if isinstance(value, str):
            return {"true": True, "false": False}.get(value.strip().lower(), value)
        return bool(value) if isinstance(value, (int, float)) else value
    if kind in ("int", "number"):
        try:
            return float(value)
        except (TypeError, ValueError):
            return value
    return value


def score_facts(items: Iterable[dict], parses: Dict[str, dict], mappings: Dict[str, List[dict]]) -> dict:
    """Fact-level counts overall, per key, per kind and per tag (no sentences)."""
    per_key: Dict[str, Counter] = defaultdict(Counter)
    per_kind: Dict[str, Counter] = defaultdict(Counter)
    per_tag: Dict[str, Counter] = defaultdict(Counter)
    total = Counter()
    intents_per_kind: Dict[str, Counter] = defaultdict(Counter)
    for item in items:
        parse = parses[item["id"]]
        gold = {k: canonical(k, v) for k, v in (item.get("facts") or {}).items()}
        got = {k: canonical(k, v) for k, v in filled_facts(parse, mappings).items()}
        raw = {k: canonical(k, v) for k, v in filled_facts(parse, mappings, ignore_intent=True).items()}
        intents_per_kind[item.get("kind", "?")][(parse.get("intent") or {}).get("name")] += 1
        counts = Counter()
        for key, value in gold.items():
            if key in got and got[key] == value:
                outcome = "correct"
            elif key in got:
                outcome = "wrong"
            else:
                outcome = "missed"
            counts[outcome] += 1
            per_key[key][outcome] += 1
            if outcome != "correct" and raw.get(key) == value:
                counts["lost_to_intent"] += 1
                per_key[key]["lost_to_intent"] += 1
        for key in got.keys() - gold.keys():
            counts["spurious"] += 1
            per_key[key]["spurious"] += 1
        counts["gold"] = len(gold)
        counts["utterances"] += 1
        counts["all_right"] += int(got == gold)
        total.update(counts)
        per_kind[item.get("kind", "?")].update(counts)
        for tag in item.get("tags") or []:
            per_tag[tag].update(counts)
    return {
        "total": total,
        "per_key": dict(per_key),
        "per_kind": dict(per_kind),
        "per_tag": dict(per_tag),
        "intents_per_kind": dict(intents_per_kind),
    }


def accuracy(c: Counter) -> float:
    return c["correct"] / c["gold"] if c["gold"] else 1.0


# ── parsing ──────────────────────────────────────────────────────────────────────


def parse_all(model: Path, texts: Dict[str, str]) -> Dict[str, dict]:
    """id → Rasa parse result, with a model loaded in this process (today pinned)."""
    import datetime as dt

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    from rules_engine import clock

    # Unconfigured, Rasa's structured log prints every parse, the sentence included, to
    # stdout: warnings and worse only, so that no sentence of the set is ever shown.
    configure_structlog(logging.WARNING)
    agent = Agent.load(str(model))

    async def run() -> Dict[str, dict]:
        return {i: await agent.parse_message(t) for i, t in texts.items()}

    previous = os.environ.get(clock.ENV_VAR)
    os.environ[clock.ENV_VAR] = BLIND_TODAY
    try:
        with clock.pinned(dt.date.fromisoformat(BLIND_TODAY)):
            return asyncio.run(run())
    finally:
        if previous is None:
            os.environ.pop(clock.ENV_VAR, None)
        else:
            os.environ[clock.ENV_VAR] = previous


def fact_report(model: Path, directory: Path = BLIND) -> Optional[dict]:
    items, _ = load_set(directory)
    if not items:
        return None
    parses = parse_all(model, {it["id"]: it["text"] for it in items})
    return score_facts(items, parses, slot_mappings())


# ── dialogues and general answers, through the real stack ────────────────────────


def _cites(text: str, doc: str, article: str) -> bool:
    from rules_engine.explain import cite
    from rules_engine.model import Citation

    return cite(Citation(doc, article)) in text


def _level_named(text: str, kind: str, level: str) -> bool:
    from rules_engine.explain import level_words

    return level_words(kind, level).split("职业技能评价")[0] in text


def _status_said(text: str, option: dict) -> bool:
    status = option["status"]
    if status == "not_yet":
        return f"{option.get('earliest_year', '')}年起" in text or f"预计{option.get('earliest_year', '')}年" in text
    return {"eligible": "可以申报", "ineligible": "不能申报", "undecided": "还需"}[status] in text


def judge_conversation(replies_per_turn: List[List[str]], expected: List[dict]) -> Dict[str, bool]:
    """Right answer = the expected main option's level and article in the last decision."""
    main = next((e for e in expected if e.get("main")), expected[0] if expected else None)
    decided = [i for i, replies in enumerate(replies_per_turn) if any(r.lstrip().startswith(ICONS) for r in replies)]
    if main is None or not decided:
        return {"answered": bool(decided), "right": False, "status": False}
    text = "\n".join(r for replies in replies_per_turn[decided[-1] :] for r in replies)
    article = main["article"]
    right = _level_named(text, main["kind"], main["level"]) and _cites(text, article["doc"], article["article"])
    return {"answered": True, "right": right, "status": right and _status_said(text, main)}


def is_useful(replies: List[str], form_questions: List[str], fallback: List[str]) -> bool:
    """An answer, not a question of the form and not the fallback."""
    text = "\n".join(replies).strip()
    if not text:
        return False
    return not any(q in text for q in form_questions) and not any(f in text for f in fallback)


def _question_names() -> Dict[str, str]:
    """Form question text → the slot it asks for."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return {
        v["text"]: name.replace("utter_ask_", "").replace("utter_need_", "")
        for name, variants in domain["responses"].items()
        if name.startswith(("utter_ask_", "utter_need_grade_or_title"))
        for v in variants
        if v.get("text")
    }


def _responses(prefix: str) -> List[str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return [
        v["text"]
        for name, variants in domain["responses"].items()
        if name.startswith(prefix)
        for v in variants
        if v.get("text")
    ]


def _kind_of_reply(text: str) -> str:
    """What a conversation ended on when it was neither a decision nor a form question."""
    if any(f in text for f in _responses("utter_default")):
        return "no question (the fallback)"
    if "贯通政策里没有更高一级可以申报的" in text:
        return "no question (no route higher)"
    if "算一下能申报什么吗" in text or "想知道您本人能申报什么" in text:
        return "no question (an offer to check)"
    return "no question (another answer)"


def final_profile_counts(slots: Dict[str, Any], profile: Dict[str, Any]) -> Counter:
    """Per key of the stated profile: right / missed / wrong at the end of a conversation,
    and the profile keys set but never stated (spurious). Keys only, never values."""
    from rules_engine.profile import schema

    keys = schema().keys()
    gold = {k: canonical(k, v) for k, v in (profile or {}).items() if k in keys}
    got = {k: canonical(k, v) for k, v in (slots or {}).items() if k in keys and v not in (None, [], "")}
    out = Counter()
    for key, value in gold.items():
        out[(key, "right" if got.get(key) == value else "wrong" if key in got else "missed")] += 1
    for key in got.keys() - gold.keys() - {"application_year"}:
        out[(key, "spurious")] += 1
    return out


def why_not_right(replies_per_turn: List[List[str]], expected: List[dict]) -> str:
    """The kind of miss of a conversation that reached a decision, for an aggregate count."""
    main = next((e for e in expected if e.get("main")), expected[0] if expected else None)
    decided = [i for i, replies in enumerate(replies_per_turn) if any(r.lstrip().startswith(ICONS) for r in replies)]
    if main is None or not decided:
        return "no decision"
    text = "\n".join(r for replies in replies_per_turn[decided[-1] :] for r in replies)
    level = _level_named(text, main["kind"], main["level"])
    cited = _cites(text, main["article"]["doc"], main["article"]["article"])
    kind = f"{main['kind']} {main['status']}"
    what = (
        "level not named, article not cited"
        if not level and not cited
        else "article not cited"
        if level
        else "level not named"
    )
    # where it went: which turn decided last, what our lead line was, and whether the level
    # was named in any reply at all (our replies only — no sentence of the set)
    last = (
        "last turn"
        if decided[-1] == len(replies_per_turn) - 1
        else f"turn {decided[-1] + 1} of {len(replies_per_turn)}"
    )
    lead = next(r for r in replies_per_turn[decided[-1]] if r.lstrip().startswith(ICONS)).lstrip()
    lead_kind = "skill" if "职业技能评价" in lead.split("。")[0] else "title"
    everywhere = "\n".join(r for replies in replies_per_turn for r in replies)
    ever = "named earlier" if _level_named(everywhere, main["kind"], main["level"]) else "never named"
    return f"{kind}: {what} (decided at {last}; our lead {lead[:1]} {lead_kind}; the level {ever})"


def dialogue_report(
    directory: Path = BLIND,
    say: Optional[Callable[[str, str], List[str]]] = None,
    slots_of: Optional[Callable[[str], Dict[str, Any]]] = None,
) -> Optional[dict]:
    """Runs the conversations and the general/out-of-scope utterances. `say(sender, text)`
    sends one message; by default a stack is started on free ports for the run. With
    `slots_of(sender)`, the profile each conversation ends with is scored key by key."""
    items, conversations = load_set(directory)
    if not items and not conversations:
        return None
    if say is None:
        sys.path.insert(0, str(ROOT / "tests"))
        import tempfile

        from servers import running_stack

        with tempfile.TemporaryDirectory() as tmp, running_stack(Path(tmp), {"JINENG_TODAY": BLIND_TODAY}) as stack:
            return dialogue_report(directory, stack.say, lambda sender: stack.tracker(sender).get("slots") or {})
    form_questions = _responses("utter_ask_") + _responses("utter_need_grade_or_title")
    asked_by = _question_names()
    outcome, still_asking, final_profile, misses = Counter(), Counter(), Counter(), Counter()
    for conv in conversations:
        sender = f"blind-{uuid.uuid4().hex[:10]}"
        replies = [say(sender, turn) for turn in conv["turns"]]
        verdict = judge_conversation(replies, conv.get("expected") or [])
        outcome["conversations"] += 1
        outcome.update(k for k, v in verdict.items() if v)
        if slots_of is not None and conv.get("profile"):
            counts = final_profile_counts(slots_of(sender), conv["profile"])
            final_profile.update(counts)
            outcome["profile_all_right"] += int(not any(o != "right" for (_, o) in counts))
        if verdict["answered"] and not verdict["right"]:
            misses[why_not_right(replies, conv.get("expected") or [])] += 1
        if not verdict["answered"]:
            last = "\n".join(replies[-1]) if replies else ""
            still_asking[
                next((name for text, name in asked_by.items() if text in last), None) or _kind_of_reply(last)
            ] += 1
    fallback = _responses("utter_default")
    useful = defaultdict(Counter)
    for item in items:
        if item.get("kind") not in ("general", "out_of_scope", "side_question"):
            continue
        replies = say(f"blind-{uuid.uuid4().hex[:10]}", item["text"])
        useful[item["kind"]]["asked"] += 1
        useful[item["kind"]]["useful"] += int(is_useful(replies, form_questions, fallback))
        text = "\n".join(replies)
        useful[item["kind"]]["form_question"] += int(any(q in text for q in form_questions))
        useful[item["kind"]]["fallback"] += int(any(f in text for f in fallback))
    return {
        "conversations": outcome,
        "useful": dict(useful),
        "still_asking": still_asking,
        "final_profile": final_profile,
        "misses": misses,
    }


# ── report ───────────────────────────────────────────────────────────────────────


def _shown(directory: Path) -> str:
    try:
        return str(directory.resolve().relative_to(ROOT)) + "/"
    except ValueError:
        return str(directory)


def markdown(facts: Dict[str, Optional[dict]], dialogues: Optional[dict], directory: Path = BLIND) -> List[str]:
    """The docs/nlu_eval.md section: figures and per-key tables only."""
    ours = facts.get("ours")
    if ours is None:
        return ["## Blind set", "", f"`{_shown(directory)}` not found: nothing measured.", ""]
    t = ours["total"]
    lines = [
        f"## Blind set (`{_shown(directory)}`, frozen, never trained on)",
        "",
        f"{t['utterances']} utterances, {t['gold']} annotated facts; today pinned to {BLIND_TODAY}. Only aggregated",
        "figures are reported here (`scripts/eval_blind.py`); no sentence of the set is printed or tuned on.",
        "A fact counts when it reaches the dialogue's slot (the domain's mappings applied to the parse) with",
        "the same key and the same canonical value.",
        "",
        "| | " + " | ".join(f"{name}" for name in facts) + " |",
        "|---|" + "---|" * len(facts),
    ]

    def row(label: str, fn) -> str:
        return f"| {label} | " + " | ".join(fn(r["total"]) if r else "—" for r in facts.values()) + " |"

    lines += [
        row(
            "facts right (same key, same canonical value)", lambda c: f"{accuracy(c):.1%} ({c['correct']}/{c['gold']})"
        ),
        row("missed", lambda c: str(c["missed"])),
        row("wrong value", lambda c: str(c["wrong"])),
        row("spurious (set but not stated)", lambda c: str(c["spurious"])),
        row("facts lost through intent errors (goal 0)", lambda c: str(c["lost_to_intent"])),
        row("utterances with every fact right and nothing spurious", lambda c: f"{c['all_right']}/{c['utterances']}"),
        "",
        "By kind of utterance (ours): "
        + "; ".join(
            (f"{kind} {accuracy(c):.1%} of {c['gold']} facts" if c["gold"] else f"{kind} (no facts stated)")
            + f", {c['spurious']} spurious in {c['utterances']} utterances"
            for kind, c in sorted(ours["per_kind"].items())
        )
        + ".",
        "",
        "By tag (ours): "
        + "; ".join(f"{tag} {accuracy(c):.1%} of {c['gold']} facts" for tag, c in sorted(ours["per_tag"].items()))
        + ".",
        "",
        "### Per-fact errors (ours)",
        "",
        "| key | stated | right | missed | wrong | spurious | lost to intent |",
        "|---|---|---|---|---|---|---|",
    ]
    stated_count = lambda c: c["correct"] + c["missed"] + c["wrong"]  # noqa: E731
    for key, c in sorted(ours["per_key"].items(), key=lambda kv: (-stated_count(kv[1]), kv[0])):
        stated = stated_count(c)
        lines.append(
            f"| {key} | {stated} | {c['correct']} | {c['missed']} | {c['wrong']} | {c['spurious']} | {c['lost_to_intent']} |"
        )
    lines += ["", "Intents given per kind of utterance (ours):", ""]
    for kind, counter in sorted(ours["intents_per_kind"].items()):
        lines.append(f"- {kind}: " + ", ".join(f"`{i}` {n}" for i, n in counter.most_common()))
    lines.append("")
    if dialogues:
        c = dialogues["conversations"]
        lines += [
            "### Dialogues and answers (ours, through the REST webhook and the action server)",
            "",
            f"- conversations reaching the right answer (main option's level and article cited): "
            f"**{c['right']}/{c['conversations']}**; with the expected status or year also said: {c['status']}; "
            f"reaching any decision: {c['answered']}"
            + (
                "; the others end on a question about: "
                + ", ".join(f"`{k}` {n}" for k, n in dialogues.get("still_asking", Counter()).most_common())
                if dialogues.get("still_asking")
                else ""
            ),
        ]
        if dialogues.get("misses"):
            lines.append(
                "- decisions that miss the expected answer, by kind of miss: "
                + ", ".join(f"{k} {n}" for k, n in dialogues["misses"].most_common())
            )
        if dialogues.get("final_profile"):
            lines += _final_profile_lines(dialogues["final_profile"], c)
        for kind, u in sorted(dialogues["useful"].items()):
            lines.append(
                f"- {kind} questions answered (not a form question, not the fallback): "
                f"**{u['useful']}/{u['asked']}** (replies with a form question {u['form_question']}, "
                f"with the fallback {u['fallback']})"
            )
        lines.append("")
    return lines


def _final_profile_lines(final_profile: Counter, c: Counter) -> List[str]:
    """Per key: the profile the conversations end with against the one they state."""
    keys = sorted(
        {k for k, _ in final_profile}, key=lambda k: -sum(n for (kk, _), n in final_profile.items() if kk == k)
    )
    lines = [
        f"- conversations ending with every stated fact in its slot and none spurious: "
        f"{c['profile_all_right']}/{c['conversations']}; per key at the end of the conversations:",
        "",
        "  | key | stated | right | missed | wrong | spurious |",
        "  |---|---|---|---|---|---|",
    ]
    for key in keys:
        n = {o: final_profile[(key, o)] for o in ("right", "missed", "wrong", "spurious")}
        stated = n["right"] + n["missed"] + n["wrong"]
        lines.append(f"  | {key} | {stated} | {n['right']} | {n['missed']} | {n['wrong']} | {n['spurious']} |")
    return lines + [""]


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--set", type=Path, default=BLIND)
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "current.tar.gz")
    ap.add_argument("--no-dialogues", action="store_true")
    args = ap.parse_args(argv)
    facts = {"ours": fact_report(args.model, args.set)}
    dialogues = None if args.no_dialogues else dialogue_report(args.set)
    print("\n".join(markdown(facts, dialogues, args.set)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
