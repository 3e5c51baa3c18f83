"""The actors reader: the bodies a measure's own text names (地区会, 町内会・自治会, 「市行政組織検討委員会」
において), where a community plan gives no 担当課 column; each becomes a ref (related_refs by default)
of the element in effect at the line, and an organisation record citing the line.

A body is a name the document itself marks as one, never a guess from a word alone:
- a body another reader proposed (a founded body), or a quoted name that ends as a body's name;
- an item of a list the document calls bodies (町内会・自治会、女性会、高齢者クラブなどの地域コミュニティ団体);
- a compound noun ending in a council's or a corps' word (市民センター運営審議会, 水戸市安心・安全見守り隊), or in
  組織/センター when the sentence makes it an actor (自主防災組織が中心となり, 地域包括支援センターを中心に),
  since those words alone also name facilities and structures (市民センターで, 行政組織について).
A name that modifies the noun after it (地区会活動, 地区会相互の連絡調整) names an activity, not the body.
"""

from __future__ import annotations
import re
from mappings.extract.headings import Outline
from mappings.extract.labels import label_of
from mappings.extract.organizations import department
from mappings.extract.profile import Profile, Reader
from mappings.extract.proposals import Proposals, cite
from mappings.extract.text import Document, Line

_QUOTED_BODY = re.compile(r"「([^「」、。]+?(?:会|会議|委員会|協会|協議会|連合会|本部|機構|組合|団|隊))」")  # センター: also a facility
_HEADS = ("審議会", "協議会", "委員会", "連合会", "懇話会", "隊")   # a compound ending so is a body
_WEAK_HEADS = ("組織", "センター")                                # … only as an actor
_ACTOR = re.compile(r"(?:等|など)?(?:が中心|を中心|が主体|において|においては|による)")
_LISTED = re.compile(r"(?:など|等)の[^、。]{0,12}団体")            # …などの地域コミュニティ団体
_KINDS = (("委員会", "committee"), ("審議会", "council"), ("協議会", "council"), ("懇話会", "council"))


def compounds(text: str) -> list[tuple[str, int, int]]:
    """Compound nouns of ``text`` (SudachiPy): (surface, start, end); a verb stem joined to the suffix
    after it stays inside (見守り隊)."""
    from mappings.extract.reading import tokenizer

    out: list[tuple[str, int, int]] = []
    run: list = []

    def close():
        while run and (run[-1].surface() in ("・", "等", "など") or run[-1].part_of_speech()[0] == "補助記号"):
            run.pop()
        while run and run[0].part_of_speech()[0] in ("接頭辞", "補助記号"):
            run.pop(0)  # 各地区会 → 地区会
        if run:
            out.append(("".join(m.surface() for m in run), run[0].begin(), run[-1].end()))
        run.clear()

    tokens = list(tokenizer().tokenize(text))
    for i, m in enumerate(tokens):
        pos = m.part_of_speech()
        nxt = tokens[i + 1].part_of_speech()[0] if i + 1 < len(tokens) else ""
        nounish = pos[0] in ("名詞", "接頭辞", "接尾辞") and m.surface() not in ("等", "など")
        joined = (m.surface() == "・" and bool(run)) or (pos[0] == "動詞" and pos[5].startswith("連用形")
                                                          and nxt == "接尾辞")
        if nounish or joined:
            run.append(m)
        else:
            close()
    close()
    return out


def named_bodies(doc: Document, found: Proposals) -> set[str]:
    """The names the document marks as bodies (see the module's docstring), before any measure."""
    names = {r["label"] for r in found.of("organizations")}
    for line in doc.lines:
        names |= set(_QUOTED_BODY.findall(line.compact))
        for m in _LISTED.finditer(line.compact):
            for item in reversed(re.split(r"[、や]|及び", line.compact[:m.start()])):
                chunks = compounds(item)
                if not chunks or chunks[-1][2] != len(item):
                    break
                names.add(chunks[-1][0])
                if chunks[-1][1] != 0:
                    break  # the list's first item, after the words that lead to it
    return {n for n in names if len(n) > 1}


def bodies_in(text: str, known: set[str]) -> list[str]:
    """The bodies ``text`` (compact) names, in order of first mention."""
    hits: list[tuple[int, str]] = []
    taken = [False] * len(text)
    chunks = compounds(text)
    for name in sorted(known, key=len, reverse=True):
        for m in re.finditer(re.escape(name), text):
            if any(taken[m.start():m.end()]) or any(s < m.end() < e for _, s, e in chunks):
                continue  # 地区会活動: the name modifies the noun after it
            hits.append((m.start(), name))
            taken[m.start():m.end()] = [True] * len(name)
    for surface, start, end in chunks:
        if any(taken[start:end]):
            continue
        weak = surface.endswith(_WEAK_HEADS) and _ACTOR.match(text, end)
        if surface.endswith(_HEADS) or weak:
            hits.append((start, surface))
    return list(dict.fromkeys(name for _, name in sorted(hits)))


def read_actors(doc: Document, profile: Profile, reader: Reader, outline: Outline,
                found: Proposals, lines: list[Line]) -> None:
    known = named_bodies(doc, found)
    field = reader.field or "related_refs"
    elements = {r["id"]: r for r in found.of("elements")}
    for line in lines:
        target = elements.get(outline.element_at(line.number) or "")
        if target is None or line.blank:
            continue
        names = bodies_in(line.compact, known)
        if not names:
            continue
        refs = []
        for name in names:
            label = label_of(name, profile)
            kind = next((k for w, k in _KINDS if label.endswith(w)), "association")
            refs.append(department(label, profile, found, line.number, kind))
        target[field] = list(dict.fromkeys([*target.get(field, []), *refs]))
        spec = target["lines"] if isinstance(target["lines"], list) else [target["lines"]]
        target["lines"] = cite(*spec, line.number)
