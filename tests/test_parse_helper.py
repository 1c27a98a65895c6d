"""The NLU helper process parses exactly as the server would, and anything wrong with it
(killed, hung, gone with the server) costs time, never a message."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.trackers import DialogueStateTracker

from bot import parse_helper, turn_gate

ROOT = Path(__file__).resolve().parents[1]
TEXTS = [
    "你好",
    "我是百色的技师，拿证五年了",
    "评职称要交多少钱",
    "转人工",
    "我在通辽，高级工2019年考的",
    "我有工程师职称，能考技师吗",
    "去年获得全国技术能手，现在是高级技师",
    "三年前考的高级工，赤峰的",
    "😀😀 emoji",
    "a\x00b\x1f\u202e控制字符",
    "Тест mixed 混合 script عربى",
    "技" * 2000,
    "？",
]


@pytest.fixture(scope="module")
def processor():
    from rasa.core.agent import Agent

    model = os.environ.get("JINENG_TEST_MODEL", "models/current.tar.gz")
    if not os.path.exists(model):
        pytest.skip("no trained model (make test trains it)")
    return Agent.load(model).processor


def message(text, i=0):
    return UserMessage(
        text, sender_id=f"helper-{i}", input_channel="rest", message_id=f"m-{i}", metadata={"n": i, "城市": "百色"}
    )


def in_server(processor, msg):
    """Rasa's own parse in this process (what the helper must reproduce)."""
    return processor._parse_message_with_graph(msg, DialogueStateTracker.from_events(msg.sender_id, []), True)


def run(processor, scenario):
    """Runs ``scenario(helper)`` with a fresh helper of ``processor``, stopped afterwards."""

    async def with_helper():
        helper = parse_helper.ParseHelper(processor)
        helper.start()
        try:
            return await scenario(helper)
        finally:
            helper.stop("test over")

    return asyncio.run(with_helper())


def test_the_helper_parses_exactly_as_the_server(processor):
    async def both(helper):
        answers = await asyncio.gather(*(helper.parse(message(t, i)) for i, t in enumerate(TEXTS)))
        return answers, helper.pid

    answers, pid = run(processor, both)
    assert pid and pid != os.getpid()
    for i, (text, answer) in enumerate(zip(TEXTS, answers)):
        expected = in_server(processor, message(text, i))
        assert answer == expected, text[:30]
    assert {a["intent"]["name"] for a in answers} > {"greet"}  # real parses, not defaults


def test_a_message_without_features_parses_the_same_way(processor, monkeypatch):
    """A blank text has no sentence features: our classifier reads it as a row of zeros
    (it made Rasa's raise, and a raising turn was replayed before every later one by the
    guard). Helper and server give the same parse, and the helper stays up."""
    parse_helper.install()

    async def scenario(helper):
        monkeypatch.setattr(parse_helper, "_HELPER", helper)
        blank = await helper.parse(message("  "))
        return blank, helper.alive, await helper.parse(message("你好"))

    blank, alive, answer = run(processor, scenario)
    assert blank == in_server(processor, message("  ")) and blank["intent"]["name"]
    assert alive and answer == in_server(processor, message("你好"))


def test_parse_message_uses_the_helper_and_falls_back_when_it_is_killed(processor, monkeypatch):
    monkeypatch.setattr(parse_helper, "RESTART_AFTER", 3600.0)
    parse_helper.install()
    original = type(processor).parse_message._jineng_original
    texts = TEXTS[:6]

    async def scenario(helper):
        monkeypatch.setattr(parse_helper, "_HELPER", helper)
        sent = []
        real_parse = helper.parse

        async def counting(msg):
            sent.append(msg.text)
            return await real_parse(msg)

        monkeypatch.setattr(helper, "parse", counting)
        through_helper = [await processor.parse_message(message(t, i)) for i, t in enumerate(texts)]
        os.kill(helper.pid, signal.SIGKILL)
        time.sleep(0.2)
        after_kill = [await processor.parse_message(message(t, i)) for i, t in enumerate(texts)]
        in_process = [await original(processor, message(t, i)) for i, t in enumerate(texts)]
        return sent, through_helper, after_kill, in_process, helper.alive

    sent, through_helper, after_kill, in_process, alive = run(processor, scenario)
    assert sent[: len(texts)] == texts  # the helper did parse them
    assert through_helper == in_process
    assert after_kill == in_process  # nothing lost once it was killed
    assert not alive  # noticed, and not restarted yet


def test_a_dead_helper_is_started_again(processor, monkeypatch):
    monkeypatch.setattr(parse_helper, "RESTART_AFTER", 0.0)

    async def scenario(helper):
        first = helper.pid
        os.kill(first, signal.SIGKILL)
        with pytest.raises(parse_helper.HelperUnavailable):
            await helper.parse(message("你好"))
        answer = await helper.parse(message("评职称要交多少钱", 2))
        return first, helper.pid, answer

    first, second, answer = run(processor, scenario)
    assert second and second != first
    assert answer == in_server(processor, message("评职称要交多少钱", 2))


def test_a_hung_helper_is_stopped_after_the_timeout(processor, monkeypatch):
    monkeypatch.setattr(parse_helper, "TIMEOUT", 0.5)
    monkeypatch.setattr(parse_helper, "RESTART_AFTER", 3600.0)

    async def scenario(helper):
        pid = helper.pid
        os.kill(pid, signal.SIGSTOP)
        started = time.monotonic()
        with pytest.raises(parse_helper.HelperUnavailable):
            await helper.parse(message("你好"))
        return pid, time.monotonic() - started, helper.alive

    pid, waited, alive = run(processor, scenario)
    assert waited < 5 and not alive
    assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]


def test_the_turn_slot_is_free_while_the_helper_parses(processor, monkeypatch):
    parse_helper.install()
    order = []

    async def scenario(helper):
        monkeypatch.setattr(parse_helper, "_HELPER", helper)
        monkeypatch.setattr(turn_gate, "_GATE", turn_gate.TurnGate(1))

        async def parsing_turn():
            async with turn_gate.turn():
                await processor.parse_message(message("我是百色的技师，拿证五年了"))
                order.append("parse done")

        async def other_turn():
            await asyncio.sleep(0)
            async with turn_gate.turn():
                order.append("other turn ran")

        await asyncio.gather(parsing_turn(), other_turn())

    run(processor, scenario)
    assert order == ["other turn ran", "parse done"]


def test_the_helper_keeps_no_inherited_descriptor(processor):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    try:

        async def scenario(helper):
            await helper.parse(message("你好"))
            return sorted(int(fd) for fd in os.listdir(f"/proc/{helper.pid}/fd"))

        fds = run(processor, scenario)
    finally:
        listener.close()
    assert fds[:3] == [0, 1, 2] and len(fds) == 4  # stdio and its socket to the server


def test_the_helper_dies_with_the_server(tmp_path):
    script = tmp_path / "server.py"
    script.write_text(
        textwrap.dedent(f"""
        import asyncio, sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from bot.parse_helper import ParseHelper
        async def main():
            helper = ParseHelper(processor=None)
            helper.start()
            print(helper.pid, flush=True)
            time.sleep(60)
        asyncio.run(main())
    """)
    )
    server = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        pid = int(server.stdout.readline())
        assert Path(f"/proc/{pid}").exists()
        server.kill()
        server.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
                    break
            except FileNotFoundError:
                break
            time.sleep(0.05)
        else:
            pytest.fail(f"helper {pid} outlived the server")
    finally:
        server.kill()
