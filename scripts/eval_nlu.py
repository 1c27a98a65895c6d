#!/usr/bin/env python
"""`make eval`: our NLU pipeline vs. the plain Rasa Chinese pipeline on the held-out split.

    .venv/bin/python scripts/eval_nlu.py [--skip-baseline] [--skip-train]

1. builds build/spacy_zh + build/jieba (bot.nlu.build_spacy) and checks data/nlu/lookups.yml;
2. trains (a) config.yml  and (b) JiebaTokenizer + CountVectorsFeaturizer + DIETClassifier
   (entities on, same epochs/size) on data/nlu/ into build/eval/;
3. runs `rasa test nlu` on tests/nlu/test_data.yml for both;
4. writes docs/nlu_eval.md (intent macro-F1, entity F1 side by side, plus a stricter
   fact-level score of our normaliser: entity + canonical value + span must all match)
   and copies the intent confusion matrices to docs/;
5. on the frozen blind set (tests/nlu/blind/, scripts/eval_blind.py): fact-level accuracy
   of both models, facts lost through intent errors, and — with the dialogue model
   (`make train`) on the real stack — conversations reaching the right answer and
   general / out-of-scope questions answered. Aggregated figures and per-key tables only.

The clock is pinned (JINENG_TODAY=2025-06-01) because the hand-annotated test values of
relative dates ("去年") assume that day.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BUILD = ROOT / "build" / "eval"
DOCS = ROOT / "docs"
TEST = ROOT / "tests" / "nlu" / "test_data.yml"
PINNED_TODAY = "2025-06-01"
RASA = str(ROOT / ".venv" / "bin" / "rasa")

BASELINE_CONFIG = """\
recipe: default.v1
assistant_id: baseline_zh
language: zh
pipeline:
  - name: JiebaTokenizer
  - name: CountVectorsFeaturizer
  - name: DIETClassifier
    epochs: 80
    number_of_transformer_layers: 1
    transformer_size: 128
    batch_size: [64, 256]
    random_seed: 42
  - name: EntitySynonymMapper
policies: []
"""


def run(cmd, log: Path, env) -> float:
    t0 = time.time()
    with log.open("w", encoding="utf-8") as fh:
        proc = subprocess.run(cmd, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)} — see {log}")
    return time.time() - t0


def report(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def fact_level_score() -> dict:
    """Our normaliser vs. the hand annotations: (entity, value, start, end, role) must match
    (a condition, role 'hypothetical', is not a stated fact)."""
    import datetime as dt

    from rasa.shared.nlu.training_data.loading import load_data

    from bot.nlu.normalise import extract_facts

    today = dt.date.fromisoformat(PINNED_TODAY)

    def norm(v):
        if isinstance(v, str) and v in ("true", "false"):
            return v == "true"
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return float(v)
        return v

    tp = fp = fn = 0
    misses = []
    for ex in load_data(str(TEST)).training_examples:
        text = ex.get("text")
        gold = {
            (e["entity"], norm(e.get("value", text[e["start"] : e["end"]])), e["start"], e["end"], e.get("role"))
            for e in ex.get("entities") or []
        }
        pred = {
            (f["entity"], norm(f["value"]), f["start"], f["end"], f.get("role"))
            for f in extract_facts(text, today=today, with_implied=False)
        }
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
        if gold != pred:
            misses.append((text, sorted(gold - pred, key=str), sorted(pred - gold, key=str)))
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn, "misses": misses}


GENERAL_TEST = ROOT / "tests" / "nlu" / "test_data_general.yml"


def general_heldout_section(env) -> list:
    """Held-out questions for the general intents (kept apart from the asserted split)."""
    if not GENERAL_TEST.exists():
        return []
    out = BUILD / "results_general"
    if out.exists():
        shutil.rmtree(out)
    run(
        [RASA, "test", "nlu", "--nlu", str(GENERAL_TEST), "--model", str(BUILD / "ours.tar.gz"), "--out", str(out)],
        BUILD / "test_general.log",
        env,
    )
    rep = report(out / "intent_report.json")
    rows = [(k, v) for k, v in sorted(rep.items()) if isinstance(v, dict) and k.startswith("faq_") and v.get("support")]
    return (
        [
            "## General questions (held out, `tests/nlu/test_data_general.yml`, ours)",
            "",
            f"{sum(int(v['support']) for _, v in rows)} questions written apart from the training data for the general",
            "intents; any confusion among them still gets a general answer from the documents.",
            "",
            "| intent | precision | recall | F1 | support |",
            "|---|---|---|---|---|",
        ]
        + [
            f"| {k} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1-score']:.3f} | {v['support']} |"
            for k, v in rows
        ]
        + [""]
    )


def blind_section(systems: dict, skip_dialogues: bool) -> list:
    """Each frozen blind set's figures (tests/nlu/blind*/, two writers who never saw
    data/nlu/): facts for each trained NLU model, dialogues with the full model."""
    from scripts import eval_blind

    lines: list = []
    if not skip_dialogues:
        subprocess.run(["make", "-s", "train"], cwd=ROOT, check=True)
    for directory in eval_blind.FROZEN_SETS:
        if not eval_blind.load_set(directory)[0]:
            lines += eval_blind.markdown({"ours": None}, None, directory)
            continue
        facts = {name: eval_blind.fact_report(BUILD / f"{name}.tar.gz", directory) for name in systems}
        dialogues = None
        if not skip_dialogues:
            print(f"{directory.name}: dialogues through the real stack …", flush=True)
            dialogues = eval_blind.dialogue_report(directory)
        lines += eval_blind.markdown(facts, dialogues, directory)
    return lines


def fmt(x) -> str:
    return "—" if x is None else f"{x:.3f}"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--skip-train", action="store_true", help="reuse build/eval/*.tar.gz")
    ap.add_argument("--skip-dialogues", action="store_true", help="blind set: facts only, no stack")
    args = ap.parse_args()

    env = {**os.environ, "JINENG_TODAY": PINNED_TODAY, "PYTHONPATH": str(ROOT)}
    os.environ["JINENG_TODAY"] = PINNED_TODAY
    BUILD.mkdir(parents=True, exist_ok=True)
    DOCS.mkdir(parents=True, exist_ok=True)

    from bot.nlu import build_spacy, generate_lookups

    build_spacy.build(ROOT / "build" / "spacy_zh", ROOT / "build" / "jieba")
    if generate_lookups.main(["--check", "--out", str(ROOT / "data/nlu/lookups.yml")]) != 0:
        generate_lookups.main(["--out", str(ROOT / "data/nlu/lookups.yml")])

    (BUILD / "baseline_config.yml").write_text(BASELINE_CONFIG, encoding="utf-8")
    systems = {"ours": ROOT / "config.yml"}
    if not args.skip_baseline:
        systems["baseline"] = BUILD / "baseline_config.yml"

    results = {}
    for name, cfg in systems.items():
        model = BUILD / f"{name}.tar.gz"
        train_s = None
        if not args.skip_train or not model.exists():
            print(f"training {name} …", flush=True)
            train_s = run(
                [
                    RASA,
                    "train",
                    "nlu",
                    "--config",
                    str(cfg),
                    "--nlu",
                    "data/nlu",
                    "--out",
                    str(BUILD),
                    "--fixed-model-name",
                    name,
                ],
                BUILD / f"train_{name}.log",
                env,
            )
        times_file = BUILD / f"train_seconds_{name}.txt"
        if train_s is not None:
            times_file.write_text(f"{train_s:.1f}\n", encoding="utf-8")
        elif times_file.exists():
            train_s = float(times_file.read_text().strip())
        out = BUILD / f"results_{name}"
        if out.exists():
            shutil.rmtree(out)
        print(f"testing {name} …", flush=True)
        run(
            [RASA, "test", "nlu", "--nlu", str(TEST), "--model", str(model), "--out", str(out)],
            BUILD / f"test_{name}.log",
            env,
        )
        intent = report(out / "intent_report.json")
        ext = "ProfileFactExtractor" if name == "ours" else "DIETClassifier"
        ent = report(out / f"{ext}_report.json")
        png = out / "intent_confusion_matrix.png"
        if png.exists():
            shutil.copy(png, DOCS / f"nlu_intent_confusion_{name}.png")
        results[name] = {
            "train_s": train_s,
            "intent_macro_f1": intent.get("macro avg", {}).get("f1-score"),
            "intent_accuracy": intent.get("accuracy"),
            "entity_micro_f1": ent.get("micro avg", {}).get("f1-score"),
            "entity_macro_f1": ent.get("macro avg", {}).get("f1-score"),
            "entity_report": ent,
            "intent_report": intent,
        }

    facts = fact_level_score()
    n_test = sum(
        1
        for line in TEST.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("- ") and "intent:" not in line
    )

    lines = [
        "# NLU evaluation",
        "",
        f"Generated by `scripts/eval_nlu.py` (`make eval`) with the clock pinned to {PINNED_TODAY}.",
        f"Held-out split: `tests/nlu/test_data.yml` ({n_test} examples, about 10 per intent, written",
        "separately from the training data and annotated by hand). Training: `data/nlu/*.yml`.",
        "",
        "| | ours (`config.yml`) | baseline (Jieba + CountVectors + DIET) |",
        "|---|---|---|",
    ]
    b = results.get("baseline", {})
    o = results["ours"]
    lines += [
        f"| intent macro-F1 | {fmt(o['intent_macro_f1'])} | {fmt(b.get('intent_macro_f1'))} |",
        f"| intent accuracy | {fmt(o['intent_accuracy'])} | {fmt(b.get('intent_accuracy'))} |",
        f"| entity F1 (micro, token-level, `rasa test nlu`) | {fmt(o['entity_micro_f1'])} | {fmt(b.get('entity_micro_f1'))} |",
        f"| entity F1 (macro over entity types) | {fmt(o['entity_macro_f1'])} | {fmt(b.get('entity_macro_f1'))} |",
        f"| training time (s) | {fmt(o['train_s']) if o['train_s'] else '(reused)'} | {fmt(b.get('train_s')) if b.get('train_s') else '—'} |",
        "",
        "Training time is the wall clock of `rasa train nlu` in the run that trained the model; Rasa's",
        "training cache (`.rasa/`) makes retraining after small changes much faster than a cold run.",
        "",
        "Entity extractor evaluated: ours = `ProfileFactExtractor` (the normaliser; the classifier does intents",
        "only), baseline = `DIETClassifier` entities. `rasa test nlu` scores entity *types* per token.",
        "",
        "## Stricter: canonical facts (ours)",
        "",
        "Each hand-annotated fact must come out with the same profile key, the same canonical value",
        "(e.g. `skill_years` 2.5, `region` nei_mongol, `assessment_ok` false), the same span and the same",
        "role (a condition such as “要是拿到技师呢” carries `hypothetical`):",
        "",
        f"precision {facts['precision']:.3f}, recall {facts['recall']:.3f}, **F1 {facts['f1']:.3f}** "
        f"(tp {facts['tp']}, fp {facts['fp']}, fn {facts['fn']}).",
        "",
    ]
    if facts["misses"]:
        lines += ["Disagreements (missed / extra):", ""]
        for text, missed, extra in facts["misses"]:
            lines.append(f"- `{text}` — missed {missed or '[]'}; extra {extra or '[]'}")
        lines.append("")
    lines += general_heldout_section(env)
    lines += blind_section(systems, skip_dialogues=args.skip_dialogues)
    for name, r in results.items():
        lines += [
            f"## Per-entity report ({name})",
            "",
            "| entity | precision | recall | F1 | support |",
            "|---|---|---|---|---|",
        ]
        for label, row in sorted(r["entity_report"].items()):
            if isinstance(row, dict) and "f1-score" in row:
                lines.append(
                    f"| {label} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1-score']:.3f} | {row['support']} |"
                )
        lines.append("")
        weak = [
            (k, v)
            for k, v in r["intent_report"].items()
            if isinstance(v, dict)
            and "f1-score" in v
            and k not in ("macro avg", "weighted avg", "micro avg")
            and v["f1-score"] < 0.95
        ]
        if weak:
            lines += [
                f"Intents below 0.95 F1 ({name}): " + ", ".join(f"`{k}` {v['f1-score']:.2f}" for k, v in sorted(weak)),
                "",
            ]
        lines += [f"![intent confusion matrix ({name})](nlu_intent_confusion_{name}.png)", ""]
    (DOCS / "nlu_eval.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines[:16]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
