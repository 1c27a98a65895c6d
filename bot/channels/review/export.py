"""`make review-export`: the reviewers' annotations as Rasa NLU training data.

    .venv/bin/python -m bot.channels.review.export [--endpoints endpoints.yml] [--out data/nlu/reviewed.yml]

Reads the annotations from the event broker's database named in the endpoints file and
writes one YAML file, examples grouped by intent, facts marked as the project's own NLU
data marks them (``[技师](skill_grade)``, ``[三年]{"entity": "skill_years", "value": 3}``).
Messages marked out of scope become examples of ``out_of_scope``. With no annotation the
file holds no examples (``nlu: []``), which training and ``rasa data validate`` accept.
Read the file, commit it, retrain (`make train`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Dict, List

from bot.channels.review.broker import ROOT, engine_from_endpoints
from bot.channels.review.annotations import AnnotationStore

DEFAULT_OUT = "data/nlu/reviewed.yml"
HEADER = (
    "# Messages reviewed in the review console (bot/channels/review), written by\n"
    "# `make review-export`. Texts were redacted before they were stored. Read before committing.\n"
)
# Brackets in a message (e.g. the redaction mask [手机号已隐藏]) would read as entity markup.
PLAIN = str.maketrans({"[": "【", "]": "】", "\n": " ", "\r": " "})


def _value(value: Any) -> Any:
    """As the project's NLU data writes values: booleans as "true"/"false"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def marked(text: str, entities: List[Dict[str, Any]]) -> str:
    """The text with each fact's words marked; overlapping spans keep the first."""
    out, cursor = [], 0
    for ent in sorted(entities, key=lambda e: (e["start"], e["end"])):
        start, end = ent["start"], ent["end"]
        if start < cursor or end <= start or end > len(text):
            continue
        words = text[start:end].translate(PLAIN)
        value = _value(ent["value"])
        out.append(text[cursor:start].translate(PLAIN))
        if isinstance(value, str) and value == words:
            out.append(f"[{words}]({ent['entity']})")
        else:
            out.append(f"[{words}]" + json.dumps({"entity": ent["entity"], "value": value}, ensure_ascii=False))
        cursor = end
    out.append(text[cursor:].translate(PLAIN))
    return "".join(out).strip()


def render(annotations: List[Dict[str, Any]]) -> str:
    by_intent: Dict[str, List[str]] = {}
    for annotation in annotations:
        example = marked(annotation["text"], annotation["entities"])
        if example:
            examples = by_intent.setdefault(annotation["intent"], [])
            if example not in examples:
                examples.append(example)
    if not by_intent:
        return HEADER + 'version: "3.1"\nnlu: []\n'
    lines = [HEADER + 'version: "3.1"', "nlu:"]
    for intent in sorted(by_intent):
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {example}" for example in by_intent[intent]]
    return "\n".join(lines) + "\n"


def main(argv: List[str] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", default="endpoints.yml")
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    engine = engine_from_endpoints(args.endpoints)
    if engine is None:
        print(f"review-export: {args.endpoints} configures no event_broker", file=sys.stderr)
        return 2
    annotations = AnnotationStore(engine).all()
    out = Path(args.out) if Path(args.out).is_absolute() else ROOT / args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(annotations), encoding="utf-8")
    kept = sum(1 for a in annotations if a["text"].strip())
    print(f"review-export: {kept} annotated messages → {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
