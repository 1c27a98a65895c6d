"""The blind-set evaluation (scripts/eval_blind.py): its scoring on a fixture of our own, and
the fact-level floor on the frozen blind set (tests/nlu/blind/, never trained on).

The floor is the figure measured when it was set (docs/nlu_eval.md), not a target: a drop
below it means the NLU lost stated facts it used to get right."""

import pytest

from scripts import eval_blind as E
from servers import ROOT, model_path

FIXTURE = ROOT / "tests" / "fixtures" / "blind_mini"
# Measured 2026-11-30 (second session) on models/current.tar.gz: blind 98.0% (820/837),
# blind2 98.0% (721/736), docs/nlu_eval.md; issue 13 asks ≥ 97 %.
FACT_ACCURACY_FLOOR = 0.97


def test_scoring_counts_right_wrong_missed_spurious_and_facts_lost_to_the_intent():
    items, _ = E.load_set(FIXTURE)
    mappings = {
        "region": [{"type": "from_entity", "entity": "region"}],
        "skill_grade": [{"type": "from_entity", "entity": "skill_grade", "not_intent": ["faq_fee"]}],
        "skill_years": [{"type": "from_entity", "entity": "skill_years"}],
        "retired": [{"type": "from_entity", "entity": "retired"}],
        "awards": [{"type": "from_entity", "entity": "awards"}],
    }
    parses = {
        "u1": {
            "intent": {"name": "faq_fee"},
            "entities": [  # skill_grade refused by the intent
                {"entity": "region", "value": "baise"},
                {"entity": "skill_grade", "value": "技师"},
                {"entity": "skill_years", "value": "3"},
            ],
        },
        "u2": {
            "intent": {"name": "inform"},
            "entities": [
                {"entity": "region", "value": "nei_mongol"},
                {"entity": "retired", "value": "false"},
                {"entity": "skill_grade", "value": "高级工", "role": "hypothetical"},  # not stated: missed
                {"entity": "awards", "value": "全国技术能手"},
            ],
        },
        "u3": {"intent": {"name": "faq_levels"}, "entities": []},
        "u4": {"intent": {"name": "out_of_scope"}, "entities": []},
        "u5": {"intent": {"name": "faq_fee"}, "entities": [{"entity": "region", "value": "national"}]},
    }
    report = E.score_facts(items, parses, mappings)
    t = report["total"]
    assert (t["gold"], t["correct"], t["wrong"], t["missed"], t["spurious"]) == (6, 3, 1, 2, 2)
    assert t["lost_to_intent"] == 1 and report["per_key"]["skill_grade"]["lost_to_intent"] == 1
    assert report["per_key"]["retired"]["wrong"] == 1 and report["per_key"]["awards"]["spurious"] == 1
    assert report["intents_per_kind"]["general"]["faq_levels"] == 1
    lines = "\n".join(E.markdown({"ours": report, "baseline": None}, None, FIXTURE))
    assert "50.0% (3/6)" in lines and "| skill_grade | 2 | 0 | 2 | 0 | 0 | 1 |" in lines
    assert not any(item["text"] in lines for item in items)  # figures only, never sentences


def test_a_conversation_is_right_when_its_last_decision_names_the_level_and_cites_the_article():
    _, conversations = E.load_set(FIXTURE)
    expected = conversations[0]["expected"]
    asked = [["请问您在哪个地区工作？"]]
    assert E.judge_conversation(asked, expected) == {"answered": False, "right": False, "status": False}
    right = asked + [["✅ 可以申报中级职称。依据《百色市实施细则》第八条：“……”"]]
    assert E.judge_conversation(right, expected)["right"]
    sub_item = [["❌ 不能申报中级职称。", "⚠️ 《百色市实施细则》第八条（一）……"]]
    assert E.judge_conversation(sub_item, expected)["right"]  # a sub-item cites the article
    wrong_article = [["✅ 可以申报中级职称。依据《实施意见》二（二）1"]]
    assert not E.judge_conversation(wrong_article, expected)["right"]
    later_changed = right + [["✅ 可以申报副高级职称。依据《百色市实施细则》第十条"]]
    assert not E.judge_conversation(later_changed, expected)["right"]  # the last decision counts


def test_a_form_question_or_the_fallback_is_not_a_useful_answer():
    asks, fallback = ["请问您在哪个地区工作？"], ["抱歉，我没太明白。"]
    assert E.is_useful(["职称分为四个等级。（《百色市实施细则》第四条）"], asks, fallback)
    assert not E.is_useful(["职称分为四个等级。", "请问您在哪个地区工作？"], asks, fallback)
    assert not E.is_useful(["抱歉，我没太明白。"], asks, fallback)
    assert not E.is_useful([], asks, fallback)


def test_parsing_a_set_prints_none_of_its_sentences(capfd):
    """The report is figures only; Rasa's debug lines (each carrying the parsed text) must not
    reach the output either (our own fixture, so the check may name its sentences)."""
    texts = [it["text"] for it in E.load_set(FIXTURE)[0]]
    report = E.fact_report(model_path(), FIXTURE)
    out, err = capfd.readouterr()
    assert report["total"]["gold"] > 0
    assert [t for t in texts if t in out or t in err] == []


@pytest.mark.parametrize("directory", E.FROZEN_SETS, ids=lambda d: d.name)
def test_frozen_sets_are_as_their_writers_left_them(directory):
    """MANIFEST.sha256, written when each set was frozen: nobody edits a set to fit."""
    import hashlib

    for line in (directory / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines():
        digest, name = line.split()
        assert hashlib.sha256((directory / name).read_bytes()).hexdigest() == digest, name


def test_no_held_out_sentence_is_in_the_training_data():
    """The blind sets and the development set are never trained on. Short questions
    ("评审费多少钱", 7–10 characters) coincide with training examples written before the
    sets by other hands (checked with git log -S on 2026-11-30: all older than the sets),
    so only sentences of 12 characters or more, which do not coincide by chance, count."""
    from bot.nlu.generate_lookups import training_examples

    trained = {text for path in (ROOT / "data" / "nlu").glob("*.yml") for _, text in training_examples(path)}
    development = [ROOT / "tests" / "nlu" / name for name in ("dev", "dev2", "dev3")]
    for directory in (*E.FROZEN_SETS, *development):
        items, conversations = E.load_set(directory)
        said = {it["text"].strip() for it in items} | {t.strip() for c in conversations for t in c["turns"]}
        said = {t for t in said if len(t) >= 12}
        overlap = len(said & trained)  # a count only: no sentence is printed
        assert overlap == 0, f"{directory.name}: {overlap} held-out sentences in data/nlu/"


@pytest.mark.parametrize("directory", E.FROZEN_SETS, ids=lambda d: d.name)
def test_blind_set_fact_accuracy_stays_at_its_measured_floor(directory):
    if not (directory / "utterances.yml").exists():
        pytest.skip("blind set not present")
    report = E.fact_report(model_path(), directory)
    t = report["total"]
    accuracy = E.accuracy(t)
    print(
        f"blind facts right {accuracy:.3f} ({t['correct']}/{t['gold']}), missed {t['missed']}, "
        f"wrong {t['wrong']}, spurious {t['spurious']}, lost to intent {t['lost_to_intent']}"
    )
    assert t["gold"] >= 300
    assert accuracy >= FACT_ACCURACY_FLOOR
    assert t["lost_to_intent"] == 0


def test_the_development_script_refuses_to_show_a_frozen_set():
    from scripts import eval_dev

    for directory in E.FROZEN_SETS:
        with pytest.raises(SystemExit):
            eval_dev.refuse_frozen(directory)
    eval_dev.refuse_frozen(ROOT / "tests" / "nlu" / "dev")  # a development set may be read
