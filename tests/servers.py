"""Starts the real action server and Rasa server on free loopback ports for end-to-end
tests, and stops them afterwards. Bounded waits; logs go to build/test-logs/."""
from __future__ import annotations

import os
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, Optional

import requests

ROOT = Path(__file__).resolve().parents[1]
RASA = str(ROOT / ".venv" / "bin" / "rasa")
LOGS = ROOT / "build" / "test-logs"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def model_path() -> Path:
    path = Path(os.environ.get("JINENG_TEST_MODEL", ROOT / "models" / "current.tar.gz"))
    assert path.exists(), f"no trained model at {path}: run `make train` (make test does it)"
    return path


def wait_until(url: str, timeout: float, ok=lambda r: r.status_code == 200) -> None:
    deadline = time.monotonic() + timeout
    last: Optional[Exception] = None
    while time.monotonic() < deadline:
        try:
            if ok(requests.get(url, timeout=2)):
                return
        except requests.RequestException as err:
            last = err
        time.sleep(0.5)
    raise TimeoutError(f"{url} not ready after {timeout}s ({last})")


class Stack:
    def __init__(self, env: Dict[str, str], rasa_port: int, action_port: int):
        self.env, self.rasa_port, self.action_port = env, rasa_port, action_port
        self.procs: Dict[str, subprocess.Popen] = {}
        LOGS.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def start_actions(self) -> None:
        log = open(LOGS / f"actions-{self.action_port}.log", "ab")
        self.procs["actions"] = subprocess.Popen(
            [RASA, "run", "actions", "--actions", "actions", "--port", str(self.action_port)],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        wait_until(f"http://127.0.0.1:{self.action_port}/health", 90)

    def stop_actions(self) -> None:
        self._stop("actions")

    def start_rasa(self) -> None:
        log = open(LOGS / f"rasa-{self.rasa_port}.log", "ab")
        self.procs["rasa"] = subprocess.Popen(
            [RASA, "run", "--enable-api", "--auth-token", self.env["RASA_TOKEN"], "-m", str(model_path()),
             "--credentials", "credentials.yml", "--endpoints", "endpoints.yml",
             "--port", str(self.rasa_port), "-i", "127.0.0.1"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        wait_until(f"{self.url}/status?token={self.env['RASA_TOKEN']}", 180)

    def _stop(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()

    def stop(self) -> None:
        for name in list(self.procs):
            self._stop(name)

    def say(self, sender: str, message: str):
        r = requests.post(f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=60)
        r.raise_for_status()
        return [m.get("text", "") for m in r.json()]


@contextmanager
def running_stack(tmp_dir: Path) -> Iterator[Stack]:
    rasa_port, action_port = free_port(), free_port()
    env = dict(os.environ,
               RASA_TOKEN="test-rasa-token", ASSIST_TOKEN="test-assist-token", WECHAT_TOKEN="test-wechat-token",
               ACTION_ENDPOINT_URL=f"http://127.0.0.1:{action_port}/webhook",
               TRACKER_DB=str(tmp_dir / "tracker.db"), JINENG_TODAY="2026-11-21")
    stack = Stack(env, rasa_port, action_port)
    try:
        stack.start_actions()
        stack.start_rasa()
        yield stack
    finally:
        stack.stop()
