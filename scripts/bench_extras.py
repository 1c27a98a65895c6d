"""What `make bench` measures besides the load itself: the machine's speed, a process's
CPU and memory (/proc), the rules engine's time, a `rasa train` and a cold `make run`.
Split from scripts/bench_load.py, which reports them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parents[1]


def speed_reference_ms() -> float:
    """A fixed pure-Python workload, best of 3: how fast this machine is right now. The
    same code measured minutes apart here differed by up to 30% in turns/s, and this
    figure moves with it, so runs can be compared."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        sum(i * i for i in range(2_000_000))
        best = min(best, time.perf_counter() - started)
    return best * 1000


def cpu_seconds(pid: int) -> Optional[float]:
    """User + system CPU time of one process (all its threads), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def listening_pid(port: int) -> Optional[int]:
    """The process listening on 127.0.0.1:port (``ss``)."""
    try:
        out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True, timeout=10).stdout
        return int(re.search(r"pid=(\d+)", out).group(1))
    except Exception:
        return None


def children(pid: int) -> List[int]:
    """Direct child processes (the NLU helper of a Rasa server, bot/parse_helper.py)."""
    try:
        return [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]
    except OSError:
        return []


def memory_mb(pid: Optional[int]) -> Dict[str, float]:
    """RSS and private memory (pages not shared with any other process), from /proc."""
    figures: Dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("Rss", "Private_Clean", "Private_Dirty"):
                figures[key] = int(value.split()[0]) / 1024
    except (OSError, ValueError, TypeError):
        return {}
    return {
        "rss": figures.get("Rss", 0.0),
        "private": figures.get("Private_Clean", 0.0) + figures.get("Private_Dirty", 0.0),
    }


def rules_engine_figures() -> str:
    try:
        from rules_engine.bench import measure

        result = measure(n_profiles=500, rounds=3)
        return f"`rules_engine.bench.measure()`: {result}"
    except Exception as exc:  # pragma: no cover
        return f"rules engine: not measured ({type(exc).__name__}: {exc})"


def time_train() -> str:
    out = ROOT / "build" / "bench-train"
    started = time.perf_counter()
    r = subprocess.run(
        [str(ROOT / ".venv/bin/rasa"), "train", "--out", str(out), "--fixed-model-name", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    return f"{time.perf_counter() - started:.0f} s (exit {r.returncode}; Rasa's cache in .rasa/ may shorten it)"


def time_cold_start(port: int = 5005) -> str:
    """`make run` in a fresh clone of this repository (new venv, spaCy build, training),
    timed until the REST channel answers. Not a fresh *machine*: Debian packages and pip's
    download cache are already there."""
    import signal

    import requests

    clone = Path(tempfile.mkdtemp(prefix="cold-", dir=ROOT / "build"))
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone / "repo")], check=True, timeout=300)
    repo = clone / "repo"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("VIRTUAL_ENV", "JINENG_TEST_MODEL", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")
    }
    env["RASA_TOKEN"] = "cold-token"
    log = open(clone / "make-run.log", "wb")
    started = time.perf_counter()
    proc = subprocess.Popen(
        ["make", "run"], cwd=repo, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    answered = None
    try:
        while time.perf_counter() - started < 1800 and proc.poll() is None:
            try:
                r = requests.post(
                    f"http://127.0.0.1:{port}/webhooks/rest/webhook",
                    json={"sender": "cold", "message": "你好"},
                    timeout=5,
                )
                if r.status_code == 200 and r.json():
                    answered = time.perf_counter() - started
                    break
            except (requests.RequestException, ValueError):
                pass
            time.sleep(2)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        shutil.rmtree(clone, ignore_errors=True)
    if answered is None:
        return f"no answer (make run exited {proc.returncode}); see the log of a manual run"
    return (
        f"{answered / 60:.1f} min from `make run` in a fresh clone to the first REST answer "
        "(venv + pip install from the local pip cache, spaCy build, `rasa train`, server start; "
        "Debian packages already installed)"
    )
