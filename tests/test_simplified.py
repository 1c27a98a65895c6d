"""Traditional characters are read as simplified ones; the tracker keeps what was typed."""

import asyncio
import uuid

import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.simplified import SimplifiedChinese, to_simplified


@pytest.mark.parametrize(
    "typed, read",
    [
        ("北京職稱評審流程？", "北京职称评审流程？"),
        ("我是技師", "我是技师"),
        ("杭州的職稱怎麼評？本人技師", "杭州的职称怎么评？本人技师"),
        ("我是技师", "我是技师"),
        ("abc 123", "abc 123"),
        ("", ""),
    ],
)
def test_to_simplified(typed, read):
    assert to_simplified(typed) == read and len(to_simplified(typed)) == len(typed)


def test_component_rewrites_the_text_later_components_see():
    message = Message({TEXT: "我在內蒙古，拿證三年"})
    SimplifiedChinese().process([message])
    assert message.get(TEXT) == "我在内蒙古，拿证三年"


def test_parse_reads_traditional_like_simplified(agent):
    traditional = asyncio.run(agent.parse_message("我是技師，在包頭幹了三年"))
    simplified = asyncio.run(agent.parse_message("我是技师，在包头干了三年"))
    facts = {(e["entity"], e["value"]) for e in traditional["entities"]}
    assert facts == {(e["entity"], e["value"]) for e in simplified["entities"]}
    assert {("skill_grade", "技师"), ("region", "nei_mongol"), ("skill_years", 3)} <= facts
    assert traditional["intent"]["name"] == simplified["intent"]["name"]


def test_the_tracker_keeps_what_the_user_typed(agent):
    from rasa.core.channels.channel import UserMessage
    from rasa.shared.core.events import UserUttered

    sender = f"t-{uuid.uuid4().hex[:8]}"
    asyncio.run(agent.log_message(UserMessage("我是技師", sender_id=sender)))
    tracker = asyncio.run(agent.tracker_store.retrieve(sender))
    uttered = [e for e in tracker.events if isinstance(e, UserUttered)][-1]
    assert uttered.text == "我是技師"
    assert uttered.parse_data["text"] == "我是技师"
    assert [(e["entity"], e["value"]) for e in uttered.entities] == [("skill_grade", "技师")]
