"""XLSX exports (HubSpot and Salesforce reports offer them), read like their CSV twins.

A workbook is matched to an object as its CSV twin would be (``Lead.xlsx`` is ``Lead.csv``), its first
visible worksheet is read with python-calamine, and written as a UTF-8 CSV in the loader's temporary
folder; from there the file goes through the same header mapping, contracts, quarantine and ledger as a
CSV. What differs:

- cells keep their type in a workbook, so they are written in the form the source's format reads: a
  whole number without a decimal part (an id stored as a number, ``123456789.0`` in the workbook, is
  ``123456789``), a fraction with the export's decimal mark, a date as ``2026-03-04`` and a date-time as
  ``2026-03-04 10:15:00`` (a wall-clock time, read in the source's time zone as a CSV's zoneless times
  are), a checkbox as ``true`` / ``false``. A number of 15 digits or more is written in scientific
  notation, as Excel shows it: its last digits are gone, and an id column quarantines it with the reason
  that names Excel;
- line numbers are the sheet's row numbers (a cell with a line break does not shift them), and the
  ledger and the quarantine name the sheet.

Reading a workbook materialises its cells as Python values (the reader library's interface); a
worksheet holds at most 1,048,576 rows, so this stays bounded.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

WORKBOOK_SUFFIXES = (".xlsx",)

# The text forms workbook dates and date-times are written in; ingest/formats.py reads them in every
# source's format (``ValueFormat.for_workbooks``).
WORKBOOK_DATE = "%Y-%m-%d"
WORKBOOK_TIMESTAMP = "%Y-%m-%d %H:%M:%S"

# Excel keeps 15 significant digits: a number at or past this size lost digits if it was an id.
_EXACT_DIGITS_LIMIT = 10**15
# Rows read to find the header (as ingest.files reads the head of a CSV).
HEAD_ROWS = 200


_FAULTS = {
    "ZipError": "it is not a zip archive, as every XLSX file is (a CSV saved with an .xlsx name?)",
    "PasswordError": "it is password-protected; export it again without a password",
    "XmlError": "its sheet XML is damaged",
}


class WorkbookError(ValueError):
    """The workbook cannot be read; the message says why, without any cell's content."""


def is_workbook(name: str) -> bool:
    return name.lower().endswith(WORKBOOK_SUFFIXES)


def csv_twin_name(name: str) -> str:
    """The CSV export name a workbook stands for (``Lead.xlsx`` -> ``Lead.csv``); other names unchanged."""
    if is_workbook(name):
        return name[: name.rfind(".")] + ".csv"
    return name


@dataclass
class Sheet:
    """The worksheet a workbook export is read from: its name, its rows (row 1 first) and the others."""

    name: str
    rows: list[list]
    other_sheets: list[str] = field(default_factory=list)

    def note(self) -> str:
        note = f"sheet {self.name!r}: line numbers are its row numbers"
        if self.other_sheets:
            note += f"; other sheets not read: {', '.join(repr(s) for s in self.other_sheets)}"
        return note


def read_sheet(path: Path, max_rows: int | None = None) -> Sheet:
    """The first visible worksheet of the workbook at ``path``, from cell A1."""
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = [
            m.name for m in workbook.sheets_metadata
            if m.typ == SheetTypeEnum.WorkSheet and m.visible == SheetVisibleEnum.Visible
        ]
        if not sheets:
            raise WorkbookError("the workbook has no visible worksheet")
        rows = workbook.get_sheet_by_name(sheets[0]).to_python(skip_empty_area=False, nrows=max_rows)
    except WorkbookError:
        raise
    except (CalamineError, OSError, ValueError) as exc:
        # The reader's message may quote the workbook's content: only the kind of fault is kept.
        why = _FAULTS.get(type(exc).__name__, type(exc).__name__)
        raise WorkbookError(f"not readable as an XLSX workbook: {why}") from None
    return Sheet(sheets[0], rows, sheets[1:])


def cell_text(value, decimal_mark: str = ".") -> str:
    """A cell's value as the CSV twin of the export writes it."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.strftime(WORKBOOK_TIMESTAMP)
    if isinstance(value, dt.date):
        return value.strftime(WORKBOOK_DATE)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < _EXACT_DIGITS_LIMIT:
            return str(int(value))
        if abs(value) >= _EXACT_DIGITS_LIMIT:
            return f"{value:.5E}".replace(".", decimal_mark)
        return repr(value).replace(".", decimal_mark)
    return str(value)


def head_text(sheet: Sheet) -> str:
    """The sheet's first rows as CSV text, to find the header in (numbers with a decimal point)."""
    return _csv_text(sheet.rows[:HEAD_ROWS], ".")[0]


def _csv_text(rows: list[list], decimal_mark: str) -> tuple[str, list[tuple[int, int]]]:
    """CSV text of ``rows`` (a blank row as an empty line, so it keeps its line) and (the CSV line it
    starts on, its sheet row) for every row that is not blank."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    starts, line = [], 1
    for row, values in enumerate(rows, start=1):
        texts = [cell_text(v, decimal_mark) for v in values]
        if any(texts):
            starts.append((line, row))
            writer.writerow(texts)
            line += 1 + sum(t.count("\n") for t in texts)
        else:
            out.write("\n")
            line += 1
    return out.getvalue(), starts


def write_csv(sheet: Sheet, target: Path, decimal_mark: str) -> list[tuple[int, int]]:
    """Write ``sheet`` as a CSV at ``target``; returns (first CSV line, sheet row) of every non-blank row."""
    text, starts = _csv_text(sheet.rows, decimal_mark)
    target.write_text(text, encoding="utf-8", newline="")
    return starts
