"""Japanese text → the tokens the suggester compares: SudachiPy (sudachidict_core, split mode C), content
words in their normalised base form, nominal suffixes and adjacent content words joined, stop words dropped
(see mappings.suggest.suggester for why)."""

from __future__ import annotations
import importlib.metadata
import re
import unicodedata
from functools import lru_cache

STOP_WORDS = frozenset("""
推進 充実 促進 強化 確保 向上 実施 取組 取り組み 取り組む 図る 進める 行う 努める 目指す 図り 努め
こと もの ため よう ほか 等 など 各種 各 本市 市 当市 本 全て すべて 様々 さまざま 多様 これ それ
年 年度 年間 累計 数 件 人 割合 率 以上 以下 前 後 中 内 毎 別 際 場合 方 的 上 化
する なる ある いる できる おる 持つ 通す 基づく 関する 対する 係る 伴う 含む 合わせる 当たる よる おける おく 向ける 通じる 応じる
令和 平成 昭和 水戸 水戸市 日立 日立市 小美玉 小美玉市 茨城 茨城県 みと
""".split())
STOP_SUFFIXES = frozenset("等 ら たち 達 毎 別 中 内 後 的 方 上 さん 様 氏 年 度 月 日".split())
CONTENT_POS = {"名詞", "動詞", "形容詞", "形状詞"}

def analyser_versions() -> dict[str, str]:
    return {name: importlib.metadata.version(name) for name in ("sudachipy", "sudachidict_core")}



# --- tokenising -------------------------------------------------------------------------------

@lru_cache(maxsize=4)
def _sudachi(mode: str):
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=getattr(SplitMode, mode))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def tokenize(text: str, mode: str = "C", compounds: bool = True) -> list[str]:
    """Content-word tokens of ``text`` in base form, with joined compounds.

    >>> tokenize("地域見守り・支えあいの推進")
    ['地域', '見守り', '地域見守り', '支え', '支え合い']
    """
    out: list[str] = []
    morphemes = list(_sudachi(mode).tokenize(_fold(text)))
    run: list[str] = []   # the content words since the last break, for compounds

    def flush() -> None:
        if compounds:
            out.extend(a + b for a, b in zip(run, run[1:]))
        run.clear()

    for i, m in enumerate(morphemes):
        pos = m.part_of_speech()
        nxt = morphemes[i + 1].part_of_speech() if i + 1 < len(morphemes) else ("",) * 6
        if pos[0] == "接尾辞" and pos[1] == "名詞的" and run and m.surface() not in STOP_SUFFIXES:
            joined = run[-1] + _fold(m.normalized_form())
            out.append(joined)        # 支え + あい → 支え合い, 見守り + 隊 → 見守り隊
            run[-1] = joined
            continue
        if pos[0] not in CONTENT_POS or pos[1] in ("数詞", "非自立可能"):
            flush()
            continue
        nominal = pos[0] == "名詞"
        if pos[0] == "動詞" and pos[5].startswith("連用形") and nxt[0] not in ("助動詞", "動詞") \
                and not (nxt[0] == "助詞" and nxt[1] == "接続助詞"):
            token = _fold(m.surface())   # 見守り used as a noun, not the verb 見守る
            nominal = True
        else:
            token = _fold(m.normalized_form())
        if token in STOP_WORDS or not token or re.fullmatch(r"[\W\d_a-zA-Z]", token):
            flush()
            continue
        out.append(token)
        if nominal:   # compounds join nouns only (地域見守り), not a verb and the next noun (つくる持続)
            run.append(token)
        else:
            flush()
    flush()
    return out
