"""`make bench` drives its load with wrk and scripts/bench_conversations.lua: the figures
are only worth something if those are the bench's real conversations, turn after turn
under one sender, answered, and counted as failed when they are not."""

import re
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from servers import running_stack

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import bench_load  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is installed by the Makefile")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    directory = tmp_path_factory.mktemp("bench-driver")
    with running_stack(directory, {"RATE_LIMIT_BURST": "0"}) as s:
        s.directory = directory
        yield s


def stored_turns(db: Path):
    """User texts and bot replies of each wrk conversation, in order."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "select sender_id, type_name, data from events "
            "where sender_id like 'bench-wrk-%' and type_name in ('user', 'bot') order by id"
        ).fetchall()
    conversations = {}
    for sender, kind, data in rows:
        conversations.setdefault(sender, []).append((kind, re.search(r'"text":\s*"((?:[^"\\]|\\.)*)"', data).group(1)))
    return conversations


def test_wrk_runs_the_bench_conversations_and_they_are_answered(stack):
    row = bench_load.run_level_wrk(stack.url, 3, 10, 4)
    assert row["errors"] == 0 and row["turns"] >= 30 and row["concurrency"] == 3
    assert 0 < row["p50"] <= row["p95"] <= row["p99"] and row["tps"] == pytest.approx(row["turns"] / row["seconds"])

    conversations = stored_turns(stack.directory / "tracker.db")
    complete = {s: turns for s, turns in conversations.items() if sum(k == "user" for k, _ in turns) == 10}
    assert len(complete) >= 3
    for sender, turns in complete.items():
        slot, number = map(int, re.match(r"bench-wrk-(\d+)-(\d+)-", sender).groups())
        assert number % 3 == slot  # conversation i, i + 3, … of its slot
        expected = [
            t.format(
                grade=bench_load.GRADES[number % 3],
                year=2012 + number % 12,
                place=bench_load.PLACES[number % len(bench_load.PLACES)],
            )
            for t in bench_load.SCRIPT
        ]
        users = [text for kind, text in turns if kind == "user"]
        assert users == expected
        kinds = [kind for kind, _ in turns]
        assert all(after == "bot" for before, after in zip(kinds, kinds[1:] + ["end"]) if before == "user")
        replies_after_place = turns[turns.index(("user", expected[3])) + 1][1]
        assert "职称" in replies_after_place and "依据" in replies_after_place


def test_wrk_counts_failed_turns(stack):
    """A turn answered with an error status is a failed turn, as in the Python driver."""
    row = bench_load.run_level_wrk(f"{stack.url}/no-such-channel", 2, 10, 2)
    assert row["turns"] > 4 and row["errors"] == row["turns"]


def test_wrk_failure_is_an_error_not_a_figure():
    with pytest.raises(RuntimeError, match="wrk failed"):
        bench_load.run_level_wrk("http://127.0.0.1:9", 1, 10, 1)
