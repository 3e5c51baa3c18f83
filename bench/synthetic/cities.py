"""The synthetic municipalities: a prefecture each, codes with valid check digits, names and kinds in
Japan's proportions."""

from __future__ import annotations
from dataclasses import dataclass
from mappings.records.sources import check_digit

PREFECTURES = [
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
    "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
    "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
    "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
    "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
]
KIND_SUFFIX = {"city": "市", "town": "町", "village": "村"}


@dataclass
class City:
    index: int
    code: str
    name: str
    name_en: str
    prefecture: str
    kind: str


def municipalities(n: int) -> list[City]:
    """N synthetic municipalities: prefecture = index mod 47, serial 201… within it, valid check digit.

    Kinds in Japan's proportions (792 cities, 743 towns, 183 villages, 23 wards of 1,741).
    """
    serial = [200] * 47
    out = []
    for i in range(n):
        pref = i % 47
        serial[pref] += 1
        code5 = f"{pref + 1:02d}{serial[pref]:03d}"
        r = (i * 7919) % 1741
        kind = "city" if r < 815 else "town" if r < 1558 else "village"
        out.append(City(i, code5 + check_digit(code5), f"合成{i + 1:04d}{KIND_SUFFIX[kind]}",
                        f"Synthetic {kind} {i + 1:04d}", PREFECTURES[pref], kind))
    return out
