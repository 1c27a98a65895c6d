"""Plain Rasa against ours in one run (issue 16 item 3): does each speed patch earn its place?

Two stacks are started side by side from the same model, config and endpoints: one with
``RASA_PATCHES=off`` (bot/runtime.py then installs no speed patch, no turn gate, no GC
freeze, no NLU helper, and the tracker store runs without its speed paths: Rasa's own code
paths) and one as ``make run`` starts it. Then
``pairs`` rounds, each loading one stack and then the other with the same conversations at
the same concurrency, the order alternating from round to round (so a machine that slows
down or speeds up during the run does not favour either side). Per run: turns/s, p95 and the
server's CPU per turn (its process and its NLU helper, from /proc). Reported: each pair and
the median of the per-pair ratios ours / plain (turns/s: higher is better; p95 and CPU per
turn: lower is better). Only one stack is under load at a time.

Both stacks use this project's tracker store (bot/tracker_store.py) for its redaction; its
speed paths (orjson, the kept tracker, the remembered event count, WAL) are speed work and
are off in the plain stack, so the ratio counts them. With a list of patch names (``--paired-skip``, RASA_PATCHES_SKIP) the baseline is ours without those patches
instead of plain Rasa: what one patch earns, measured the same way.

Used by ``scripts/bench_load.py --paired N`` (``--paired-only`` runs just this).
"""

from __future__ import annotations

import contextlib
import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional

MODES = ("off", "on")
NAMES = {"off": "plain Rasa (RASA_PATCHES=off)", "on": "ours"}
BEGIN, END = "<!-- paired:begin -->", "<!-- paired:end -->"
Level = Callable[[str, int], Dict]


def cpu_ms_per_turn(before: List[Optional[float]], after: List[Optional[float]], turns: int) -> Optional[float]:
    spent = [b - a for a, b in zip(before, after) if a is not None and b is not None]
    return 1000 * sum(spent) / turns if spent and turns else None


def baseline_env(skip: Optional[List[str]] = None) -> Dict[str, Dict[str, str]]:
    """The environment of each side: plain Rasa, or ours without the ``skip`` patches."""
    off = {"RASA_PATCHES": "on", "RASA_PATCHES_SKIP": ",".join(skip)} if skip else {"RASA_PATCHES": "off"}
    return {"off": off, "on": {"RASA_PATCHES": "on", "RASA_PATCHES_SKIP": ""}}


def run_pairs(
    pairs: int,
    concurrency: int,
    level: Level,
    warm_up: Callable[[str], None],
    directory: Path,
    cpu_seconds: Callable[[int], Optional[float]],
    children: Callable[[int], List[int]],
    skip: Optional[List[str]] = None,
) -> Dict:
    """``pairs`` rounds of (baseline, ours) or (ours, baseline) at ``concurrency``;
    ``level(url, c)`` runs one load and returns its row (turns, errors, tps, p95, …)."""
    from servers import running_stack

    rounds: List[Dict[str, Dict]] = []
    envs = baseline_env(skip)
    with contextlib.ExitStack() as stacks:
        data = stacks.enter_context(tempfile.TemporaryDirectory(prefix="paired-", dir=directory))  # removed last
        stack = {
            mode: stacks.enter_context(
                running_stack(
                    Path(tempfile.mkdtemp(prefix=f"{mode}-", dir=data)), {"RATE_LIMIT_BURST": "0", **envs[mode]}
                )
            )
            for mode in MODES
        }
        for mode in MODES:
            warm_up(stack[mode].url)
        for i in range(pairs):
            pair: Dict[str, Dict] = {}
            for mode in MODES if i % 2 == 0 else MODES[::-1]:
                server = stack[mode].procs["rasa"].pid
                pids = [server, *children(server)]
                before = [cpu_seconds(pid) for pid in pids]
                row = level(stack[mode].url, concurrency)
                row["cpu_ms"] = cpu_ms_per_turn(before, [cpu_seconds(pid) for pid in pids], row["turns"])
                row["helpers"] = len(pids) - 1
                pair[mode] = row
                name = NAMES[mode] if mode == "on" or not skip else f"ours without {','.join(skip)}"
                print(
                    f"pair {i + 1} {name:30} turns={row['turns']:<5} err={row['errors']:<3} "
                    f"{row['tps']:6.1f} turns/s  p95 {row['p95']:6.0f} ms  CPU/turn "
                    f"{row['cpu_ms'] if row['cpu_ms'] is not None else float('nan'):5.1f} ms",
                    flush=True,
                )
            rounds.append(pair)
    return {
        "concurrency": concurrency,
        "pairs": rounds,
        "ratios": ratios(rounds),
        "skip": list(skip or []),
        "when": time.strftime("%Y-%m-%d %H:%M"),
    }


def ratios(rounds: List[Dict[str, Dict]]) -> Dict[str, Optional[float]]:
    """Median over the pairs of ours / plain, for turns/s, p95 and CPU per turn."""
    out: Dict[str, Optional[float]] = {}
    for key in ("tps", "p95", "cpu_ms"):
        values = [r["on"][key] / r["off"][key] for r in rounds if r["on"].get(key) is not None and r["off"].get(key)]
        out[key] = statistics.median(values) if values else None
    return out


def _fmt(value: Optional[float], digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def section(result: Dict, turns: int, duration: float) -> str:
    """The markdown section for docs/benchmarks.md."""
    r = result["ratios"]
    skip = result.get("skip")
    baseline = (
        f"ours without {', '.join(skip)} (`RASA_PATCHES_SKIP`)"
        if skip
        else "`RASA_PATCHES=off` (Rasa's own code paths: no speed patch, turn gate, GC freeze or NLU helper; "
        "our tracker store without its speed paths, redacting as in ours)"
    )
    lines = [
        f"## {'Plain Rasa' if not skip else 'Without ' + ', '.join(skip)} and ours, side by side "
        "(`scripts/bench_paired.py`)",
        "",
        f"Measured {result['when']}: two stacks from the same model and configuration, one with "
        f"{baseline}, one as `make run` starts it; {len(result['pairs'])} pairs at c={result['concurrency']}, each run "
        f"≤{duration:.0f} s of {turns}-turn conversations, the order alternating from pair to pair, one "
        "stack under load at a time. CPU per turn = the server process and its NLU helper.",
        "",
        f"Median of the per-pair ratios ours / baseline: turns/s ×{_fmt(r['tps'])}, p95 ×{_fmt(r['p95'])}, "
        f"CPU per turn ×{_fmt(r['cpu_ms'])}.",
        "",
        "| pair | first | baseline turns/s | ours turns/s | baseline p95 ms | ours p95 ms | "
        "baseline CPU/turn ms | ours CPU/turn ms | errors (baseline/ours) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for i, pair in enumerate(result["pairs"], 1):
        off, on = pair["off"], pair["on"]
        first = "baseline" if list(pair)[0] == "off" else "ours"
        lines.append(
            f"| {i} | {first} | {off['tps']:.1f} | {on['tps']:.1f} | {off['p95']:.0f} | {on['p95']:.0f} | "
            f"{_fmt(off['cpu_ms'], 1)} | {_fmt(on['cpu_ms'], 1)} | {off['errors']}/{on['errors']} |"
        )
    return "\n".join(lines)
