"""Clauses and negation: where a message is cut, and what a 不/没 covers.

A message is cut into clauses at punctuation, at contrast words (不过, 但是, 可是 …) and at a
space between Chinese words; a negation covers its own clause only. Words that contain 不/没
without negating (不过, 不少, 是不是 …) are masked first. ``fold`` makes every message the
same shape before it is read (full-width ASCII, control characters, “高级 技师”).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache
from typing import Tuple


def fold(text: str) -> str:
    """Same-length normalisation: full-width ASCII → ASCII, control chars → space."""
    out = []
    for ch in text:
        o = ord(ch)
        if 0xFF01 <= o <= 0xFF5E:
            out.append(chr(o - 0xFEE0))
        elif ch == "\u3000":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs") and ch not in "\n\r\t":
            out.append(" ")
        else:
            out.append(ch)
    # “高级 技师”, “高级 工程师” (a voice transcript, a hotline note): the level's words joined, the space
    # moved after them — the same length, so every span still points into the message
    return _SPACED_GRADE.sub(lambda m: m.group(1) + m.group(3) + m.group(2), "".join(out))


_SPACED_GRADE = re.compile(r"(初级|中级|高级|助理|正高级)([ \t]+)(工(?![程作资厂人])|[\u4e00-\u9fff]{0,4}?师)")


# ---------------------------------------------------------------------------------------
# Clauses

PUNCTUATION = "，。,;；!！?？\n\r…~～"
PUNCT = re.compile("[" + re.escape(PUNCTUATION) + "]")
# a contrast word starts a new clause (and belongs to it)
_CONTRAST = re.compile(r"不过|(?<![不])但是|(?<![不])但(?!凡|愿)|可是|然而|而是|只是|却")


# A space between two Chinese words cuts a clause as a comma does ("二级证 二零二三年取得 年度考核
# 一直合格", typed on a phone or heard by voice input), but not after a negation ("不是 技师")
# nor around a number ("干了 3 年"); before a duration ("百色 3年") it does, and between two
# times ("3年 2023年"), but not before a year ("工程师 2020年拿的证": the title's).
_SPACE_CUT = re.compile(
    r"(?<=[\u4e00-\u9fff])(?<![不没未无非])(?<!不是)(?<!没有)[ \t\u3000]+(?=[\u4e00-\u9fff]|\d{1,2}\s*年)"
    r"|(?:(?<=年)|(?<=年了)|(?<=年多))[ \t\u3000]+(?=\d)"  # "百色 3年 2023年…": two times, two clauses
)


# Voice input has no commas: a new “我是/我在/我自己…” after other words starts a clause
# (“我妈退休了我还没有我是高级工”: the 没有 is not about the grade), unless it is the
# condition of a what-if (“要是我是技师”) or what someone said (“他说我是…”).
_VOICE_CUT = re.compile(
    r"(?<=[\u4e00-\u9fff])(?<!如果)(?<!要是)(?<!假如)(?<!假设)(?<!假若)(?<!万一)(?<![若说问和跟与])"
    r"(?=(?:我|俺|本人)(?:是|在|自己|也是|现在是|目前是|今年))"
)


# “拿证三年哦不对四年了”: a self-correction cuts like a comma (voice input has none)
_CORRECTION_CUT = re.compile(r"(?:哦|噢|啊|呃)?(?:(?<!对)不对|说错了|搞错了)")


@lru_cache(maxsize=128)
def _clause_spans(text: str) -> Tuple[Tuple[int, ...], Tuple[int, ...]]:
    starts, ends = [], []
    start = 0
    cuts = sorted(
        [(m.start(), m.end()) for m in PUNCT.finditer(text)]
        + [(m.start(), m.end()) for m in _SPACE_CUT.finditer(text)]
        + [(m.start(), m.start()) for m in _CONTRAST.finditer(text)]
        + [(m.start(), m.start()) for m in _VOICE_CUT.finditer(text)]
        + [(m.start(), m.end()) for m in _CORRECTION_CUT.finditer(text)]
    )
    for cut_start, cut_end in cuts:
        if cut_start > start:
            starts.append(start)
            ends.append(cut_start)
        start = max(start, cut_end)
    starts.append(start)
    ends.append(len(text))
    return tuple(starts), tuple(ends)


def clause_bounds(text: str, pos: int) -> Tuple[int, int]:
    """[start, end) of the clause holding ``pos``."""
    starts, ends = _clause_spans(text)
    i = max(0, bisect_right(starts, pos) - 1)
    return starts[i], max(ends[i], min(pos, len(text)))


def clause_before(text: str, pos: int) -> str:
    cs, _ = clause_bounds(text, pos)
    return text[cs:pos]


# ---------------------------------------------------------------------------------------
# Negation

_NOT_NEGATING = re.compile(
    r"不过|要不然|不然|要不|不是很|不太|不少|不管|不论|无论|不仅|不但|不光|不只|不久|不错|不一定|"
    r"不知道|不清楚|不记得|不确定|不如|差不多|不用|不必|不好意思|了不起|不断|不得不|"
    r"(.)[不没]\1|"
    # “我技师啊不是是高级技师”: a self-correction, the word after it is what is meant
    r"不是(?=[，, ]?(?:是|而是))|不对"
)  # A-not-A questions: 是不是, 有没有, 能不能, 可不可(以), 算不算
_NEG = r"(没有|没|未|无|不|从没|从来没|从未|并未|并没有|还没|还没有|尚未|不是|不曾|非|别|冇|唔)"  # 冇, 唔: Cantonese


def mask_non_negating(s: str) -> str:
    """Same length, with the 不/没 of words that negate nothing blanked out."""
    return _NOT_NEGATING.sub(lambda m: "＿" * len(m.group(0)), s)


def negated_before(text: str, pos: int, window: int = 6, reach: int = 5) -> bool:
    """A negation among the last ``window`` characters of the clause before ``pos``, with
    at most ``reach`` characters between it and ``pos``."""
    before = mask_non_negating(clause_before(text, pos))[-window:]
    return re.search(_NEG + r"[^" + re.escape(PUNCTUATION) + r"]{0,%d}$" % reach, before) is not None


def ends_negated(before: str, reach: int) -> bool:
    """``before`` (a clause's start up to a word) ends in a negation ``reach`` chars away at most."""
    return re.search(_NEG + r"[^" + re.escape(PUNCTUATION) + r"]{0,%d}$" % reach, mask_non_negating(before)) is not None
