"""Readings for id slugs: SudachiPy (pinned in pyproject.toml) gives the katakana reading of a
Japanese name, jaconv writes it in Latin letters (コミュニティ推進課 → komyunitisuishinka)."""

from __future__ import annotations
from functools import lru_cache


@lru_cache(maxsize=1)
def tokenizer():
    from sudachipy import Dictionary

    return Dictionary().tokenizer()


def romaji(text: str) -> str:
    """Hepburn-like Latin letters of ``text``, words joined with hyphens."""
    import jaconv

    words = []
    for m in tokenizer().tokenize(text):
        reading = m.reading_form() if m.reading_form() and m.reading_form() != "キゴウ" else m.surface()
        words.append(jaconv.kata2alphabet(jaconv.hira2kata(reading)))
    return "-".join(w for w in words if w)
