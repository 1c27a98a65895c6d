"""技能贯通助手's rules engine: the three policy documents as data, and their interpreter.

Pure Python with no Rasa import; the dialogue, the channels and the assist API all
call `evaluate`, `answer_topic` and the vocabulary from here.
"""

from .engine import evaluate
from .knowledge import answer_topic, topics
from .profile import ProfileError, validate

__all__ = ["evaluate", "answer_topic", "topics", "ProfileError", "validate"]
