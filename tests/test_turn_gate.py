"""The turn gate (bot/turn_gate.py): oldest turn first, slots never lost."""

import asyncio

import pytest

from bot import turn_gate
from bot.turn_gate import TurnGate


@pytest.fixture
def fresh_gate(monkeypatch):
    def make(slots):
        gate = TurnGate(slots)
        monkeypatch.setattr(turn_gate, "_GATE", gate)
        return gate

    return make


def test_turns_run_one_at_a_time_in_arrival_order(fresh_gate):
    fresh_gate(1)
    log = []

    async def turn(name):
        async with turn_gate.turn():
            log.append(f"{name} in")
            await asyncio.sleep(0)  # other tasks get the loop, not the slot
            log.append(f"{name} out")

    async def main():
        await asyncio.gather(*(turn(n) for n in "abc"))

    asyncio.run(main())
    assert log == ["a in", "a out", "b in", "b out", "c in", "c out"]


def test_a_turn_back_from_the_network_goes_before_newer_turns(fresh_gate):
    gate = fresh_gate(1)
    log = []

    async def old():
        async with turn_gate.turn():
            log.append("old computes")
            async with turn_gate.outside_gate():  # the action-server call
                log.append("old waits on the network")
                await asyncio.sleep(0.02)
            log.append("old computes again")

    async def new(name):
        await asyncio.sleep(0.005)  # arrives while old is on the network
        async with turn_gate.turn():
            log.append(f"{name} computes")
            await asyncio.sleep(0.03)  # long enough for old to come back

    async def main():
        await asyncio.gather(old(), new("new1"), new("new2"))

    asyncio.run(main())
    assert log == ["old computes", "old waits on the network", "new1 computes", "old computes again", "new2 computes"]
    assert gate._free == 1 and gate.waiting == 0


def test_cancelled_waiters_and_timeouts_do_not_lose_slots(fresh_gate):
    gate = fresh_gate(1)

    async def slow():
        async with turn_gate.turn():
            async with turn_gate.outside_gate():
                await asyncio.sleep(1)

    async def quick():
        async with turn_gate.turn():
            await asyncio.sleep(0.01)

    async def main():
        holder = asyncio.create_task(quick())
        await asyncio.sleep(0)
        waiter = asyncio.create_task(quick())
        await asyncio.sleep(0)
        waiter.cancel()  # cancelled while queued
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(slow(), 0.05)  # timed out outside the gate
        await holder
        await asyncio.gather(*(quick() for _ in range(5)))  # the gate still admits everyone

    asyncio.run(main())
    assert gate._free == 1 and gate.waiting == 0


def test_a_nested_turn_does_not_wait_for_itself(fresh_gate):
    fresh_gate(1)

    async def main():
        async with turn_gate.turn():
            async with turn_gate.turn():
                return "done"

    assert asyncio.run(asyncio.wait_for(main(), 1)) == "done"


def test_more_slots_admit_more_turns_at_once(fresh_gate):
    fresh_gate(2)
    inside, most = 0, 0

    async def turn():
        nonlocal inside, most
        async with turn_gate.turn():
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    async def main():
        await asyncio.gather(*(turn() for _ in range(6)))

    asyncio.run(main())
    assert most == 2


def test_zero_slots_is_refused():
    with pytest.raises(ValueError):
        TurnGate(0)


def test_installed_once_around_rasas_message_handling():
    from rasa.core.processor import MessageProcessor

    turn_gate.install()
    first = MessageProcessor.handle_message
    turn_gate.install()
    assert MessageProcessor.handle_message is first and first._jineng_gated
