"""Command line: `python -m rules_engine evaluate|explain|articles|topic|sheet`.

evaluate reads one profile (JSON) on stdin and prints the decision as JSON; explain
prints the same decision as readable Chinese. Bad input: message on stderr, exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys

from . import evaluate, vocabulary
from .explain import render
from .knowledge import answer_topic, iter_articles, topics
from .loader import short_name
from .profile import ProfileError

EXIT_BAD_INPUT = 2


def _read_profile() -> dict:
    raw = sys.stdin.read()
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ProfileError(f"输入不是合法的 JSON（第{exc.lineno}行第{exc.colno}列）：{exc.msg}") from None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rules_engine", description="技能贯通规则引擎")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("evaluate", help="stdin: 申请人信息 JSON → stdout: 决定 JSON")
    sub.add_parser("explain", help="stdin: 申请人信息 JSON → stdout: 中文说明")
    arts = sub.add_parser("articles", help="知识库：逐条列出三份文件的条款")
    arts.add_argument("--doc", choices=vocabulary.REGIONS)
    arts.add_argument("--json", action="store_true")
    top = sub.add_parser("topic", help="按问题类别回答（费用、时间、材料……）")
    top.add_argument("topic", help="、".join(topics()))
    top.add_argument("--region", default="national", choices=vocabulary.REGIONS)
    sh = sub.add_parser("sheet", help="答复核对表：每种不同结论一个代表情形（供人社局审核签字）")
    sh.add_argument(
        "--region", required=True, choices=(*vocabulary.REGIONS, "all"), help="一个地区，或 all：每个地区各一份"
    )
    sh.add_argument("--write", action="store_true", help="写入 docs/answers/<region>.md 而不是打印")
    args = parser.parse_args(argv)

    try:
        if args.command in ("evaluate", "explain"):
            decision = evaluate(_read_profile())
            if args.command == "evaluate":
                print(json.dumps(decision, ensure_ascii=False, indent=2))
            else:
                print(render(decision))
        elif args.command == "articles":
            rows = [a for a in iter_articles() if not args.doc or a["doc"] == args.doc]
            if args.json:
                print(json.dumps(rows, ensure_ascii=False, indent=2))
            else:
                for a in rows:
                    print(f"{short_name(a['doc'])}{a['article']}\n  {a['text']}\n")
        elif args.command == "sheet":
            from .sheet import render as render_sheet, sheet_path

            for region in vocabulary.REGIONS if args.region == "all" else (args.region,):
                text = render_sheet(region)
                if args.write:
                    sheet_path(region).parent.mkdir(parents=True, exist_ok=True)
                    sheet_path(region).write_text(text, encoding="utf-8")
                    print(f"wrote {sheet_path(region)}")
                else:
                    print(text, end="")
        elif args.command == "topic":
            for ans in answer_topic(args.topic, args.region):
                print(f"{ans['text']}（{ans['source']}）")
    except ProfileError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyError as exc:
        print(f"错误：{exc.args[0]}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


if __name__ == "__main__":
    sys.exit(main())
