"""bot.nlu.build_spacy: builds into a tmp dir, loads, finds the vocabulary's entities."""

import pytest

spacy = pytest.importorskip("spacy")

from bot.nlu import build_spacy  # noqa: E402


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("nlu")
    out = build_spacy.build(root / "spacy_zh", root / "jieba")
    return out, root / "jieba"


def test_outputs_exist_and_build_is_idempotent(built, tmp_path):
    out, jieba_dir = built
    assert (out / "config.cfg").exists() and (out / "entity_ruler").exists()
    words = (jieba_dir / build_spacy.JIEBA_FILE).read_text(encoding="utf-8").splitlines()
    assert any(w.startswith("高级技师 ") for w in words)
    again = build_spacy.build(out, jieba_dir)  # rebuilding over itself works
    assert again == out and (out / "meta.json").exists()


def test_loads_and_finds_entities(built):
    out, jieba_dir = built
    nlp = build_spacy.load(out, jieba_dir)
    doc = nlp("我是百色凌云县的高级技师，拿过国务院津贴，有工程师职称，本科，预备技师班毕业，想评工艺美术系列")
    ents = {(e.text, e.label_, e.ent_id_) for e in doc.ents}
    assert ("高级技师", "SKILL_GRADE", "高级技师") in ents
    assert ("凌云县", "PLACE", "baise") in ents
    assert ("国务院津贴", "AWARD", "国务院政府特殊津贴") in ents
    assert ("工程师", "TITLE", "中级|工程") in ents
    assert ("本科", "DEGREE", "本科") in ents
    assert ("预备技师班", "SCHOOL_CLASS", "预备技师班") in ents
    assert any(label == "SERIES" for _, label, _ in ents)


def test_level_words_are_patterns(built):
    out, jieba_dir = built
    nlp = build_spacy.load(out, jieba_dir)
    doc = nlp("我有三级证书")
    assert [(e.text, e.ent_id_) for e in doc.ents] == [("三级证书", "高级工")]


def test_segmentation_keeps_domain_words_whole(built):
    out, jieba_dir = built
    nlp = build_spacy.load(out, jieba_dir)
    tokens = [t.text for t in nlp("在达尔罕茂明安联合旗拿的全国技术能手")]
    assert "达尔罕茂明安联合旗" in tokens and "全国技术能手" in tokens
