"""`rasa data validate` and the test stories of every flow, on the trained model."""

import json
import subprocess

from servers import RASA, ROOT, model_path


def test_training_data_is_valid():
    r = subprocess.run(
        [RASA, "data", "validate", "--config", "config.yml", "--domain", "domain.yml", "--data", "data"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]


def test_every_flow_in_the_test_stories(tmp_path):
    r = subprocess.run(
        [
            RASA,
            "test",
            "core",
            "--stories",
            "tests/test_stories.yml",
            "-m",
            str(model_path()),
            "--out",
            str(tmp_path),
            "--fail-on-prediction-errors",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    failed = tmp_path / "failed_test_stories.yml"
    detail = failed.read_text(encoding="utf-8") if failed.exists() else ""
    assert r.returncode == 0, (r.stdout[-2000:] + r.stderr[-3000:] + detail)[-6000:]
    report = json.loads((tmp_path / "story_report.json").read_text(encoding="utf-8"))
    assert report["conversation_accuracy"]["accuracy"] == 1.0
