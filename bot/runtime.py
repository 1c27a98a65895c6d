"""The one start-up step: everything this project changes in the Rasa server process.

``python -m bot.runtime run …`` is ``rasa run …`` (same arguments) with this installed
first, whatever channels credentials.yml configures; scripts/run.sh, scripts/cluster.sh,
the k8s manifest and the test stacks start the server this way. Channels only build their
routes: none of them installs anything.

At start (``install``):
- the log filter that redacts 身份证号 / 手机号 from every log line (bot.privacy), installed
  again before the server starts, on the handlers Rasa's CLI set up meanwhile;
- the action watch: an action-server call times out after ``ACTION_TIMEOUT`` and a failed
  call is noted for the channel guard (bot.guard), which rewinds and replays the turn;
- the socket.io fix (Rasa 3.6's channel forgets to await ``enter_room``; listener below);
- unless the speed patches are off (``RASA_PATCHES=off``, or a Rasa other than 3.6.x:
  bot.rasa_patches.enabled): the speed patches (bot.rasa_patches) and the turn gate
  (bot.turn_gate); the tracker store's speed paths follow the same decision
  (bot.tracker_store: ``RedactingSQLTrackerStore.speed_paths``; its redaction stays on).
Once the model is loaded (``model_loaded``, after_server_start), unless the patches are
off: the loaded objects frozen out of the garbage collector's reach, then the NLU helper
process forked (bot.parse_helper), which so shares the frozen pages.
"""

from __future__ import annotations

import functools
import inspect
import logging
import sys
import uuid
from typing import Any, Callable, Dict, List, Optional, Text, Tuple

from bot import parse_helper, rasa_patches, turn_gate
from bot.guard import install_action_watch
from bot.patching import patch
from bot.privacy import install_log_filter
from bot.tracker_store import RedactingSQLTrackerStore

logger = logging.getLogger(__name__)

_speed_patches: Optional[bool] = None


def install() -> bool:
    """Installs what the module docstring lists (once); True when the speed patches are in."""
    global _speed_patches
    if _speed_patches is None:
        install_log_filter()
        install_action_watch()
        _speed_patches = rasa_patches.install()
        RedactingSQLTrackerStore.speed_paths = _speed_patches
        if _speed_patches:
            turn_gate.install()
    return _speed_patches


def model_loaded(app: Any, _loop: Any = None) -> None:
    """After the server started with a loaded model: the GC freeze, then the NLU helper."""
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    if not install() or agent is None or not callable(getattr(agent, "is_ready", None)):
        return
    rasa_patches.freeze_loaded_objects(agent)
    parse_helper.start(agent)


def fix_socketio_session_rooms(app: Any, _loop: Any = None) -> None:
    """Rasa 3.6.21's socket.io channel calls ``sio.enter_room()`` without ``await``; since
    python-socketio 5.x made it a coroutine, with ``session_persistence: true`` the socket
    never joins its session room and the bot's replies (emitted to that room) reach nobody.
    When that is the case, the ``session_request`` handler is registered again with the same
    behaviour plus the missing ``await``. A fix, not a speed patch: on with RASA_PATCHES=off."""
    bp = app.blueprints.get("socketio_webhook")
    sio = getattr(getattr(bp, "ctx", None), "sio", None)
    if sio is None or not inspect.iscoroutinefunction(getattr(sio, "enter_room", None)):
        return
    namespace = next((ns for ns, handlers in sio.handlers.items() if "session_request" in handlers), None)
    if namespace is None:
        return

    async def session_request(sid: Text, data: Optional[Dict]) -> None:
        data = data if isinstance(data, dict) else {}
        if not data.get("session_id") or not isinstance(data["session_id"], str):
            data["session_id"] = uuid.uuid4().hex
        await sio.enter_room(sid, data["session_id"], namespace=namespace)
        await sio.emit("session_confirm", data["session_id"], room=sid, namespace=namespace)

    sio.on("session_request", handler=session_request, namespace=namespace)
    logger.info("socket.io: session_request now awaits enter_room (Rasa 3.6 + python-socketio 5)")


def filter_logs(_app: Any = None, _loop: Any = None) -> None:
    """The PII log filter on the handlers configured since ``install`` (Rasa's CLI sets
    up logging after our start-up step; a filter on the root logger alone would not see
    records of other loggers)."""
    install_log_filter()


def listeners() -> List[Tuple[Callable[..., Any], Text]]:
    """The listeners Rasa's ``serve_application`` registers on the app it builds."""
    return [
        (filter_logs, "before_server_start"),
        (fix_socketio_session_rooms, "before_server_start"),
        (model_loaded, "after_server_start"),
    ]


def main(argv: Optional[List[Text]] = None) -> None:
    """``rasa`` with the runtime installed and its listeners on the server's app."""
    import rasa.__main__
    import rasa.core.run

    install()
    serve = rasa.core.run.serve_application

    @functools.wraps(serve)
    def serve_application(*args: Any, server_listeners: Optional[List] = None, **kwargs: Any) -> None:
        return serve(*args, server_listeners=list(server_listeners or []) + listeners(), **kwargs)

    patch(rasa.core.run, "serve_application", serve_application)
    sys.argv = ["rasa"] + list(sys.argv[1:] if argv is None else argv)
    rasa.__main__.main()


if __name__ == "__main__":
    from bot import runtime as _runtime  # run as bot.runtime (its state, its logger name), not as __main__'s copy

    _runtime.main()
