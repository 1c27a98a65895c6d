"""Bad input gets a clear error naming the key and what is accepted — never a guess."""

import subprocess
import sys

import pytest

from rules_engine import ProfileError, evaluate

BAD = [
    ({"skill_grade": "技工"}, "skill_grade"),
    ({"skill_grade": "高级技师 "}, "skill_grade"),
    ({"region": "guangxi"}, "region"),
    ({"awards": ["省级技术能手"]}, "awards"),
    ({"awards": "全国技术能手"}, "awards"),
    ({"skill_years": -1}, "skill_years"),
    ({"skill_years": "三年"}, "skill_years"),
    ({"skill_years": True}, "skill_years"),
    ({"skill_years": float("nan")}, "skill_years"),
    ({"skill_grade_year": 2030}, "skill_grade_year"),
    ({"skill_grade_year": 2020.5}, "skill_grade_year"),
    ({"assessment_ok": "true"}, "assessment_ok"),
    ({"assessment_ok": 1}, "assessment_ok"),
    ({"fraud_count": -2}, "fraud_count"),
    ({"fraud_count": 0, "fraud_year": 2020}, "fraud_year"),
    ({"title_level": "工程师"}, "title_level"),
    ({"degree": "高中"}, "degree"),
    ({"nickname": "x"}, "nickname"),
    ({"series": ""}, "series"),
]


@pytest.mark.parametrize("profile,key", BAD, ids=[k for _, k in BAD])
def test_bad_value_is_refused_with_the_key_named(profile, key):
    with pytest.raises(ProfileError) as err:
        evaluate(profile)
    assert key in str(err.value)


def test_unknown_value_message_lists_accepted_values():
    with pytest.raises(ProfileError) as err:
        evaluate({"skill_grade": "三级"})
    assert "高级工" in str(err.value) and "技师" in str(err.value)


def test_not_an_object():
    for bad in ([], "技师", 3, None):
        with pytest.raises(ProfileError):
            evaluate(bad)


def test_open_series_is_accepted_as_said():
    d = evaluate({"skill_grade": "技师", "skill_years": 4, "series": "翻译"})
    assert any(b["code"] == "series_out_of_scope" for b in d["blockers"])


def test_null_counts_as_unknown():
    assert evaluate({"skill_grade": "技师", "skill_years": None})["missing"][0] == "skill_years"


def _cli(args, stdin):
    return subprocess.run(
        [sys.executable, "-m", "rules_engine", *args], input=stdin, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("stdin", ["{", "", "not json", '{"skill_grade": "技师",}'])
def test_cli_malformed_json_exits_2(stdin):
    r = _cli(["evaluate"], stdin)
    assert r.returncode == 2 and "JSON" in r.stderr and r.stdout == ""


@pytest.mark.parametrize("stdin", ['{"skill_grade": "大师"}', '{"skill_years": -3}', '{"foo": 1}', "[1]"])
def test_cli_bad_profile_exits_2_with_message(stdin):
    r = _cli(["evaluate"], stdin)
    assert r.returncode == 2 and r.stderr.startswith("错误：") and r.stdout == ""
