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
# The Rasa server is started as `make run` starts it: `rasa run` with our runtime (bot/runtime.py).
RASA_SERVER = [str(ROOT / ".venv" / "bin" / "python"), "-m", "bot.runtime"]
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
    def __init__(
        self,
        env: Dict[str, str],
        rasa_port: int,
        action_port: int,
        endpoints: str = "endpoints.yml",
        credentials: str = "credentials.yml",
    ):
        self.env, self.rasa_port, self.action_port = env, rasa_port, action_port
        self.endpoints, self.credentials = endpoints, credentials
        self.procs: Dict[str, subprocess.Popen] = {}
        LOGS.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def start_actions(self) -> None:
        log = open(LOGS / f"actions-{self.action_port}.log", "ab")
        self.procs["actions"] = subprocess.Popen(
            [RASA, "run", "actions", "--actions", "actions", "--port", str(self.action_port)],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_until(f"http://127.0.0.1:{self.action_port}/health", 90)

    def stop_actions(self) -> None:
        self._stop("actions")

    def kill_rasa(self) -> None:
        """SIGKILL, as a crash: no shutdown hooks, nothing flushed."""
        proc = self.procs.pop("rasa", None)
        if proc and proc.poll() is None:
            proc.kill()
            proc.wait(15)

    def tracker(self, sender: str) -> dict:
        r = requests.get(f"{self.url}/conversations/{sender}/tracker?token={self.env['RASA_TOKEN']}", timeout=30)
        r.raise_for_status()
        return r.json()

    def start_rasa(self) -> None:
        log = open(LOGS / f"rasa-{self.rasa_port}.log", "ab")
        self.procs["rasa"] = subprocess.Popen(
            [
                *RASA_SERVER,
                "run",
                "--enable-api",
                "--auth-token",
                self.env["RASA_TOKEN"],
                "-m",
                str(model_path()),
                "--credentials",
                self.credentials,
                "--endpoints",
                self.endpoints,
                "--port",
                str(self.rasa_port),
                "-i",
                "127.0.0.1",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
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
def running_stack(
    tmp_dir: Path,
    extra_env: Optional[Dict[str, str]] = None,
    endpoints: str = "endpoints.yml",
    credentials: str = "credentials.yml",
) -> Iterator[Stack]:
    rasa_port, action_port = free_port(), free_port()
    env = dict(
        os.environ,
        SANIC_HOST="127.0.0.1",
        RASA_TOKEN="test-rasa-token",
        ASSIST_TOKEN="test-assist-token",
        WECHAT_TOKEN="test-wechat-token",
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{action_port}/webhook",
        TRACKER_DB=str(tmp_dir / "tracker.db"),
        JINENG_TODAY="2026-11-21",
    )
    env.update(extra_env or {})
    stack = Stack(env, rasa_port, action_port, endpoints, credentials)
    try:
        stack.start_actions()
        stack.start_rasa()
        yield stack
    finally:
        stack.stop()


# ------------------------------------------------------------------ scale-out profile

CLUSTER_SCRIPT = ROOT / "scripts" / "cluster.sh"


def missing_cluster_binaries() -> Optional[str]:
    """None when PostgreSQL, Redis and nginx are installed, else what is missing."""
    import glob
    import shutil

    missing = [
        name
        for name, found in (
            ("postgresql", glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")),
            ("redis-server", shutil.which("redis-server")),
            ("nginx", shutil.which("nginx")),
        )
        if not found
    ]
    return ", ".join(missing) or None


class Cluster:
    """scripts/cluster.sh on free loopback ports with its data under ``directory``."""

    def __init__(self, directory: Path, extra_env: Optional[Dict[str, str]] = None):
        self.rasa_ports = [free_port(), free_port()]
        self.action_ports = [free_port(), free_port()]
        self.nginx_port, self.actions_lb_port = free_port(), free_port()
        self.pg_port, self.redis_port = free_port(), free_port()
        self.env = dict(
            os.environ,
            CLUSTER_DIR=str(directory),
            MODEL=str(model_path()),
            PG_PORT=str(self.pg_port),
            REDIS_PORT=str(self.redis_port),
            RASA_PORTS=" ".join(map(str, self.rasa_ports)),
            ACTION_PORTS=" ".join(map(str, self.action_ports)),
            NGINX_PORT=str(self.nginx_port),
            ACTIONS_LB_PORT=str(self.actions_lb_port),
            RASA_TOKEN="test-rasa-token",
            ASSIST_TOKEN="test-assist-token",
            WECHAT_TOKEN="test-wechat-token",
            JINENG_TODAY="2026-11-21",
        )
        self.env.update(extra_env or {})
        self.directory = directory

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}"

    def rasa_url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.rasa_ports[i]}"

    def run(self, command: str, timeout: float = 420) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(CLUSTER_SCRIPT), command], cwd=ROOT, env=self.env, timeout=timeout, capture_output=True, text=True
        )

    def start(self) -> None:
        result = self.run("start")
        if result.returncode != 0:
            self.run("stop", 120)
            raise RuntimeError(f"cluster did not start:\n{result.stdout}\n{result.stderr}")

    def stop(self) -> None:
        self.run("stop", 180)

    def pid(self, name: str) -> int:
        return int((self.directory / "run" / f"{name}.pid").read_text())

    def pg(self, command: str) -> None:
        """pg_ctl start|stop on the cluster's PostgreSQL (as the postgres user when root)."""
        import glob

        pg_ctl = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))[-1]
        args = [pg_ctl, "-D", str(self.directory / "pg"), "-w", "-t", "60"]
        if command == "stop":
            args += ["-m", "fast", "stop"]
        else:
            sock = self.directory / "run" / "pgsock"
            args += [
                "-l",
                str(self.directory / "logs" / "postgres.log"),
                "-o",
                f"-p {self.pg_port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={sock}",
                "start",
            ]
        if os.geteuid() == 0:
            args = ["runuser", "-u", "postgres", "--"] + args
        subprocess.run(args, check=True, timeout=90, capture_output=True)

    def say(self, sender: str, message: str, base: Optional[str] = None):
        r = requests.post(
            f"{base or self.url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=60
        )
        r.raise_for_status()
        return [m.get("text", "") for m in r.json()]

    def tracker(self, sender: str) -> dict:
        r = requests.get(f"{self.url}/conversations/{sender}/tracker?token=test-rasa-token", timeout=30)
        r.raise_for_status()
        return r.json()


@contextmanager
def running_cluster(directory: Path, extra_env: Optional[Dict[str, str]] = None) -> Iterator[Cluster]:
    cluster = Cluster(directory, extra_env)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
