"""Data lint and coverage: the rule data says what the documents say, all of it."""

import json
import subprocess
import sys

import pytest

from rules_engine import articles, loader
from rules_engine.model import Citation, Condition, Route
from rules_engine.articles import base_article


def test_every_layer_loads_with_its_checks():
    for region in ("national", "nei_mongol", "baise"):
        assert loader.rules_for(region).routes


def test_every_citation_resolves_and_every_quote_is_verbatim():
    for c in loader.all_citations():
        assert articles.resolve(c.doc, c.article) is not None, c
    for layer in loader.all_layers():
        for item in [*layer.routes, *layer.bars, *layer.knowledge, *layer.equivalents]:
            text = articles.normalise(articles.load_documents()[item.citation.doc].full_text(item.citation.article))
            assert articles.normalise(item.quote) in text, item.id


def test_every_override_names_an_existing_national_item():
    national = loader.load_layer("national")
    ids = {i.id for i in [*national.routes, *national.bars, *national.knowledge, *national.equivalents]}
    ids |= {i.split("/")[0] for i in ids}
    for doc in ("nei_mongol", "baise"):
        layer = loader.load_layer(doc)
        for item in [*layer.routes, *layer.bars, *layer.knowledge, *layer.equivalents]:
            assert bool(item.replaces) != bool(item.adds), item.id
            for target in item.replaces:
                assert target in ids, (item.id, target)
            if item.adds and item.adds != "new":
                assert item.adds in ids, (item.id, item.adds)


def _cited_articles():
    cited = set()
    for c in loader.all_citations():
        cited.add((c.doc, c.article))
        cited.add((c.doc, base_article(c.article)))
    return cited


def test_every_article_is_encoded_or_excluded_with_a_reason():
    cited = _cited_articles()
    uncovered = []
    for layer in loader.all_layers():
        doc = articles.load_documents()[layer.doc]
        for art_id, art in doc.articles.items():
            family = {art_id, *doc.descendants(art_id)}
            if art.parent and layer.doc == "baise":
                family.add(art.parent)  # citing 第二十一条 covers its items
            if any((layer.doc, a) in cited for a in family):
                continue
            reason = layer.excluded_articles.get(art_id, "")
            if len(reason) < 6:
                uncovered.append(f"{layer.doc} {art_id}")
    assert not uncovered, f"articles neither encoded nor excluded: {uncovered}"


def test_excluded_articles_are_not_also_cited():
    cited = _cited_articles()
    for layer in loader.all_layers():
        for art_id in layer.excluded_articles:
            assert (layer.doc, art_id) not in cited, f"{layer.doc} {art_id} is both excluded and cited"


def test_article_ids_follow_the_contract():
    docs = articles.load_documents()
    assert "二（二）1" in docs["national"].articles and "二（四）" in docs["national"].articles
    assert "二（四）" in docs["nei_mongol"].articles and "一" in docs["nei_mongol"].articles
    assert [f"第{n}条" for n in ("一", "二")] == list(docs["baise"].articles)[:2]
    assert len([a for a in docs["baise"].articles if "（" not in a]) == 26
    assert "第七条（四）" in docs["baise"].articles and "第十七条（三）" in docs["baise"].articles


# ── the loader's own checks refuse bad data ───────────────────────────────────────


def _route(rid, doc="national", when=(("skill_grade", "技师"),), levels=("中级",), **kw):
    cite = Citation("national", "二（二）1")
    return Route(
        id=rid,
        doc=doc,
        citations=[cite],
        quote="q",
        kind="title",
        path="regular",
        levels=levels,
        when=[Condition(f, "in", (v,), cite) for f, v in when],
        **kw,
    )


def test_two_rules_deciding_the_same_case_are_a_load_error():
    with pytest.raises(loader.RuleDataError, match="both decide"):
        loader._check_no_disagreement([_route("a:x"), _route("a:y", levels=("副高级",))], "test")


def test_override_of_a_missing_rule_is_a_load_error():
    local = _route("baise:x", doc="baise", replaces=("national:no.such.rule",))
    with pytest.raises(loader.RuleDataError, match="does not exist"):
        loader._layer_items([_route("national:a")], [local], "test")


def test_local_rule_without_replaces_or_adds_is_a_load_error():
    with pytest.raises(loader.RuleDataError, match="exactly one"):
        loader._layer_items([_route("national:a")], [_route("baise:x", doc="baise")], "test")


def test_local_rule_that_adds_a_disagreeing_case_without_replacing_is_refused():
    local = _route("baise:x", doc="baise", adds="national:a", levels=("副高级",))
    layered = loader._layer_items([_route("national:a")], [local], "test")
    with pytest.raises(loader.RuleDataError, match="both decide"):
        loader._check_no_disagreement(layered, "test")


def test_a_quote_not_in_the_article_is_a_load_error():
    spec = {"article": "二（二）1", "quote": "取得技师后满2年可评副高级"}
    with pytest.raises(loader.RuleDataError, match="verbatim"):
        loader._common("national", spec, "test")


def test_a_citation_of_a_missing_article_is_a_load_error():
    with pytest.raises(loader.RuleDataError, match="names no article"):
        loader._citation("baise", {"article": "第九十九条"}, "test")


def test_a_condition_with_a_non_canonical_value_is_a_load_error():
    with pytest.raises(loader.RuleDataError, match="not canonical"):
        loader._condition("national", {"fact": "skill_grade", "in": ["二级工"], "article": "二（二）1"}, "test")


# ── CLI ───────────────────────────────────────────────────────────────────────────


def _cli(args, stdin=""):
    return subprocess.run(
        [sys.executable, "-m", "rules_engine", *args], input=stdin, capture_output=True, text=True, timeout=60
    )


def test_cli_evaluate_and_explain():
    profile = json.dumps(
        {
            "region": "baise",
            "skill_grade": "高级技师",
            "skill_years": 5,
            "assessment_ok": True,
            "application_year": 2026,
        }
    )
    r = _cli(["evaluate"], profile)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["options"][0]["level"] == "副高级" and d["options"][0]["status"] == "eligible"
    r = _cli(["explain"], profile)
    assert r.returncode == 0 and "《百色市实施细则》第八条" in r.stdout and "380元" in r.stdout


def test_cli_articles_lists_the_knowledge_base():
    r = _cli(["articles", "--json"])
    rows = json.loads(r.stdout)
    assert {"doc": "baise", "article": "第十一条（六）"} in [{"doc": x["doc"], "article": x["article"]} for x in rows]
    assert any("380元" in x["text"] for x in rows)
    assert len(rows) == sum(len(d.articles) for d in articles.load_documents().values())


def test_cli_topic_answers_with_citation():
    r = _cli(["topic", "fee", "--region", "baise"])
    assert r.returncode == 0 and "380元" in r.stdout and "第十一条（六）" in r.stdout


def test_entries_about_a_topic_come_before_those_that_only_touch_it():
    """“申请要准备啥材料”: the list of materials (第十一条（三）（四）), not first what the 评审 weighs."""
    from rules_engine import answer_topic

    first = answer_topic("materials", "baise", "title")[0]
    assert first["topic_entry"] == "baise:application_materials"


def test_a_lifetime_bar_says_so():
    from rules_engine import evaluate

    d = evaluate({"region": "baise", "skill_grade": "技师", "skill_years": 5, "fraud_count": 2})
    assert "终身不能再申报职称评审" in d["blockers"][0]["explanation"] and "目前" not in d["blockers"][0]["explanation"]
