"""The runtime is installed whatever channels credentials.yml lists (issue 16 item 1: a
credentials file without our REST channel used to run plain Rasa, with no action timeout,
no log filter, no speed patches): a server with only Rasa's own REST channel, started as
every server is (python -m bot.runtime), still forks its NLU helper once the model is in,
answers, and keeps PII out of its log. And every place that starts a Rasa server starts it
through bot.runtime."""

import re
import uuid
from pathlib import Path

import pytest

from servers import LOGS, ROOT, running_stack


@pytest.fixture(scope="module")
def plain_channels_stack(tmp_path_factory):
    directory = tmp_path_factory.mktemp("runtime")
    credentials = directory / "credentials.yml"
    credentials.write_text("rest:\n", encoding="utf-8")  # Rasa's own REST channel, nothing of ours
    with running_stack(directory, credentials=str(credentials)) as stack:
        yield stack


def test_the_runtime_does_not_depend_on_the_channels(plain_channels_stack):
    stack = plain_channels_stack
    sender = f"rt-{uuid.uuid4().hex[:8]}"
    reply = " ".join(stack.say(sender, "我是技师，手机13812345678，在包头，拿证五年了"))
    assert "职称" in reply
    pid = stack.procs["rasa"].pid
    assert len(Path(f"/proc/{pid}/task/{pid}/children").read_text().split()) == 1  # the NLU helper
    log = (LOGS / f"rasa-{stack.rasa_port}.log").read_text(encoding="utf-8", errors="replace")
    assert "13812345678" not in log


STARTERS = ["scripts/run.sh", "scripts/cluster.sh", "deploy/k8s/jineng.yaml", "tests/servers.py", "Makefile"]


@pytest.mark.parametrize("path", STARTERS)
def test_every_server_start_goes_through_the_runtime(path):
    text = (ROOT / path).read_text(encoding="utf-8")
    starts = re.findall(
        r"[^\n]*\b(?:rasa[\"']?,? [\"']?(?:run|shell)\b(?! actions)|bot\.runtime)[^\n]*", text, re.IGNORECASE
    )
    assert starts, path
    plain = [
        line.strip()
        for line in starts
        if "bot.runtime" not in line and "actions" not in line and not line.strip().startswith("#")
    ]
    assert plain == [], path
