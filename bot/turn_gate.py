"""Oldest turn first: how one Rasa process shares its single core between conversations.

Rasa handles every message in its own asyncio task and those tasks interleave at each
await (the action-server calls). Under load the event loop therefore serves the turns
round-robin: a turn that calls the action server twice queues behind every other turn
three times, and so the turns that re-run the form were the slowest 5% at 10 concurrent
conversations (p95 ≈ 1.6 × the mean) while the mean was fixed by the CPU per turn.

The gate admits ``TURN_SLOTS`` turns (default 1) to compute at a time. A turn gives its
slot up while it waits on the network (``outside_gate``, used around action-server calls)
and, coming back, is put ahead of every turn that arrived after it. So the core is never
idle while someone could compute, and turns finish roughly in the order they arrived:
each one waits for the work of those ahead of it, not for every round of everyone.
The total work is the same; only who waits for whom changes.

The gate sits inside the conversation lock (around ``MessageProcessor.handle_message``), so a
turn waiting for its conversation's lock never holds a slot.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import heapq
import itertools
import os
from typing import Any, AsyncIterator, List, Optional, Tuple

from bot.patching import is_patched, patch

DEFAULT_SLOTS = int(os.environ.get("TURN_SLOTS", "1"))


class TurnGate:
    """At most ``slots`` holders at once; waiters are served by ticket, lowest first."""

    def __init__(self, slots: int = DEFAULT_SLOTS) -> None:
        if slots < 1:
            raise ValueError(f"TURN_SLOTS must be at least 1, got {slots}")
        self.slots = slots
        self._free = slots
        self._waiting: List[Tuple[int, asyncio.Future]] = []
        self._tickets = itertools.count()

    def ticket(self) -> int:
        return next(self._tickets)

    @property
    def waiting(self) -> int:
        return sum(1 for _, future in self._waiting if not future.done())

    async def acquire(self, ticket: int) -> None:
        if self._free > 0:  # free slots only exist while nobody waits (see release)
            self._free -= 1
            return
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (ticket, future))
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.release()  # the slot was handed to us as we were cancelled
            raise

    def release(self) -> None:
        """Hands the slot straight to the lowest ticket waiting, so nobody can barge in."""
        while self._waiting:
            _, future = heapq.heappop(self._waiting)
            if not future.done():
                future.set_result(None)
                return
        self._free += 1


_GATE: Optional[TurnGate] = None


class _Pass:
    """The running turn's place in the queue; shared with the tasks it spawns (wait_for)."""

    __slots__ = ("ticket", "held")

    def __init__(self, ticket: int) -> None:
        self.ticket, self.held = ticket, False


_TURN: contextvars.ContextVar[Optional[_Pass]] = contextvars.ContextVar("jineng_turn_pass", default=None)


def gate() -> TurnGate:
    global _GATE
    if _GATE is None:
        _GATE = TurnGate()
    return _GATE


@contextlib.asynccontextmanager
async def turn() -> AsyncIterator[None]:
    """Holds a slot for the whole turn (except while ``outside_gate``)."""
    if _TURN.get() is not None:  # re-entrant: this task is already a gated turn
        yield
        return
    current = gate()
    ticket = _Pass(current.ticket())
    await current.acquire(ticket.ticket)
    ticket.held = True
    token = _TURN.set(ticket)
    try:
        yield
    finally:
        _TURN.reset(token)
        if ticket.held:
            ticket.held = False
            current.release()


@contextlib.asynccontextmanager
async def outside_gate() -> AsyncIterator[None]:
    """Gives the slot up while waiting on the network; takes it back with the same ticket."""
    ticket = _TURN.get()
    if ticket is None or not ticket.held:
        yield
        return
    current = gate()
    ticket.held = False
    current.release()
    try:
        yield
    finally:
        await current.acquire(ticket.ticket)  # if cancelled here, the turn goes on unheld
        ticket.held = True


def install() -> None:
    """Runs every ``MessageProcessor.handle_message`` (all channels) through the gate."""
    from rasa.core.processor import MessageProcessor

    if is_patched(MessageProcessor, "handle_message"):
        return
    original = MessageProcessor.handle_message

    async def handle_message(self, message: Any):
        async with turn():
            return await original(self, message)

    handle_message._jineng_gated = True  # type: ignore[attr-defined]
    patch(MessageProcessor, "handle_message", handle_message)
