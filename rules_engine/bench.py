"""In-process evaluation time per profile (`make bench`). Figures go to a report, never
into timed test assertions: `python -m rules_engine.bench --out docs/benchmarks.md`."""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import time
from pathlib import Path

from . import evaluate, vocabulary

MARK_BEGIN, MARK_END = "<!-- rules-engine:begin -->", "<!-- rules-engine:end -->"


def sample_profiles(n: int, seed: int = 0) -> list:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        p = {"region": rng.choice(vocabulary.REGIONS)}
        if rng.random() < 0.7:
            p["skill_grade"] = rng.choice(vocabulary.skill_grades())
            if rng.random() < 0.8:
                p["skill_years"] = rng.randint(0, 12)
        if rng.random() < 0.3:
            p["title_level"] = rng.choice(vocabulary.title_levels())
        if rng.random() < 0.3:
            p["awards"] = rng.sample(vocabulary.awards(), rng.randint(1, 2))
        for key in ("assessment_ok", "retired", "under_investigation"):
            if rng.random() < 0.3:
                p[key] = rng.random() < 0.8
        out.append(p)
    return out


def measure(n_profiles: int = 2000, rounds: int = 5) -> dict:
    profiles = sample_profiles(n_profiles)
    for p in profiles[:200]:
        evaluate(p)  # warm caches (rule loading, parsing)
    samples = []
    for _ in range(rounds):
        for p in profiles:
            t0 = time.perf_counter_ns()
            evaluate(p)
            samples.append(time.perf_counter_ns() - t0)
    samples.sort()
    q = lambda f: samples[min(len(samples) - 1, int(f * len(samples)))] / 1e6
    return {
        "evaluations": len(samples),
        "mean_ms": statistics.fmean(samples) / 1e6,
        "p50_ms": q(0.50),
        "p95_ms": q(0.95),
        "p99_ms": q(0.99),
        "max_ms": samples[-1] / 1e6,
    }


def report(r: dict) -> str:
    return "\n".join(
        [
            MARK_BEGIN,
            "## Rules engine: in-process evaluation time per profile",
            "",
            f"Measured by `make bench` (`python -m rules_engine.bench`) on {platform.processor() or platform.machine()}, "
            f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}: {r['evaluations']} evaluations of "
            "random valid profiles over the three regions (validation + interpretation + explanations + next steps).",
            "",
            "| mean | p50 | p95 | p99 | max | target |",
            "|---|---|---|---|---|---|",
            f"| {r['mean_ms']:.3f} ms | {r['p50_ms']:.3f} ms | {r['p95_ms']:.3f} ms | {r['p99_ms']:.3f} ms "
            f"| {r['max_ms']:.3f} ms | < 1 ms |",
            MARK_END,
        ]
    )


def write(out: Path, section: str) -> None:
    text = (
        out.read_text(encoding="utf-8")
        if out.exists()
        else "# Benchmarks\n\nFigures from one run of `make bench` on this project's 2-core machine.\n"
    )
    if MARK_BEGIN in text:
        head, rest = text.split(MARK_BEGIN, 1)
        text = head + section + rest.split(MARK_END, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path("docs/benchmarks.md"))
    parser.add_argument("--profiles", type=int, default=2000)
    args = parser.parse_args()
    r = measure(args.profiles)
    section = report(r)
    write(args.out, section)
    print(section)


if __name__ == "__main__":
    main()
