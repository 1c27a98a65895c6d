"""The generated training data (lookup tables, side questions with facts) is up to date."""

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


def test_side_questions_with_facts_are_generated_from_the_vocabulary_and_the_faq_data():
    r = subprocess.run(
        [sys.executable, "-m", "scripts.gen_side_with_facts", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stdout + r.stderr
