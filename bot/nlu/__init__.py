"""Rasa NLU pieces of 技能贯通助手: spaCy pipeline builder, normaliser, components."""
