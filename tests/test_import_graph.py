"""The import graph of our own packages, read from the source with ast (imports inside
functions included: a lazy import is still a dependency): no circle anywhere, and the
directions issue 16 asks for."""

import ast
from pathlib import Path
from typing import Dict, List, Set

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "actions", "dialogue", "rules_engine")


def modules() -> Dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _imported(module: str, path: Path, node: ast.AST, known: Dict[str, Path]) -> Set[str]:
    """The modules of ours an import statement loads: ``from p import m`` is the submodule m
    when there is one, else p (a name defined in p)."""
    names: List[str] = []
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            parts = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
            parts = parts[: len(parts) - (node.level - 1)]
            base = ".".join(parts + ([base] if base else []))
        names = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
    out = set()
    for name in names:
        while name and name not in known:
            name = name.rpartition(".")[0]
        if name and name != module:
            out.add(name)
    return out


def import_graph() -> Dict[str, Set[str]]:
    known = modules()
    graph = {}
    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[module] = set().union(
            *(
                _imported(module, path, node, known)
                for node in ast.walk(tree)
                if isinstance(node, (ast.Import, ast.ImportFrom))
            )
        )
    return graph


def circles(graph: Dict[str, Set[str]]) -> List[List[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    found = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_graph_is_read():
    graph = import_graph()
    assert len(graph) > 50
    assert "rules_engine.explain" in graph["rules_engine.engine"] or "rules_engine.explain" in graph["rules_engine"]
    assert {"dialogue.profile_slots", "dialogue.questions", "dialogue.replies"} <= graph["bot.channels.assist"]


def test_circles_are_found():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle_anywhere():
    assert circles(import_graph()) == []


def test_dependencies_run_one_way():
    graph = import_graph()
    channels = {m: deps for m, deps in graph.items() if m.startswith("bot.channels")}
    assert {
        m: sorted(d for d in deps if d.startswith("actions"))
        for m, deps in channels.items()
        if any(d.startswith("actions") for d in deps)
    } == {}  # channels never import the action server
    assert not graph["bot.tracker_store"] & {"bot.rasa_patches", "bot.guard"}
    # the speed patches are installed in one place (bot/runtime.py), reached from nowhere else
    assert sorted(m for m, deps in graph.items() if "bot.rasa_patches" in deps) == ["bot.runtime"]
    for module, deps in graph.items():
        if module.startswith("dialogue"):  # neutral: no actions, no channels
            assert not {d for d in deps if d.startswith(("actions", "bot.channels", "bot.guard"))}, module
        if module.startswith("rules_engine"):  # pure: nothing of ours above it
            assert all(d.startswith("rules_engine") for d in deps), module


def test_the_dialogue_package_does_not_import_rasa():
    for path in (ROOT / "dialogue").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not any(n.split(".")[0] in ("rasa", "rasa_sdk") for n in names), path.name
