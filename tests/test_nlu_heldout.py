"""`rasa test nlu` on the held-out split (tests/nlu/test_data.yml, never used in
training), with the issue's thresholds asserted on the model `make test` trained."""

import json
import os
import subprocess

from servers import RASA, ROOT, model_path

# The hand-annotated values of relative dates (去年, 前年 …) assume this day.
HELD_OUT_TODAY = "2025-06-01"
EXTRACTOR = "ProfileFactExtractor"


def test_held_out_intent_and_entity_f1(tmp_path):
    env = dict(os.environ, JINENG_TODAY=HELD_OUT_TODAY)
    r = subprocess.run(
        [RASA, "test", "nlu", "--nlu", "tests/nlu/test_data.yml", "-m", str(model_path()), "--out", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    intents = json.loads((tmp_path / "intent_report.json").read_text(encoding="utf-8"))
    entities = json.loads((tmp_path / f"{EXTRACTOR}_report.json").read_text(encoding="utf-8"))
    intent_f1 = intents["macro avg"]["f1-score"]
    entity_f1 = entities["micro avg"]["f1-score"]
    print(f"held-out intent macro-F1 {intent_f1:.3f}, entity F1 {entity_f1:.3f}")
    assert intent_f1 >= 0.95
    assert entity_f1 >= 0.95
