"""Write a generated training-data file, or check that it is up to date (--check)."""

from __future__ import annotations

import argparse
from pathlib import Path


def write_or_check(out: Path, text: str, module: str, description: str, argv=None) -> int:
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--check", action="store_true", help="fail if the file is not up to date")
    args = ap.parse_args(argv)
    if args.check:
        ok = out.exists() and out.read_text(encoding="utf-8") == text
        print(f"{out}: {'up to date' if ok else f'STALE – run python -m {module}'}")
        return 0 if ok else 1
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")
    return 0
