"""Build the Chinese spaCy pipeline Rasa's SpacyNLP loads, and the jieba user dictionary.

    python -m bot.nlu.build_spacy --out build/spacy_zh --jieba-dir build/jieba

* ``--out``: ``spacy.blank("zh")`` with the jieba segmenter and an ``entity_ruler``
  whose phrase patterns are generated from :func:`bot.nlu.normalise.lexicon` (i.e. from
  ``rules_engine/vocabulary.py``): labels SKILL_GRADE, TITLE, TITLE_LEVEL, AWARD, SERIES,
  PLACE, DEGREE, SCHOOL_CLASS; each pattern's ``id`` is the canonical value
  (``<level>|<series>`` for TITLE, the region for PLACE).
* ``--jieba-dir``: a directory holding ``vocabulary.txt`` (jieba user-dictionary format
  ``word freq tag``) with the same words, so that segmentation keeps them whole.
  Rasa's JiebaTokenizer takes the directory as ``dictionary_path``.

No downloads, no pretrained model.  Idempotent: both outputs are rebuilt from scratch
(written to a temporary sibling and swapped in).  Takes a few seconds.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Optional

from bot.nlu.normalise import TITLE, lexicon

JIEBA_FILE = "vocabulary.txt"
JIEBA_FREQ = 20000  # high enough that jieba keeps the domain words whole
_JIEBA_TAG = {"PLACE": "ns", "AWARD": "nz", "SERIES": "nz"}


def patterns() -> List[Dict[str, str]]:
    out = []
    for surface, term in sorted(lexicon().items()):
        ident = f"{term.value}|{term.series}" if term.label == TITLE else term.value
        out.append({"label": term.label, "pattern": surface, "id": ident})
    return out


def jieba_lines() -> List[str]:
    lines = []
    for surface, term in sorted(lexicon().items()):
        if " " in surface:
            continue
        lines.append(f"{surface} {JIEBA_FREQ} {_JIEBA_TAG.get(term.label, 'n')}")
    return lines


def write_jieba_dict(jieba_dir: Path) -> Path:
    jieba_dir = Path(jieba_dir)
    jieba_dir.mkdir(parents=True, exist_ok=True)
    for old in jieba_dir.glob("*"):
        if old.is_file():
            old.unlink()
    path = jieba_dir / JIEBA_FILE
    path.write_text("\n".join(jieba_lines()) + "\n", encoding="utf-8")
    return path


def load_jieba_dict(jieba_dir: Path) -> None:
    """Make the process-wide jieba segmenter keep the domain words whole."""
    import jieba

    for path in sorted(Path(jieba_dir).glob("*.txt")):
        jieba.load_userdict(str(path))


def make_nlp():
    import spacy

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    ruler.add_patterns(patterns())
    nlp.meta["name"] = "jineng_zh_ruler"
    nlp.meta["version"] = "0.1.0"
    nlp.meta["description"] = "blank zh (jieba) + entity_ruler generated from rules_engine/vocabulary"
    return nlp


def build(out: Path, jieba_dir: Path) -> Path:
    out, jieba_dir = Path(out), Path(jieba_dir)
    write_jieba_dict(jieba_dir)
    load_jieba_dict(jieba_dir)  # patterns are segmented like the runtime text
    nlp = make_nlp()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=out.name + ".", dir=out.parent))
    try:
        nlp.to_disk(tmp)
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out


def load(out: Path, jieba_dir: Optional[Path] = None):
    """Load a built pipeline (loading the jieba dictionary first when given)."""
    import spacy

    if jieba_dir is not None:
        load_jieba_dict(jieba_dir)
    return spacy.load(str(out))


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="build/spacy_zh", type=Path)
    ap.add_argument("--jieba-dir", default="build/jieba", type=Path)
    args = ap.parse_args(argv)
    path = build(args.out, args.jieba_dir)
    print(
        f"spaCy pipeline: {path} ({len(patterns())} ruler patterns); "
        f"jieba dictionary: {args.jieba_dir / JIEBA_FILE}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
