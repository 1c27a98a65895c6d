"""Parses user messages in a helper process, so NLU runs on the machine's second core.

One Rasa process computes on one core: at 10 concurrent conversations it was busy 99% of
the time, about a fifth of it in the NLU graph, while the second core (action server, the
clients) had room to spare. The helper is a fork of the server taken right after the model
has loaded (``after_server_start``), so it holds the very same NLU graph without loading
anything and shares the server's memory pages (``gc.freeze`` ran before the fork, so the
collector does not touch, and copy, the frozen objects). The server sends it the message
and, while the helper parses, goes on with other turns' dialogue (the turn gives its
``turn_gate`` slot up during the wait, as it does for the action server).

Exactness: the helper runs Rasa's own ``_parse_message_with_graph`` on the same message
fields; the NLU graph reads no tracker (its nodes need only the message and the domain).
Anything unusual — the helper died, timed out, raised, or a model was replaced — and the
message is parsed in the server process, as Rasa does without this module: nothing is lost,
the turn is only slower. A dead helper is forked again at most every ``RESTART_AFTER`` s.

The helper closes every file descriptor it inherited (the listening socket, database
connections, the event loop's) except its socket to the server and stdio, and dies with
the server (``PR_SET_PDEATHSIG``, and end of file on its socket).

``NLU_HELPER=0`` turns it off (parse in the server process).
"""

from __future__ import annotations

import asyncio
import ctypes
import itertools
import logging
import os
import pickle
import signal
import socket
import struct
import time
from typing import Any, Dict, Optional, Text

from bot.patching import is_patched, patch

logger = logging.getLogger(__name__)

TIMEOUT = float(os.environ.get("NLU_HELPER_TIMEOUT", "10"))
RESTART_AFTER = 10.0
_HEADER = struct.Struct("!I")
_PR_SET_PDEATHSIG = 1


def enabled() -> bool:
    return os.environ.get("NLU_HELPER", "1").strip().lower() not in ("0", "false", "no", "off")


# ---------------------------------------------------------------------------- helper side


def _recv_exactly(sock: socket.socket, size: int) -> Optional[bytes]:
    chunks, missing = [], size
    while missing:
        chunk = sock.recv(missing)
        if not chunk:
            return None
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def _parse_in_helper(processor: Any, fields: Dict[Text, Any]) -> Dict[Text, Any]:
    from rasa.core.channels.channel import UserMessage
    from rasa.shared.core.trackers import DialogueStateTracker

    message = UserMessage(**fields)
    tracker = DialogueStateTracker.from_events(message.sender_id, [])
    return processor._parse_message_with_graph(message, tracker, True)


def _serve(sock: socket.socket, processor: Any) -> None:
    """The helper's whole life: answer parse requests until the server goes away."""
    code = 0
    try:
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
        if os.getppid() == 1:  # the server died before we could ask to die with it
            return
        signal.set_wakeup_fd(-1)
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, signal.SIG_DFL)
        keep = sorted({0, 1, 2, sock.fileno()})
        for low, high in zip(keep, keep[1:] + [os.sysconf("SC_OPEN_MAX")]):
            os.closerange(low + 1, high)
        sock.setblocking(True)
        while True:
            header = _recv_exactly(sock, _HEADER.size)
            if header is None:
                return
            request_id, fields = pickle.loads(_recv_exactly(sock, _HEADER.unpack(header)[0]) or b"")
            try:
                answer = (request_id, True, _parse_in_helper(processor, fields))
            except Exception as error:  # the server re-parses itself and sees it
                answer = (request_id, False, f"{type(error).__name__}: {error}")
            payload = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
            sock.sendall(_HEADER.pack(len(payload)) + payload)
    except BaseException:  # noqa: B036 — nothing may unwind into the server's code
        code = 1
    finally:
        os._exit(code)


# ---------------------------------------------------------------------------- server side


class HelperUnavailable(Exception):
    pass


class ParseHelper:
    """The server's end: sends messages, matches answers to requests by id."""

    def __init__(self, processor: Any) -> None:
        self.processor = processor
        self.pid: Optional[int] = None
        self._sock: Optional[socket.socket] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._pending: Dict[int, asyncio.Future] = {}
        self._ids = itertools.count()
        self._buffer = bytearray()
        self._stopped_at = 0.0

    @property
    def alive(self) -> bool:
        return self._sock is not None

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        server_end, helper_end = socket.socketpair()
        pid = os.fork()
        if pid == 0:  # the helper: never returns
            _serve(helper_end, self.processor)
        helper_end.close()
        server_end.setblocking(False)
        self._sock, self.pid, self._buffer = server_end, pid, bytearray()
        self._loop.add_reader(server_end.fileno(), self._on_readable)
        logger.info("NLU helper process %d started", pid)

    async def parse(self, message: Any) -> Dict[Text, Any]:
        """The helper's parse of ``message``; ``HelperUnavailable`` if it cannot give one."""
        if not self.alive and time.monotonic() - self._stopped_at >= RESTART_AFTER:
            self.start()
        if not self.alive:
            raise HelperUnavailable("NLU helper not running")
        request_id = next(self._ids)
        fields = dict(
            text=message.text,
            sender_id=message.sender_id,
            input_channel=message.input_channel,
            message_id=message.message_id,
            metadata=message.metadata,
        )
        payload = pickle.dumps((request_id, fields), protocol=pickle.HIGHEST_PROTOCOL)
        future = self._loop.create_future()
        self._pending[request_id] = future
        try:
            await self._loop.sock_sendall(self._sock, _HEADER.pack(len(payload)) + payload)
            ok, result = await asyncio.wait_for(future, TIMEOUT)
        except asyncio.TimeoutError:
            self.stop(f"no answer within {TIMEOUT:g} s")
            raise HelperUnavailable("NLU helper timed out") from None
        except (OSError, AttributeError) as error:  # AttributeError: stopped while sending
            self.stop(f"cannot send: {error}")
            raise HelperUnavailable("NLU helper unreachable") from error
        finally:
            self._pending.pop(request_id, None)
        if not ok:
            raise HelperUnavailable(result)
        return result

    def _on_readable(self) -> None:
        try:
            data = self._sock.recv(1 << 16)
        except BlockingIOError:
            return
        except OSError as error:
            self.stop(f"read failed: {error}")
            return
        if not data:
            self.stop("it exited")
            return
        self._buffer += data
        while len(self._buffer) >= _HEADER.size:
            size = _HEADER.unpack_from(self._buffer)[0]
            if len(self._buffer) < _HEADER.size + size:
                break
            request_id, ok, result = pickle.loads(bytes(self._buffer[_HEADER.size : _HEADER.size + size]))
            del self._buffer[: _HEADER.size + size]
            future = self._pending.get(request_id)
            if future is not None and not future.done():
                future.set_result((ok, result))

    def stop(self, why: Text = "stopped") -> None:
        """Ends the helper (if still there) and fails the requests waiting on it."""
        if self._sock is None:
            return
        sock, pid, self._sock, self.pid = self._sock, self.pid, None, None
        self._stopped_at = time.monotonic()
        self._loop.remove_reader(sock.fileno())
        sock.close()
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
        for future in self._pending.values():
            if not future.done():
                future.set_exception(HelperUnavailable(why))
        logger.warning(
            "NLU helper process %d stopped (%s); messages are parsed in the server "
            "process until it is started again",
            pid,
            why,
        )


_HELPER: Optional[ParseHelper] = None


def start(agent: Any) -> None:
    """Forks the helper for the loaded model (once per server process)."""
    global _HELPER
    if _HELPER is not None or not enabled() or agent is None or not agent.is_ready():
        return
    _HELPER = ParseHelper(agent.processor)
    _HELPER.start()
    install()


def install() -> None:
    """Routes ``MessageProcessor.parse_message`` through the helper of that processor."""
    from rasa.core.processor import MessageProcessor

    from bot.turn_gate import outside_gate

    if is_patched(MessageProcessor, "parse_message"):
        return
    original = MessageProcessor.parse_message

    async def parse_message(self, message, tracker=None, only_output_properties: bool = True):
        helper = _HELPER
        if (
            helper is None
            or helper.processor is not self
            or not only_output_properties
            or self.http_interpreter is not None
        ):
            return await original(self, message, tracker, only_output_properties)
        try:
            async with outside_gate():
                parse_data = await helper.parse(message)
        except HelperUnavailable as why:
            logger.debug("parsing in the server process: %s", why)
            return await original(self, message, tracker, only_output_properties)
        self._update_full_retrieval_intent(parse_data)
        self._check_for_unseen_features(parse_data)
        return parse_data

    patch(MessageProcessor, "parse_message", parse_message)
