"""PII redaction (bot/privacy.py): 身份证号 and 手机号, in text, event dicts and log records."""

import logging

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.privacy import ID_MASK, PHONE_MASK, PIIRedactingFilter, contains_pii, redact, redact_deep


def test_phone_numbers():
    assert redact("我的电话13812345678") == f"我的电话{PHONE_MASK}"
    assert redact("手机：+86 138-1234-5678，谢谢") == f"手机：{PHONE_MASK}，谢谢"
    assert redact("8613912345678") == PHONE_MASK
    assert redact("１３８１２３４５６７８") == PHONE_MASK  # full-width digits


def test_id_numbers():
    assert redact("身份证110101199003078515") == f"身份证{ID_MASK}"
    assert redact("11010119900307851X号") == f"{ID_MASK}号"
    assert redact("11010119900307851x") == ID_MASK
    assert redact("老身份证110101900307851") == f"老身份证{ID_MASK}"  # 15 digits


def test_ordinary_numbers_are_kept():
    for text in (
        "2023年考的",
        "干了12年",
        "拿证三年了",
        "12333",
        "电话12345678901",
        "1381234567",
        "138123456789",
        "123456789012345678901",
        "2019年到2023年",
        "",
    ):
        assert redact(text) == text


def test_non_strings_pass_through():
    assert redact(None) is None and redact(42) == 42


def test_deep():
    event = {
        "text": "13812345678",
        "parse_data": {"text": "13812345678", "entities": [{"value": "110101199003078515"}]},
        "timestamp": 1.5,
    }
    out = redact_deep(event)
    assert out["text"] == PHONE_MASK and out["parse_data"]["text"] == PHONE_MASK
    assert out["parse_data"]["entities"][0]["value"] == ID_MASK and out["timestamp"] == 1.5


def test_log_filter():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "user said %s", ("电话13812345678",), None)
    assert PIIRedactingFilter().filter(record)
    assert record.getMessage() == f"user said 电话{PHONE_MASK}"


digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40), st.sampled_from("3456789"), digits, st.text(max_size=40))
def test_any_phone_in_any_text_is_hidden(before, second, rest, after):
    phone = "1" + second + rest
    # a digit right next to the number makes it another number, not a phone number
    before = before.rstrip("0123456789０１２３４５６７８９+＋")
    after = after.lstrip("0123456789０１２３４５６７８９")
    out = redact(before + phone + after)
    assert phone not in out and not contains_pii(out)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_idempotent_and_never_raises(text):
    once = redact(text)
    assert redact(once) == once
