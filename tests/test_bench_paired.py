"""The paired bench's arithmetic and report (scripts/bench_paired.py), without servers: the
ratio is ours / baseline per pair, then the median; both orders count; a missing CPU figure
leaves that ratio out instead of inventing one. (A short real run: `scripts/bench_load.py
--paired 2 --paired-only --duration 3 --out /tmp/x.md`.)"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import bench_paired  # noqa: E402


def row(tps, p95, cpu, errors=0):
    return {"tps": tps, "p95": p95, "cpu_ms": cpu, "errors": errors, "turns": 100}


ROUNDS = [
    {"off": row(40, 400, 25), "on": row(200, 50, 5)},
    {"on": row(240, 60, 4), "off": row(30, 600, 30)},
    {"off": row(50, 500, None), "on": row(250, 100, 5)},
]


def test_ratios_are_medians_of_each_pairs_ratio():
    r = bench_paired.ratios(ROUNDS)
    assert r["tps"] == pytest.approx(5.0)  # 5, 8, 5
    assert r["p95"] == pytest.approx(0.125)  # 0.125, 0.1, 0.2
    assert r["cpu_ms"] == pytest.approx((0.2 + 4 / 30) / 2)  # the pair without a figure is left out


def test_the_baseline_is_plain_rasa_or_ours_without_named_patches():
    assert bench_paired.baseline_env() == {
        "off": {"RASA_PATCHES": "off"},
        "on": {"RASA_PATCHES": "on", "RASA_PATCHES_SKIP": ""},
    }
    assert bench_paired.baseline_env(["rule_lookup_shortcut"])["off"] == {
        "RASA_PATCHES": "on",
        "RASA_PATCHES_SKIP": "rule_lookup_shortcut",
    }


def test_the_section_lists_every_pair_and_who_went_first():
    result = {"concurrency": 10, "pairs": ROUNDS, "ratios": bench_paired.ratios(ROUNDS), "when": "2026-11-30 10:00"}
    text = bench_paired.section(result, 10, 30)
    assert "turns/s ×5.00, p95 ×0.12, CPU per turn ×0.17" in text and "`RASA_PATCHES=off`" in text
    lines = [line for line in text.splitlines() if line.startswith("| ") and line[2].isdigit()]
    assert lines[0].startswith("| 1 | baseline | 40.0 | 200.0 | 400 | 50 | 25.0 | 5.0 | 0/0 |")
    assert lines[1].startswith("| 2 | ours |") and lines[2].endswith("| – | 5.0 | 0/0 |")
    skipped = bench_paired.section(dict(result, skip=["rule_lookup_shortcut"]), 10, 30)
    assert skipped.startswith("## Without rule_lookup_shortcut and ours") and "RASA_PATCHES_SKIP" in skipped
