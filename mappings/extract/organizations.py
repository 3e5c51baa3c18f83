"""Departments named in a document (担当課, 業務主管課): one organisation record per printed name."""

from __future__ import annotations
import re
import unicodedata
from mappings.extract.profile import Profile
from mappings.extract.proposals import Proposals

_SUFFIXES = (("課", "ka"), ("室", "shitsu"), ("局", "kyoku"), ("所", "sho"), ("部", "bu"), ("センター", "center"))


def slug(label: str, profile: Profile) -> str:
    """The id of a department: the profile's slug, else the city prefix and a romanised reading."""
    if label in profile.slugs:
        return profile.slugs[label]
    return profile.org_prefix + _romanised(label)


def _romanised(label: str) -> str:
    from mappings.extract.reading import romaji

    text = romaji(label)
    text = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKC", text).lower()).strip("-")
    return text or "org"


def department(label: str, profile: Profile, found: Proposals, line: int, kind: str = "department") -> str:
    """The id of the department (or other body) ``label``, proposed once, citing each line it is printed on."""
    ident = slug(label, profile)
    for record in found.of("organizations"):
        if record["id"] == ident:
            lines = record["lines"] if isinstance(record["lines"], list) else [record["lines"]]
            record["lines"] = sorted(set(lines) | {line})
            return ident
    found.add("organizations", {"id": ident, "lines": line, "kind": kind, "label": label,
                                "city": profile.city}, "departments")
    return ident
