"""Labels as a profile wants them: cleaned (NFKC, PDF spacing removed) or as printed."""

from __future__ import annotations
import re
from mappings.records.normalize import _SPACE_BETWEEN_CJK, clean_label


_LETTER_SPACED = re.compile(r"(?<![A-Za-zＡ-Ｚａ-ｚ])[A-Za-zＡ-Ｚａ-ｚ](?: [A-Za-zＡ-Ｚａ-ｚ](?![A-Za-zＡ-Ｚａ-ｚ]))+")


def printed_label(text: str) -> str:
    """The text as printed, without the spaces a PDF puts inside Japanese or between the letters of
    a spaced-out word (L G W A N), and without tabs.

    >>> printed_label(" 地域情報化の推進 "), printed_label("インターネット・L G W A Nを活用")
    ('地域情報化の推進', 'インターネット・LGWANを活用')
    """
    text = _SPACE_BETWEEN_CJK.sub("", text.replace("\t", " ").strip())
    text = _LETTER_SPACED.sub(lambda m: m.group(0).replace(" ", ""), text)
    return re.sub(r"\s+", " ", text)


def label_of(text: str, profile) -> str:
    """``text`` as the profile keeps labels (cleaned when there is no profile)."""
    return printed_label(text) if profile is not None and profile.labels == "printed" else clean_label(text)
