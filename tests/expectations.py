"""The expectation vocabulary of data/<document>/expect.yaml, checked for every document by
tests/test_documents.py (the vocabulary is described in data/README.md and in each file's header).

An *expression* names a value of a record: a dotted path of fields (``label``, ``dimensions.区分``,
``budget.settlement``), where a field of a list is taken of every item (``observations.role``),
``[k=v,…]`` keeps the items of a list whose fields equal the values (an empty value: null) and
``[n]`` takes the n-th item; a field ending in ``_ref``/``_refs``/``_code``/``_codes`` followed by
more steps goes on in the record it names (``parent_ref.number``, ``member_city_codes.name``);
``line`` is the first source line a record cites. An expression ending in `` count`` is the number of
items (of a text: its lines). A *test* is ``expression: value`` (equal), or ``expression OP: value``
with OP one of ``not``, ``startswith``, ``endswith``, ``contains`` (of a text, or an item of a list),
``between`` ([low, high]).
Values compare exactly: numbers numerically, texts as written, null with a missing value or an
empty text or list.
"""

from __future__ import annotations
import re
from collections import Counter
from decimal import Decimal
from typing import Any
from mappings.records.files import RecordSet
from mappings.records.schema import KINDS, parse_lines

SECTIONS = {"counts", "competency", "records", "tallies", "lists", "same"}
ENTRY_KEYS = {
    "tallies": ({"of", "expect"}, {"where", "by", "sum"}),
    "lists": ({"of", "list", "expect"}, {"where", "by"}),
    "same": ({"of", "same"}, {"where"}),
}
OPS = ("not", "startswith", "endswith", "contains", "between")
REFS = ("_ref", "_refs", "_code", "_codes")
_STEP = re.compile(r"\[([^\]]*)\]|([^.\[\]]+)")
# fields holding a free mapping (a statistic's dimensions): a key missing there is null, elsewhere an error
FREE = {name for model in KINDS.values() for name, f in model.model_fields.items()
        if getattr(f.annotation, "__origin__", None) is dict}


class ExpectError(ValueError):
    """An expression that cannot be evaluated on a record."""


def _number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def same(found: Any, expected: Any) -> bool:
    """``found`` (a record's value) equals ``expected`` (a YAML value): numbers numerically, texts
    exactly, null with None, "" or []."""
    if expected is None:
        return found is None or found == "" or found == []
    if isinstance(expected, bool) or isinstance(found, bool):
        return isinstance(found, bool) and isinstance(expected, bool) and found == expected
    if _number(expected):
        return _number(found) and Decimal(str(found)) == Decimal(str(expected))
    if isinstance(expected, list):
        return isinstance(found, list) and len(found) == len(expected) and all(map(same, found, expected))
    if isinstance(expected, dict):
        return isinstance(found, dict) and set(found) == set(expected) and all(same(found[k], v) for k, v in expected.items())
    return found == expected


def show(value: Any) -> str:
    """A value as written in YAML flow style (Decimal('4.1') as 4.1)."""
    if value is None:
        return "null"
    if _number(value):
        text = format(Decimal(str(value)).normalize(), "f")
        return text
    if isinstance(value, list):
        return "[" + ", ".join(map(show, value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{show(k)}: {show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, tuple):
        return " / ".join(map(show, value))
    return repr(value) if isinstance(value, str) and (value == "" or value != value.strip()) else str(value)


def _key(value: Any) -> Any:
    """A group key that compares numbers numerically (YAML keys may be ints, record values Decimals)."""
    if value is None:
        return None
    if _number(value):
        return Decimal(str(value)).normalize()
    return value


class Checker:
    """Evaluates one document's expectations over the whole record set (references cross documents)."""

    def __init__(self, records: RecordSet) -> None:
        self.docs: dict[tuple[str, str], list[tuple[Any, dict]]] = {}
        self.named: dict[tuple[str | None, str], list[dict]] = {}
        self.origin: dict[int, tuple[str, str]] = {}  # id(dump) → (document, kind)
        for loaded in records.records:
            dump = loaded.record.model_dump()
            dump["line"] = parse_lines(loaded.record.lines)[0][0]
            self.docs.setdefault((loaded.document, loaded.kind), []).append((loaded, dump))
            self.origin[id(dump)] = (loaded.document, loaded.kind)
            if loaded.kind in ("elements", "indicators", "plans", "organizations"):
                self.named.setdefault((dump.get("plan") if loaded.kind in ("elements", "indicators") else None,
                                       dump["id"]), []).append(dump)
        self.cities = {c.code: c.model_dump() for c in records.cities}

    # --- expressions -----------------------------------------------------------------
    def resolve(self, ref: str, origin: dict) -> dict:
        if re.fullmatch(r"\d{6}", ref):
            if ref not in self.cities:
                raise ExpectError(f"city code {ref} is not in data/reference/cities.yaml")
            return self.cities[ref]
        plan, _, ident = ref.rpartition("/")
        keys = [(plan, ident)] if plan else list(dict.fromkeys([(origin.get("plan"), ident), (None, ident)]))
        hits = [d for k in keys for d in self.named.get(k, [])]
        if len({self.origin[id(d)][1] for d in hits}) == 1 and len(hits) > 1:
            # a global id (plan, organisation) stated by several documents: the one of the referring record's
            document = self.origin[id(origin)][0]
            hits = [d for d in hits if self.origin[id(d)][0] == document] or hits[:1]
        if len(hits) != 1:
            raise ExpectError(f"reference '{ref}' names {len(hits)} records")
        return hits[0]

    def value(self, expression: str, record: dict) -> Any:
        path, counted = (expression[:-6], True) if expression.endswith(" count") else (expression, False)
        value: Any = record
        ref = free = False
        for match in _STEP.finditer(path.strip()):
            value = self._step(value, match, ref, record, free)
            ref = bool(match.group(2)) and match.group(2).endswith(REFS) or (ref and bool(match.group(1)))
            free = match.group(2) in FREE
        if not counted:
            return value
        if value is None:
            return 0
        return len(value.split("\n")) if isinstance(value, str) else len(value)

    def _step(self, value: Any, match: re.Match, ref: bool, origin: dict, free: bool) -> Any:
        name, inside = match.group(2), match.group(1)
        if isinstance(value, list) and name is not None:
            return [self._step(v, match, ref, origin, free) for v in value]
        if ref and isinstance(value, str):
            value = self.resolve(value, origin)
        if value is None:
            return None
        if name is not None:
            if not isinstance(value, dict):
                raise ExpectError(f"'{name}' of {show(value)}")
            if not free and name not in value:
                raise ExpectError(f"no field '{name}'")
            return value.get(name)
        if not isinstance(value, list):
            raise ExpectError(f"[{inside}] of {show(value)}, not a list")
        if inside.strip().lstrip("-").isdigit():
            index = int(inside)
            if not -len(value) <= index < len(value):
                raise ExpectError(f"[{index}] of a list of {len(value)}")
            return value[index]
        conditions = [part.split("=", 1) for part in inside.split(",")]
        if any(len(c) != 2 for c in conditions):
            raise ExpectError(f"[{inside}]: a selector is [field=value,…]")
        return [item for item in value if isinstance(item, dict) and all(
            (item.get(k.strip()) is None) if not v.strip() else str(item.get(k.strip())) == v.strip()
            for k, v in conditions)]

    def holds(self, test: str, expected: Any, record: dict) -> tuple[bool, Any]:
        """Whether ``test: expected`` holds of ``record``, and the value found."""
        expression, op = test, "="
        for candidate in OPS:
            if test.endswith(" " + candidate):
                expression, op = test[: -len(candidate) - 1], candidate
        found = self.value(expression, record)
        if op == "=":
            return same(found, expected), found
        if op == "not":
            return not same(found, expected), found
        if op == "between":
            low, high = expected
            ok = found is not None and (_number(found) and _number(low) and low <= found <= high
                                        or isinstance(found, str) and str(low) <= found <= str(high))
            return bool(ok), found
        if op == "contains" and isinstance(found, list):
            return any(same(item, expected) for item in found), found
        ok = isinstance(found, str) and getattr(found, {"contains": "__contains__"}.get(op, op))(expected)
        return ok, found

    # --- the sections --------------------------------------------------------------
    def check(self, document: str, expect: dict) -> list[str]:
        """Every failure of ``expect`` (an expect.yaml without its ``__line__`` keys), one message each."""
        problems = [f"{document}: expect.yaml: unknown section '{k}'" for k in set(expect) - SECTIONS]
        for label, tests in (expect.get("records") or {}).items():
            problems += self._record(document, label, tests)
        for section in ("tallies", "lists", "same"):
            for n, entry in enumerate(expect.get(section) or [], 1):
                where = f"{document}: {section} #{n} ({entry.get('of')}"
                where += f" {show(entry['where'])})" if entry.get("where") else ")"
                need, may = ENTRY_KEYS[section]
                wrong = set(entry) - need - may
                if wrong or need - set(entry):
                    problems.append(f"{where}: keys {sorted(need)} and optionally {sorted(may)}, not {sorted(entry)}")
                    continue
                try:
                    problems += getattr(self, "_" + section)(where, entry, self._matching(document, entry))
                except ExpectError as exc:
                    problems.append(f"{where}: {exc}")
        return problems

    def _matching(self, document: str, entry: dict) -> list[dict]:
        out = []
        for _, dump in self.docs.get((document, entry["of"]), []):
            try:
                if all(self.holds(t, v, dump)[0] for t, v in (entry.get("where") or {}).items()):
                    out.append(dump)
            except ExpectError as exc:
                raise ExpectError(f"{entry['of']} '{dump['id']}': {exc}") from None
        return out

    def _record(self, document: str, label: str, tests: dict) -> list[str]:
        kind, _, ref = label.partition(" ")
        plan, _, ident = ref.rpartition("/")
        hits = [d for _, d in self.docs.get((document, kind), []) if d["id"] == ident and (not plan or d.get("plan") == plan)]
        if len(hits) != 1:
            more = " (write kind plan/id)" if hits else ""
            return [f"{document}: records '{label}': {len(hits)} {kind} records with id '{ref}'{more}"]
        problems = []
        for test, expected in tests.items():
            try:
                ok, found = self.holds(test, expected, hits[0])
            except ExpectError as exc:
                problems.append(f"{document}: {kind} '{ref}': {test}: {exc}")
                continue
            if not ok:
                problems.append(f"{document}: {kind} '{ref}': {test}: expected {show(expected)}, found {show(found)}")
        return problems

    def _groups(self, entry: dict, matched: list[dict], value) -> dict[Any, list]:
        groups: dict[Any, list] = {}
        for dump in matched:
            try:
                keys = self.value(entry["by"], dump) if "by" in entry else None
                found = value(dump)
            except ExpectError as exc:
                raise ExpectError(f"{entry['of']} '{dump['id']}': {exc}") from None
            for key in keys if isinstance(keys, list) else [keys]:
                groups.setdefault(_key(key), []).append(found)
        return groups

    def _tallies(self, where: str, entry: dict, matched: list[dict]) -> list[str]:
        def amount(dump: dict) -> Decimal:
            if "sum" not in entry:
                return Decimal(1)
            found = self.value(entry["sum"], dump)
            items = found if isinstance(found, list) else [found]
            if not all(_number(v) for v in items):
                raise ExpectError(f"{entry['sum']} is {show(found)}, not a number")
            return sum((Decimal(str(v)) for v in items), Decimal(0))

        totals = {k: sum(v, Decimal(0)) for k, v in self._groups(entry, matched, amount).items()}
        expected = entry["expect"]
        if "by" not in entry:
            expected = {None: expected}
            totals = totals or {None: Decimal(0)}
        return self._compare(where, {k: v for k, v in totals.items()}, expected)

    def _lists(self, where: str, entry: dict, matched: list[dict]) -> list[str]:
        found = self._groups(entry, matched, lambda dump: self.value(entry["list"], dump))
        expected = entry["expect"] if "by" in entry else {None: entry["expect"]}
        if "by" not in entry:
            found = found or {None: []}
        return self._compare(where, found, expected)

    def _compare(self, where: str, found: dict, expected: dict) -> list[str]:
        if not isinstance(expected, dict):
            return [f"{where}: expect is a mapping group → value when 'by' is given"]
        wanted = {_key(k): v for k, v in expected.items()}
        problems = []
        for key in sorted(set(found) | set(wanted), key=show):
            group = "" if key is None and len(wanted) == 1 and None in wanted else f" [{show(key)}]"
            if key not in found:
                problems.append(f"{where}{group}: expected {show(wanted[key])}, found none")
            elif key not in wanted:
                problems.append(f"{where}{group}: not expected, found {show(found[key])}")
            elif not same(found[key], wanted[key]):
                problems.append(f"{where}{group}: expected {show(wanted[key])}, found {show(found[key])}")
        return problems

    def _same(self, where: str, entry: dict, matched: list[dict]) -> list[str]:
        if not matched:
            return [f"{where}: no record matches"]
        first, second = entry["same"]
        problems = []
        for dump in matched:
            try:
                a, b = self.value(first, dump), self.value(second, dump)
            except ExpectError as exc:
                raise ExpectError(f"{entry['of']} '{dump['id']}': {exc}") from None
            if not same(a, b):
                problems.append(f"{where}: {entry['of']} '{dump['id']}': {first} is {show(a)}, {second} is {show(b)}")
        return problems
