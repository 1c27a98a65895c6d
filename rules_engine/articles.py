"""The policy texts, split into articles with the ids CONTRACT.md §1 prescribes.

The ids are derived from the documents' own headings rather than typed by hand, so the
coverage test can check the rules against what the documents really contain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

POLICY_DIR = Path(__file__).parent / "policy"

_CN_NUM = "一二三四五六七八九十"
_SECTION = re.compile(rf"^([{_CN_NUM}]+)、(.*)$")
_SUBSECTION = re.compile(rf"^（([{_CN_NUM}]+)）(.*)$")
_ITEM = re.compile(r"^(\d+)[\.．](.*)$")
_BAISE_ARTICLE = re.compile(rf"^第([{_CN_NUM}]+)条\s*(.*)$")
_BAISE_CHAPTER = re.compile(rf"^第[{_CN_NUM}]+章")
_BAISE_TAIL = ("公开方式", "抄报")


@dataclass
class Article:
    doc: str
    id: str
    parent: Optional[str]
    lines: List[str] = field(default_factory=list)
    children: List[str] = field(default_factory=list)

    @property
    def own_text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class Document:
    id: str
    filename: str
    articles: Dict[str, Article]

    def full_text(self, article_id: str) -> str:
        """An article's text including its sub-items, as a reader of the document sees it."""
        art = self.articles[article_id]
        parts = [art.own_text] + [self.full_text(c) for c in art.children]
        return "\n".join(p for p in parts if p)

    def descendants(self, article_id: str) -> List[str]:
        out: List[str] = []
        for child in self.articles[article_id].children:
            out.append(child)
            out.extend(self.descendants(child))
        return out


DOCUMENT_FILES = {
    "national": "mohrss_2020_96.txt",
    "nei_mongol": "nei_mongol_notice.txt",
    "baise": "baise_rules.txt",
}


def _add(articles: Dict[str, Article], doc: str, art_id: str, parent: Optional[str]) -> Article:
    art = Article(doc=doc, id=art_id, parent=parent)
    articles[art_id] = art
    if parent:
        articles[parent].children.append(art_id)
    return art


def _parse_outline(doc: str, lines: List[str]) -> Dict[str, Article]:
    """Documents numbered 一、 / （一） / 1. — ids are the outline path, e.g. 二（二）1."""
    articles: Dict[str, Article] = {}
    section = subsection = None
    current: Optional[Article] = None
    for line in lines:
        if m := _SECTION.match(line):
            section, subsection = m.group(1), None
            current = _add(articles, doc, section, None)
            current.lines.append(line)
        elif section and (m := _SUBSECTION.match(line)):
            subsection = f"{section}（{m.group(1)}）"
            current = _add(articles, doc, subsection, section)
            current.lines.append(line)
        elif subsection and (m := _ITEM.match(line)):
            current = _add(articles, doc, f"{subsection}{m.group(1)}", subsection)
            current.lines.append(line)
        elif current is not None:
            current.lines.append(line)
    return articles


def _parse_baise(doc: str, lines: List[str]) -> Dict[str, Article]:
    """Documents numbered 第X条, with （一） sub-items, e.g. 第七条（二）."""
    articles: Dict[str, Article] = {}
    article: Optional[Article] = None
    current: Optional[Article] = None
    for line in lines:
        if line.startswith(_BAISE_TAIL):
            break
        if _BAISE_CHAPTER.match(line):
            continue
        if m := _BAISE_ARTICLE.match(line):
            article = current = _add(articles, doc, f"第{m.group(1)}条", None)
            current.lines.append(line)
        elif article and (m := _SUBSECTION.match(line)):
            current = _add(articles, doc, f"{article.id}（{m.group(1)}）", article.id)
            current.lines.append(line)
        elif current is not None:
            # A paragraph after the last sub-item belongs to the article itself
            # (e.g. 第二十一条's closing sentence on 诚信承诺).
            if current is not article and not line.startswith("（") and current.lines and _closes_list(line):
                article.lines.append(line)
            else:
                current.lines.append(line)
    return articles


def _closes_list(line: str) -> bool:
    return line.startswith(("申请人应当", "评价后有上述情形"))


def _clean_lines(raw: str) -> List[str]:
    """Strips indentation and joins lines that the typesetting broke mid-sentence."""
    out: List[str] = []
    for line in raw.splitlines():
        line = line.strip().replace("\u3000", "")
        if not line:
            continue
        if (
            out
            and not re.search(r"[。：；！？”]$", out[-1])
            and not (
                _SECTION.match(line)
                or _SUBSECTION.match(line)
                or _ITEM.match(line)
                or _BAISE_ARTICLE.match(line)
                or _BAISE_CHAPTER.match(line)
            )
        ):
            out[-1] += line
        else:
            out.append(line)
    return out


@lru_cache(maxsize=None)
def load_documents() -> Dict[str, Document]:
    docs = {}
    for doc_id, filename in DOCUMENT_FILES.items():
        lines = _clean_lines((POLICY_DIR / filename).read_text(encoding="utf-8"))
        parser = _parse_baise if doc_id == "baise" else _parse_outline
        docs[doc_id] = Document(doc_id, filename, parser(doc_id, lines))
    return docs


def normalise(text: str) -> str:
    """Whitespace-free form used to check that a quote really stands in an article."""
    return re.sub(r"\s+", "", text)


def base_article(article_id: str) -> str:
    """第七条（四） → 第七条: a cited sub-item also counts as citing its article."""
    return re.sub(r"（[一二三四五六七八九十]+）$", "", article_id) if article_id.startswith("第") else article_id


def resolve(doc: str, article_id: str) -> Optional[Article]:
    docs = load_documents()
    if doc not in docs:
        return None
    return docs[doc].articles.get(article_id)
