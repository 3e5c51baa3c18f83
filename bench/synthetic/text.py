"""How the synthetic documents are written: era dates and amounts as the documents print them, a
document line by line (``Doc``), and sentences of filler text."""

from __future__ import annotations
import random
from dataclasses import dataclass, field
from bench.synthetic.vocabulary import DEPARTMENTS, ERAS, GOALS, OUTCOMES, POLICIES, PROJECTS, SENTENCE


def era(year: int, month: int | None = None) -> str:
    """An era date as the documents print it: 昭和22年4月 (the source-line check reads these)."""
    for start, name in ERAS:
        if year >= start:
            n = year - start + 1
            return f"{name}{'元' if n == 1 else n}年" + (f"{month}月" if month else "")
    return f"{year}年" + (f"{month}月" if month else "")


def yen(value: int) -> str:
    return f"{value:,}"


@dataclass
class Doc:
    """A synthetic text document written line by line; ``add`` returns the 1-based line number."""

    doc_id: str
    lines: list[str] = field(default_factory=list)

    def add(self, text: str) -> int:
        assert "\n" not in text
        self.lines.append(text)
        return len(self.lines)

    def blank(self) -> None:
        self.lines.append("")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def text_of(rng: random.Random) -> str:
    pick = lambda pool: rng.choice(pool)  # noqa: E731
    return SENTENCE.format(a=pick(GOALS), b=pick(POLICIES), c=pick(DEPARTMENTS)[1], d=pick(PROJECTS), e=pick(OUTCOMES))
