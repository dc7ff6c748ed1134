"""Header rows: find them, and map their labels to a contract's columns.

Labels are matched case-insensitively with surrounding whitespace trimmed and inner whitespace
collapsed: first against canonical column names, then each column, in contract order, takes the
first free label matching its aliases in the order they are listed (so "Associated Company IDs"
wins over "Associated Company IDs (Primary)" wherever they stand), then label patterns. Labels the
contract does not know become extra text columns named after the label; a column without a label
is named ``column_<position>`` (the loader keeps it only when it holds a value).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from ingest.contracts import LINEAGE_COLUMNS, Contract

DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}

# Title and metadata lines vendors write above the header (Google Ads: 2, LinkedIn: ~5).
MAX_LINES_BEFORE_HEADER = 50


def normalise(label: str) -> str:
    return " ".join(label.split()).casefold()


@dataclass(frozen=True)
class ColumnMapping:
    """Where each column of a file goes: ``targets[i]`` is the raw column for file column ``i``."""

    labels: tuple[str, ...]
    targets: tuple[str, ...]
    custom: frozenset[str]
    missing_required: tuple[str, ...]
    # Columns absent from the file whose value a label states: column -> (value, label).
    from_header: tuple[tuple[str, str, str], ...] = ()

    @property
    def known_count(self) -> int:
        return len(self.targets) - len(self.custom)

    @property
    def unlabelled(self) -> tuple[int, ...]:
        """Positions of the columns whose header label is empty."""
        return tuple(pos for pos, label in enumerate(self.labels) if not label.strip())


def map_columns(contract: Contract, labels: list[str]) -> ColumnMapping:
    by_name = {normalise(c.name): c.name for c in contract.columns}
    targets: list[str | None] = [None] * len(labels)
    normalised = [normalise(label) for label in labels]
    taken: set[str] = set()
    for pos, label in enumerate(normalised):
        name = by_name.get(label)
        if name and name not in taken:
            targets[pos] = name
            taken.add(name)
    for col in contract.columns:
        for alias in col.aliases:
            if col.name in taken:
                break
            pos = next((p for p, label in enumerate(normalised)
                        if targets[p] is None and label == normalise(alias)), None)
            if pos is not None:
                targets[pos] = col.name
                taken.add(col.name)
    stated: dict[str, tuple[str, str]] = {}
    for col in contract.columns:
        if col.pattern is None or col.name in taken:
            continue
        for pos, label in enumerate(labels):
            match = targets[pos] is None and re.fullmatch(col.pattern, " ".join(label.split()), re.IGNORECASE)
            if match:
                targets[pos] = col.name
                taken.add(col.name)
                for group, value in match.groupdict().items():
                    stated.setdefault(group, (value, " ".join(label.split())))
                break
    known = {c.name for c in contract.columns}
    from_header = tuple(
        (name, value, label) for name, (value, label) in stated.items() if name in known and name not in taken
    )

    reserved = {n.casefold() for n in (*by_name.values(), *LINEAGE_COLUMNS)}
    custom: set[str] = set()
    for pos, label in enumerate(labels):
        if targets[pos] is None:
            name = _unique(" ".join(label.split()) or f"column_{pos + 1}", reserved)
            reserved.add(name.casefold())
            targets[pos] = name
            custom.add(name)

    filled = taken | {name for name, _, _ in from_header}
    missing = tuple(c.name for c in contract.columns if c.required and c.name not in filled)
    return ColumnMapping(tuple(labels), tuple(targets), frozenset(custom), missing, from_header)


def _unique(name: str, reserved: set[str]) -> str:
    candidate, n = name, 1
    while candidate.casefold() in reserved:
        n += 1
        candidate = f"{name}_{n}"
    return candidate


@dataclass(frozen=True)
class HeaderRow:
    """The header record: its physical lines in the file (1-based), delimiter and column mapping."""

    first_line: int
    last_line: int
    delimiter: str
    mapping: ColumnMapping


class HeaderNotFound(ValueError):
    pass


def find_header(contract: Contract, head: str) -> HeaderRow:
    """The first record of ``head`` that has every required column, with the delimiter it uses.

    ``head`` is the decoded start of the file (complete lines only). Raises HeaderNotFound with a
    message naming the missing required columns of the closest candidate row.
    """
    found: list[HeaderRow] = []
    closest: HeaderRow | None = None
    for delimiter in DELIMITERS:
        for first, last, cells in _records(head, delimiter):
            mapping = map_columns(contract, cells)
            row = HeaderRow(first, last, delimiter, mapping)
            if not mapping.missing_required:
                found.append(row)
                break
            if mapping.known_count and (closest is None or mapping.known_count > closest.mapping.known_count):
                closest = row
    if found:
        return min(found, key=lambda r: (r.first_line, -r.mapping.known_count))
    if closest is None:
        required = ", ".join(c.name for c in contract.columns if c.required)
        raise HeaderNotFound(
            f"no header row found in the first {MAX_LINES_BEFORE_HEADER} lines "
            f"(expected the columns {required})"
        )
    # Only the labels that name a contract column are shown: the closest row may be a record, whose
    # other cells (names, emails) never belong in a message.
    mapping = closest.mapping
    recognised = [label for label, target in zip(mapping.labels, mapping.targets) if target not in mapping.custom]
    others = len(mapping.labels) - len(recognised)
    more = f" and {others} other label(s)" if others else ""
    raise HeaderNotFound(
        f"missing required column(s) {', '.join(mapping.missing_required)} "
        f"(header on line {closest.first_line}: {', '.join(recognised)}{more})"
    )


def _records(head: str, delimiter: str):
    """(first line, last line, cells) of the leading records of ``head``; blank lines are skipped."""
    reader = csv.reader(io.StringIO(head, newline="\n"), delimiter=delimiter, quotechar='"', doublequote=True)
    previous = 0
    while True:
        try:
            cells = next(reader)
        except (StopIteration, csv.Error):
            return
        first = previous + 1
        previous = reader.line_num
        if first > MAX_LINES_BEFORE_HEADER:
            return
        if cells:
            yield first, reader.line_num, cells
