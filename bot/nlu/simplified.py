"""Traditional → simplified characters before the NLU reads a message ("我是技師" = "我是技师").

``SimplifiedChinese`` is the pipeline's first component: it rewrites the text every later
component sees (tokenizer, regexes, classifier, normaliser) with OpenCC's ``t2s``
conversion. Only the NLU's reading changes: Rasa builds the ``UserUttered`` event from the
incoming ``UserMessage``'s own text, so the tracker and transcripts keep what the user
typed, while ``parse_data["text"]`` is the text the NLU read (and the actions' regexes).

The conversion keeps the length, so every entity span points at the same characters in
both texts: OpenCC's phrase table may map a phrase to one of another length; then each
character is converted on its own (one character stays one character).
"""

from __future__ import annotations

import logging
from functools import lru_cache

import opencc
from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from bot.nlu.rewriting import TextRewriter

logger = logging.getLogger(__name__)


@lru_cache(maxsize=None)
def _converter() -> "opencc.OpenCC":
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """``text`` in simplified characters, same length (see the module docstring)."""
    if not text or text.isascii():
        return text
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    chars = []
    for ch in text:
        one = _converter().convert(ch)
        chars.append(one if len(one) == 1 else ch)
    return "".join(chars)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SimplifiedChinese(TextRewriter):
    """Rewrites each message's text in simplified characters (first in the pipeline)."""

    rewrite = staticmethod(to_simplified)
