"""The generated lookup tables are up to date with the vocabulary."""

import subprocess
import sys

from servers import ROOT


def test_lookup_tables_are_generated_from_the_vocabulary():
    r = subprocess.run(
        [sys.executable, "-m", "bot.nlu.generate_lookups", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stdout + r.stderr
