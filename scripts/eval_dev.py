"""The development set (tests/nlu/dev/), failure by failure.

    .venv/bin/python -m scripts.eval_dev [--set DIR] [--no-dialogues] [--all]

The development set was written like the blind ones, by someone who never saw data/nlu/,
but unlike them it may be read: this prints every utterance whose facts differ from the
annotation (gold, got, intent) and every conversation that misses its answer, with the
replies, so general causes can be found and fixed. Its sentences are never added to
training. A frozen set (one with MANIFEST.sha256: tests/nlu/blind*/) is refused — those
are only ever scored in aggregate by scripts/eval_blind.py.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from pathlib import Path
from typing import List, Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.eval_blind import (  # noqa: E402
    BLIND_TODAY,
    accuracy,
    canonical,
    filled_facts,
    _responses,
    is_useful,
    judge_conversation,
    load_set,
    parse_all,
    score_facts,
    slot_mappings,
)

DEV = ROOT / "tests" / "nlu" / "dev"


def refuse_frozen(directory: Path) -> None:
    if (directory / "MANIFEST.sha256").exists():
        raise SystemExit(f"{directory} is a frozen set: score it with scripts/eval_blind.py, never read it")


def show_facts(model: Path, directory: Path, show_all: bool) -> None:
    items, _ = load_set(directory)
    parses = parse_all(model, {it["id"]: it["text"] for it in items})
    mappings = slot_mappings()
    for item in items:
        parse = parses[item["id"]]
        gold = {k: canonical(k, v) for k, v in (item.get("facts") or {}).items()}
        got = {k: canonical(k, v) for k, v in filled_facts(parse, mappings).items()}
        if got == gold and not show_all:
            continue
        intent = (parse.get("intent") or {}).get("name")
        diff = {
            "missed": {k: v for k, v in gold.items() if k not in got},
            "wrong": {k: (v, got[k]) for k, v in gold.items() if k in got and got[k] != v},
            "spurious": {k: v for k, v in got.items() if k not in gold},
        }
        shown = "; ".join(f"{name} {value}" for name, value in diff.items() if value)
        print(f"[{item['id']}] {item.get('kind')} intent={intent} | {item['text']}\n    {shown or 'ok'}")
    total = score_facts(items, parses, mappings)["total"]
    print(
        f"\nfacts right {accuracy(total):.1%} ({total['correct']}/{total['gold']}); missed {total['missed']}, "
        f"wrong {total['wrong']}, spurious {total['spurious']}; all right {total['all_right']}/{total['utterances']}"
    )


def show_dialogues(directory: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from servers import running_stack

    items, conversations = load_set(directory)
    right = 0
    form_questions = _responses("utter_ask_") + _responses("utter_need_grade_or_title")
    fallback = _responses("utter_default")
    with tempfile.TemporaryDirectory() as tmp, running_stack(Path(tmp), {"JINENG_TODAY": BLIND_TODAY}) as stack:
        useful = asked = 0
        for item in items:
            if item.get("kind") not in ("general", "out_of_scope", "side_question"):
                continue
            replies = stack.say(f"dev-{uuid.uuid4().hex[:10]}", item["text"])
            asked += 1
            if is_useful(replies, form_questions, fallback):
                useful += 1
                continue
            print(f"\n--- not useful [{item['id']}] {item['kind']} | {item['text']}")
            for line in replies:
                print("    " + line.replace("\n", "\n    "))
        print(f"\nquestions answered usefully {useful}/{asked}")
        for conv in conversations:
            sender = f"dev-{uuid.uuid4().hex[:10]}"
            replies: List[List[str]] = [stack.say(sender, turn) for turn in conv["turns"]]
            verdict = judge_conversation(replies, conv.get("expected") or [])
            right += verdict["right"]
            if verdict["right"]:
                continue
            main = next((e for e in conv.get("expected") or [] if e.get("main")), None)
            print(f"\n=== {conv.get('id')} expected {main}")
            for turn, answer in zip(conv["turns"], replies):
                print(f"  > {turn}")
                for line in answer:
                    print("    " + line.replace("\n", "\n    "))
    print(f"\nconversations right {right}/{len(conversations)}")


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--set", type=Path, default=DEV)
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "current.tar.gz")
    ap.add_argument("--no-dialogues", action="store_true")
    ap.add_argument("--all", action="store_true", help="show the utterances that are right too")
    args = ap.parse_args(argv)
    refuse_frozen(args.set)
    show_facts(args.model, args.set, args.all)
    if not args.no_dialogues:
        show_dialogues(args.set)
    return 0


if __name__ == "__main__":
    sys.exit(main())
