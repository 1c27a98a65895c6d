"""Facts said once (issue 16 item 5): the hotline number, the region list and the region
labels live in rules_engine/vocabulary.py; awards accumulate by one helper. Checked on our
Python sources, so a second copy shows up here rather than as a drift months later."""

import re
from pathlib import Path

import pytest

from dialogue.profile_slots import merge_awards
from rules_engine import vocabulary

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    p for package in ("bot", "actions", "dialogue", "rules_engine", "scripts") for p in (ROOT / package).rglob("*.py")
]
HOME = ROOT / "rules_engine" / "vocabulary.py"


def _code(path: Path) -> str:
    """The source without comments and docstrings' prose (a docstring may name 12333)."""
    text = path.read_text(encoding="utf-8")
    return re.sub(r'"""[\s\S]*?"""|#[^\n]*', "", text)


@pytest.mark.parametrize(
    "pattern",
    [
        r"12333",  # the hotline
        r"""["']national["'],\s*["']nei_mongol["'],\s*["']baise["']""",  # the region list
        r"""["']nei_mongol["']:\s*["']内蒙古""",  # a region's label
    ],
)
def test_said_only_in_the_vocabulary(pattern):
    found = [str(p.relative_to(ROOT)) for p in SOURCES if p != HOME and re.search(pattern, _code(p))]
    assert found == []
    assert re.search(pattern, _code(HOME))


# What the assistant says outside Python: the domain's responses, the rules engine's answers
# and why-nots, the dialogue's rules and stories, the web pages. (data/nlu/ is left out: its
# examples are what users type, and a user may well ask “直接打12333吗”.)
TEXTS = [
    ROOT / "domain.yml",
    *(ROOT / "rules_engine" / "data").glob("*.yaml"),
    *(ROOT / "data").glob("*.yml"),
    *(p for p in (ROOT / "bot" / "web").rglob("*") if p.suffix in (".js", ".html") and "vendor" not in p.parts),
]
URL = re.compile(r"https?://[^\s）)\"']+")  # ptce.gx12333.net is an address, not the hotline


def test_the_hotline_is_not_written_out_in_data_or_pages():
    """Texts say ``{hotline}``: the rules engine's loader fills it in answers and why-nots,
    Rasa's response templating in the hand-off response (actions/actions.py passes it)."""
    assert len(TEXTS) > 8
    found = [str(p.relative_to(ROOT)) for p in TEXTS if "12333" in URL.sub("", p.read_text(encoding="utf-8"))]
    assert found == []
    assert "{hotline}" in (ROOT / "domain.yml").read_text(encoding="utf-8")


def test_hotline_placeholders_are_filled_in_every_knowledge_text():
    from rules_engine.loader import all_layers

    texts = [
        text
        for layer in all_layers()
        for item in (*layer.routes, *layer.bars, *layer.knowledge)
        for text in (getattr(item, "answer", None), getattr(item, "why_not", None))
        if text
    ]
    assert not [t for t in texts if "{hotline}" in t]
    assert sum(vocabulary.HOTLINE in t for t in texts) >= 5


def test_the_pages_have_no_region_labels_of_their_own():
    """The review console takes them from its vocabulary API (bot/channels/review/channel.py)."""
    scripts = [p for p in TEXTS if p.suffix == ".js"]
    assert len(scripts) >= 3
    pattern = re.compile("|".join([*vocabulary.REGIONS[1:], *vocabulary.REGION_LABELS["profile"].values()]))
    code = {p: re.sub(r"(?m)/\*[\s\S]*?\*/|(?:^|\s)//[^\n]*", "", p.read_text(encoding="utf-8")) for p in scripts}
    assert [str(p.relative_to(ROOT)) for p in scripts if pattern.search(code[p])] == []


def test_region_labels_cover_every_region():
    for where in (*vocabulary.REGION_LABELS, "name"):
        assert [bool(vocabulary.region_label(r, where)) for r in vocabulary.REGIONS] == [True] * 3
    assert vocabulary.region_label("baise", "name") == "广西壮族自治区百色市"


def test_awards_accumulate_each_once_in_the_order_said():
    assert merge_awards(["a", "b"], ["b", "c"]) == ["a", "b", "c"]
    assert merge_awards(None, ["c"]) == ["c"] and merge_awards(["a"], None) == ["a"]


def test_no_award_merging_written_out_elsewhere():
    pattern = re.compile(r"dict\.fromkeys\(\[\*[^\]]*awards")
    assert [str(p.relative_to(ROOT)) for p in SOURCES if pattern.search(_code(p))] == []
