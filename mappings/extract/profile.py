"""Document profiles (``data/<document-id>/profile.yaml``): what differs between documents, as data.

A profile names the plan the document belongs to, the city, the numbering of its heading
hierarchy, which readers apply to which sections (sections named by their headings, never by line
numbers), label translations and id slugs.  The readers find tables, rows and cells themselves.
"""

from __future__ import annotations
from pathlib import Path
from typing import Literal
from pydantic import Field
from mappings.records.files import load_yaml, strip_lines
from mappings.records.schema import CITY_CODE, SLUG, Model, RecordError, ElementKind, IndicatorKind


class Section(Model):
    """Lines from each heading ``start`` to the next heading of ``until`` (both as printed)."""

    start: str
    until: list[str] = []


class Printing(Model):
    """One printing of a level's headings, only inside the given sections."""

    pattern: str
    section: Section | list[Section]


class Level(Model):
    """One level of the heading hierarchy, outermost first.

    ``pattern`` is the heading as printed with a placeholder for its number: ``{n}`` (digits),
    ``{roman}`` (Ⅰ, IV), ``{paren}`` ((1)), ``{circled}`` (①), ``{kana}`` (ア), ``{code}`` (《7101》);
    the rest of the line (or of its first cell) is the label, or ``{label}`` marks where it stands.
    """

    kind: ElementKind
    pattern: str | list[str | Printing]  # several: alternative printings of the same level
    id: str = "{parent}-{kind}-{n}"   # {n}: the number as a plain integer; {parent}: the parent's id
    number: str = "{num}"             # the number as recorded: {num} is the numbering as printed
    subtitle: bool = False            # the paragraph after the heading is its text (and restates it)
    section: Section | list[Section] | None = None    # only headings inside these sections
    runs_on: bool = False             # the label runs on over the next lines until it ends with 。
    propose: bool = True              # false: a level that only delimits (its children have no parent)
    cells: Literal["first", "any"] = "first"  # where a heading may stand in a table row


class Reader(Model):
    """A general reader applied to a section (the whole document when ``section`` is absent)."""

    reader: Literal["kpi", "kpi-blocks", "projects", "budget-blocks", "statistics", "records", "departments",
                    "heading-records", "chronology", "plan-lists", "plan-adoptions", "bodies", "tallies", "actors", "cross-tables",
                    "sentence-figures", "dated-acts"]
    section: Section | None = None
    indicator_kind: IndicatorKind | None = None   # kpi: the kind of the indicators read
    caption_prefix: str | None = None             # kpi: a caption ending so prefixes the row labels
    record_kind: str | None = None                # records: the record kind (mayors, systems …)
    columns: dict[str, str] = {}                  # records: printed header → field
    words: dict[str, dict[str, str | bool]] = {}  # records: a cell word → the fields it sets; plan-lists: a name's last word
    element_kind: ElementKind = "project"         # projects / budget-blocks: the kind of the rows
    blank: Literal["above", "below"] = "below"    # projects: where a blank 担当課 cell takes its value
    id: str | None = None                          # id template of what the reader proposes
    heading: str | None = None                     # departments: the list's heading; heading-records: the pattern
    field: str | None = None                       # departments: the element field (related_refs)
    of_kind: ElementKind | None = None             # departments: the enclosing element of this kind
    dimension: str | None = None                   # cross-tables: the name of the header's categories


class Profile(Model):
    document: str = Field(pattern=SLUG)
    city: str = Field(pattern=CITY_CODE)
    plan: str = Field(pattern=SLUG)
    org_prefix: str = Field(default="", pattern=r"^([a-z0-9-]+)?$")  # organisation ids: mito-, hitachi-
    labels: Literal["clean", "printed"] = "clean"   # clean: NFKC and PDF spacing removed (clean_label)
    headings: list[Level] = []          # the element hierarchy, outermost level first
    outlines: list[list[Level]] = []    # further hierarchies of other parts of the document
    readers: list[Reader] = []
    translations: dict[str, str] = {}   # printed label → label_en
    slugs: dict[str, str] = {}          # printed label → id slug


def load_profile(path: Path) -> Profile:
    """A profile from YAML; a bad one fails naming its file (and line, for YAML errors)."""
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise RecordError(f"{path}: a profile is a YAML mapping")
    try:
        return Profile.model_validate(strip_lines(raw))
    except Exception as exc:  # pydantic's message names the field
        raise RecordError(f"{path}: bad profile: {exc}") from None
