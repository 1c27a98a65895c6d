"""The generated training data (lookup tables, side questions with facts) is up to date."""

import subprocess
import sys

import pytest

from servers import ROOT


@pytest.mark.parametrize(
    "generator", ["bot.nlu.generate_lookups", "scripts.gen_side_with_facts", "scripts.gen_own_case_questions"]
)
def test_generated_training_data_is_up_to_date(generator):
    """lookups.yml from the vocabulary; side_with_facts.yml from the vocabulary and faq.yml."""
    r = subprocess.run(
        [sys.executable, "-m", generator, "--check"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stdout + r.stderr
