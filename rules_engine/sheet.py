"""The sign-off sheet: for one region, the answer the assistant gives for one representative
profile of every distinct outcome, in plain Chinese with its articles — what a 人社局
officer reads and signs before the assistant goes live.

An outcome is what the applicant is told: the options (kind, level, status, route), the
blockers and the schooling equivalence. The representative is the profile of the grid
(rules_engine/grid.py) with the fewest facts that leads there. Next-step texts repeat
across outcomes, so they are printed once at the top and named by article per outcome.

`python -m rules_engine sheet --region baise` prints it; the committed copies live in
docs/answers/ and a test fails when they are stale.
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Tuple

from . import clock, grid, vocabulary
from .engine import evaluate
from .explain import cite
from .model import Citation
from .profile import label

# The answers depend on today's date (application windows): the sheet is written as of
# this day, the same day the tests pin.
SHEET_TODAY = _dt.date(2026, 11, 21)
ANSWERS_DIR = Path(__file__).resolve().parents[1] / "docs" / "answers"
ROOT_HINT = "run `make sheets` (python -m rules_engine sheet --region <region> --write) and review the diff"
STATUS_WORDS = {"eligible": "可以申报", "not_yet": "暂不能", "undecided": "待确认", "ineligible": "不能申报"}


def _outcome(decision: Dict[str, Any]) -> Tuple:
    return (
        tuple((o["kind"], o["level"], o["status"], o["path"]) for o in decision["options"]),
        tuple(sorted(b["code"] for b in decision["blockers"])),
        decision.get("education_equivalent", {}).get("level"),
    )


@lru_cache(maxsize=None)
def outcomes(region: str) -> List[Tuple[Dict[str, Any], Dict[str, Any]]]:
    """(representative profile, decision) per distinct outcome, in the grid's order."""
    chosen: Dict[Tuple, Tuple[Dict[str, Any], Dict[str, Any]]] = {}
    order: List[Tuple] = []
    with clock.pinned(SHEET_TODAY):
        for _, profile in grid.grid(regions=(region,)):
            decision = evaluate(profile)
            key = _outcome(decision)
            if key not in chosen:
                order.append(key)
                chosen[key] = (profile, decision)
            elif len(profile) < len(chosen[key][0]):
                chosen[key] = (profile, decision)
    return [chosen[k] for k in order]


def _profile_words(profile: Dict[str, Any]) -> str:
    parts = []
    for key, value in profile.items():
        if key in ("region", "application_year"):
            continue
        if isinstance(value, bool):
            value = "是" if value else "否"
        elif isinstance(value, list):
            value = "、".join(value)
        parts.append(f"{label(key)}：{value}")
    return "；".join(parts) or "（只知道地区）"


def _sources(citations: List[Dict[str, str]]) -> str:
    return "、".join(dict.fromkeys(cite(Citation(**c)) for c in citations))


def render(region: str) -> str:
    if region not in vocabulary.REGIONS:
        raise KeyError(f"未知的地区 {region!r}；可选：{'、'.join(vocabulary.REGIONS)}")
    rows = outcomes(region)
    steps: Dict[str, str] = {}
    for _, d in rows:
        for s in d["next_steps"]:
            steps.setdefault(s["text"], _sources(s["citations"]))
    lines = [
        f"# 答复核对表：{vocabulary.region_label(region, 'sheet')}",
        "",
        f"由 `python -m rules_engine sheet --region {region}` 生成，请勿手改；规则改动后重新生成，"
        f"差异即答复的变化。日期按 {SHEET_TODAY.isoformat()} 计，申报年份 {grid.APPLICATION_YEAR} 年。",
        f"共 {len(rows)} 种不同结论，每种列出一个最简单的代表情形及助手的完整答复。",
        "",
        "## 下一步提示（各结论按条款引用）",
        "",
    ]
    lines += [f"- {text}（{src}）" for text, src in steps.items()]
    for i, (profile, d) in enumerate(rows, 1):
        lines += ["", f"## {i}. {_profile_words(profile)}", ""]
        if not d["options"]:
            lines.append("- 结论：根据这些信息还无法判断可以申报什么。")
        for o in d["options"]:
            lines.append(f"- 【{STATUS_WORDS[o['status']]}】{o['explanation']}")
        for b in d["blockers"]:
            lines.append(f"- 【限制】{b['explanation']}")
        if "education_equivalent" in d:
            eq = d["education_equivalent"]
            lines.append(f"- 学历认定：可按{eq['level']}学历对待（{_sources(eq['citations'])}）")
        if d["missing"]:
            lines.append("- 还会追问：" + "、".join(label(f) for f in d["missing"]))
        if d["next_steps"]:
            lines.append("- 下一步：" + "；".join(_sources(s["citations"]) for s in d["next_steps"]))
    return "\n".join(lines) + "\n"


def sheet_path(region: str) -> Path:
    return ANSWERS_DIR / f"{region}.md"
