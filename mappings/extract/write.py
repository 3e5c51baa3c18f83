"""Writing the draft records (one YAML file per record kind) and the review report (Markdown)."""

from __future__ import annotations
from collections import Counter
from decimal import Decimal
from pathlib import Path
import yaml
from mappings.extract.proposals import Proposals


class _Dumper(yaml.SafeDumper):
    pass


def _decimal(dumper: yaml.SafeDumper, value: Decimal):
    # printed digits as a plain scalar: 72.0 stays 72.0, 158600 an integer
    return dumper.represent_scalar("tag:yaml.org,2002:float" if "." in str(value) else "tag:yaml.org,2002:int",
                                   str(value))


_Dumper.add_representer(Decimal, _decimal)


def dump_records(records: list[dict]) -> str:
    return yaml.dump(records, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)


def write_drafts(found: Proposals, out: Path, source: str) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, records in found.records.items():
        if not records:
            continue
        path = out / f"{kind}.yaml"
        path.write_text(f"# Draft proposed by `plankg ingest` from {source}; review it (report.md).\n"
                        + dump_records(records), encoding="utf-8")
        written.append(path)
    return written


def report(found: Proposals, document: str, source: str) -> str:
    """The review report: what was proposed per record kind and reader/section, what could not be read."""
    lines = [f"# Review of the draft records of `{document}`", "", f"Source: `{source}`.", "",
             "## Proposed", "", "| record kind | reader / section | records |", "|---|---|---|"]
    counts = Counter((kind, found.sections.get((kind, r["id"]), "?"))
                     for kind, records in found.records.items() for r in records)
    for (kind, section), n in sorted(counts.items()):
        lines.append(f"| {kind} | {section} | {n} |")
    if found.corrections:
        path, problems = found.corrections
        lines += ["", f"Curator corrections applied from `{path}` (records not proposed by a reader are "
                  "counted under `?`)."]
        lines += [f"- did not apply: {p}" for p in problems] or ["Every correction applied."]
    lines += ["", "## Not read or not verified", "",
              "Each line below is a value a reader could not read, or a value not found at the lines it "
              "cites (dropped before writing): look there first.", ""]
    if not found.unread:
        lines.append("Nothing.")
    else:
        lines += ["| line | what | why |", "|---|---|---|"]
        for u in sorted(found.unread, key=lambda u: u.line):
            lines.append(f"| {u.line} | {u.reader}: {u.text[:80].replace('|', '/')} | {u.why[:200].replace('|', '/')} |")
    return "\n".join(lines) + "\n"
