"""Load an export drop into DuckDB raw tables, one contract at a time.

Per file:

1. one streaming pass over the bytes: content hash (already loaded content is skipped),
   encoding, line counts and the header (``ingest.files``, ``ingest.headers``);
2. one DuckDB statement reads the CSV and converts every value with the source's format
   (``ingest.formats``) into a temporary table, flagging rows with an invalid value; records DuckDB
   cannot parse (ragged, a quote never closed, over-long, invalid UTF-8) are set aside in DuckDB's
   rejects table, quarantined with their physical line, and the file is read again with their lines
   emptied (``_set_aside_unreadable``), so one broken record never costs the file;
3. one INSERT appends the valid rows to the raw table with their lineage; only when some rows are
   invalid is the raw text read again to record every bad cell in ``ingest.quarantine``. A row with
   a bad value in a record-level column is quarantined as a whole, never loaded with a NULL in its
   place; a bad value in a cell-level column (``Column.cell``) loads as NULL and is quarantined as
   a cell (``scope = 'cell'``).

Report summary rows (Google Ads "Total: Campaigns", LinkedIn "Total") are not records: like the
title lines above the header they are left out of ``rows_read`` and named in the ledger message,
so ``rows_read = rows_loaded + rows_quarantined + rows_suppressed`` always holds (suppressed: records of
forgotten people, left out and counted; ingest/personal_data.py). A column without a header label
(lines ending in ``,,``) is kept, as ``column_<n>``, only when some row has a value in it.

Every attempt is written to ``ingest.load_ledger``. Record line numbers are the physical line a
record starts on: the record's position in the file (DuckDB keeps file order with
``preserve_insertion_order``) plus the newlines inside earlier quoted values. When the file has as
many lines below the header as records, no record spans lines and nothing more is read; otherwise
the CSV is read again to count the newlines inside values, and only when blank lines sit between
records are record starts recomputed from the file's text.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingest.contracts import (
    CONTRACTS,
    LINEAGE_COLUMNS,
    RAW_SQL_TYPES,
    SOURCES,
    TEXT_TYPES,
    Contract,
    quote_ident,
    raw_table_ddl,
    sql_string,
)
from ingest.discovery import (
    DropPlan,
    Unrecognised,
    header_recognition_note,
    match_by_name,
    plan_drop,
    shown_name,
    unsafe_reason,
)
from ingest.files import (
    WINDOWS_1252,
    FileScan,
    UnsupportedEncoding,
    blank_records,
    link_or_copy,
    scan_file,
    transcode_to_utf8,
)
from ingest.formats import (
    MISSING_PRIMARY_KEY,
    ValueFormat,
    format_for,
    header_locale,
    invalid_reason_sql,
    is_missing_sql,
    parse_sql,
    text_sql,
    value_sql,
)
from ingest import personal_data, workbooks
from ingest.headers import DELIMITER_NAMES, HeaderNotFound, HeaderRow, find_header, normalise
from ingest.source_settings import (
    ANY_PIPELINE,
    DEAL_STAGE_SOURCES,
    SETTINGS_FILE,
    SettingsError,
    SourceSettings,
    load_source_settings,
)

__all__ = [
    "DropPlan", "FileResult", "LoadReport", "describe_result", "ensure_warehouse", "ledger_lines",
    "load_drop", "load_files", "plan_drop",
]

LOADED, SKIPPED_DUPLICATE, REFUSED, EMPTY = "loaded", "skipped_duplicate", "refused", "empty"

SCHEMAS = (*(f"raw_{source}" for source in SOURCES), "ingest")

LEDGER_DDL = """
create table if not exists ingest.load_ledger (
    load_id varchar not null,
    file varchar not null,
    source varchar not null,
    object varchar not null,
    content_hash varchar,
    file_order bigint not null,
    rows_read bigint not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    status varchar not null,
    message varchar,
    loaded_at timestamp not null,
    encoding varchar,
    delimiter varchar,
    header_line bigint,
    cells_quarantined bigint default 0,
    rows_suppressed bigint not null default 0,
    sheet varchar
)"""

QUARANTINE_DDL = """
create table if not exists ingest.quarantine (
    load_id varchar not null,
    source varchar not null,
    object varchar not null,
    file varchar not null,
    file_order bigint not null,
    line bigint not null,
    column_name varchar not null,
    raw_value varchar,
    reason varchar not null,
    quarantined_at timestamp not null,
    scope varchar default 'record',
    person_key varchar,
    sheet varchar,
    person_records varchar[]
)"""

# The columns each loaded file carried: the raw table's columns the file wrote, known or custom.
# Staging takes a column's value from the latest version among the files that carried it, so an
# export without a property (a HubSpot view with fewer columns, a narrower incremental extract)
# never blanks the value an earlier file delivered.
FILE_COLUMNS_DDL = """
create table if not exists ingest.file_columns (
    load_id varchar not null,
    source varchar not null,
    object varchar not null,
    file varchar not null,
    file_order bigint not null,
    column_name varchar not null,
    header_label varchar not null,
    file_position integer
)"""

# Deal stage outcomes a source's _source.yml sets (``deal_stages``), as the last load read them:
# rewritten for a source each time its deals are loaded, so a mapping added after a run counts on
# the next one even when every file is already loaded. dbt classifies deal stages with them.
DEAL_STAGE_SETTINGS_DDL = """
create table if not exists ingest.deal_stage_settings (
    source varchar not null,
    pipeline varchar not null,
    stage varchar not null,
    outcome varchar not null,
    is_any_pipeline boolean not null,
    settings_file varchar not null
)"""

_ROWS = "temp.main._ingest_rows"
_STAGE = "temp.main._ingest_stage"
_OFFSETS = "temp.main._ingest_line_offsets"
_NEWLINES = "temp.main._ingest_newlines"
_REJECTS = "temp.main._ingest_reject_errors"
_REJECT_SCANS = "temp.main._ingest_reject_scans"
_UNREADABLE = "temp.main._ingest_unreadable"


@dataclass
class FileResult:
    file: str
    object: str
    content_hash: str | None
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    status: str
    message: str
    source: str = ""
    file_order: int | None = None
    # Values of cell-level columns that did not parse: loaded as empty, each in ingest.quarantine.
    cells_quarantined: int = 0
    # Records of forgotten people (the suppression list, ingest/personal_data.py): neither loaded nor
    # quarantined, counted here so rows_read = rows_loaded + rows_quarantined + rows_suppressed.
    rows_suppressed: int = 0


@dataclass
class LoadReport:
    load_id: str
    results: list[FileResult] = field(default_factory=list)
    unrecognised: list[Unrecognised] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def refused(self) -> list[FileResult]:
        return [r for r in self.results if r.status == REFUSED]

    @property
    def summary(self) -> str:
        loaded = [r for r in self.results if r.status == LOADED]
        lines = [
            f"Load {self.load_id}: {len(loaded)} of {len(self.results)} files loaded"
            f" ({len(self.refused)} refused), {sum(r.rows_read for r in self.results):,} rows read,"
            f" {sum(r.rows_loaded for r in self.results):,} loaded,"
            f" {sum(r.rows_quarantined for r in self.results):,} quarantined"
        ]
        lines += [f"  {describe_result(r)}" for r in self.results]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def describe_result(result: FileResult) -> str:
    """One line per file, for people: what happened and why."""
    target = f"{shown_name(result.file)} -> raw_{result.source}.{result.object}"
    if result.status == LOADED:
        text = (
            f"{target}: {result.rows_read:,} rows read, {result.rows_loaded:,} loaded, "
            f"{result.rows_quarantined:,} quarantined"
        )
        if result.cells_quarantined:
            n = result.cells_quarantined
            text += f", {n:,} value{'' if n == 1 else 's'} emptied"
        if result.rows_suppressed:
            text += f", {result.rows_suppressed:,} suppressed (forgotten people)"
        return f"{text} ({result.message})" if result.message else text
    if result.status == SKIPPED_DUPLICATE:
        return f"{target}: skipped, {result.message}"
    if result.status == EMPTY:
        return f"{target}: empty, {result.message}"
    return f"{target}: REFUSED: {result.message}"


def ensure_warehouse(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schemas, every contract's raw table, the load ledger and the quarantine."""
    for schema in SCHEMAS:
        con.execute(f"create schema if not exists {quote_ident(schema)}")
    for contract in CONTRACTS:
        con.execute(raw_table_ddl(contract))
    # A warehouse created under an earlier contract gains the columns added since.
    present = set(con.execute(
        "select table_schema, table_name, lower(column_name) from information_schema.columns"
        " where table_catalog = current_database()"
    ).fetchall())
    for contract in CONTRACTS:
        for column in contract.columns:
            if (contract.schema, contract.table, column.name.lower()) not in present:
                con.execute(
                    f"alter table {quote_ident(contract.schema)}.{quote_ident(contract.table)}"
                    f" add column {quote_ident(column.name)} {RAW_SQL_TYPES[column.type]}"
                )
    con.execute(LEDGER_DDL)
    con.execute(QUARANTINE_DDL)
    con.execute(FILE_COLUMNS_DDL)
    con.execute(DEAL_STAGE_SETTINGS_DDL)
    # Ledgers and quarantines of warehouses created before cell-level quarantine (every row was a
    # record) or before the suppression list gain their columns.
    con.execute("alter table ingest.load_ledger add column if not exists cells_quarantined bigint default 0")
    con.execute("alter table ingest.quarantine add column if not exists scope varchar default 'record'")
    con.execute("alter table ingest.load_ledger add column if not exists rows_suppressed bigint default 0")
    con.execute("alter table ingest.quarantine add column if not exists person_key varchar")
    # ... and before XLSX exports (the worksheet a file was read from).
    con.execute("alter table ingest.load_ledger add column if not exists sheet varchar")
    con.execute("alter table ingest.quarantine add column if not exists sheet varchar")
    con.execute("alter table ingest.quarantine add column if not exists person_records varchar[]")
    personal_data.ensure_suppression_tables(con)


def new_load_id() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]


def load_drop(con: duckdb.DuckDBPyConnection, exports_dir: Path, load_id: str | None = None) -> LoadReport:
    """Load every recognised file of a drop folder, in source, object and file-name order."""
    exports_dir = Path(exports_dir)
    report = LoadReport(load_id=load_id or new_load_id())
    ensure_warehouse(con)
    plan = plan_drop(exports_dir)
    for contract, files in plan.planned():
        report.results += load_files(con, contract, files, exports_dir, report.load_id)
    report.unrecognised = list(plan.unrecognised)
    report.notes = plan.notes()
    return report


def load_files(
    con: duckdb.DuckDBPyConnection, contract: Contract, files: list[Path], exports_root: Path, load_id: str
) -> list[FileResult]:
    """Load the files of one contract, in the given order; one ledger row per file.

    The source's ``_source.yml`` (time zone, file mapping) is read here; when it is invalid every
    file is refused with its message.
    """
    root = Path(exports_root)
    try:
        settings, refusal = load_source_settings(root, contract.source), None
    except SettingsError as exc:
        settings, refusal = None, str(exc)
    if contract.object == "deals" and contract.source in DEAL_STAGE_SOURCES:
        record_deal_stage_settings(con, contract.source, settings)
    restore = _preserve_insertion_order(con)
    try:
        return [_load_file(con, contract, Path(f), root, load_id, settings, refusal) for f in files]
    finally:
        if restore:
            con.execute("set preserve_insertion_order = false")


def record_deal_stage_settings(con: duckdb.DuckDBPyConnection, source: str, settings: SourceSettings | None) -> None:
    """Replace the source's rows of ingest.deal_stage_settings with its ``deal_stages`` (none when the
    settings are invalid: its files are refused then)."""
    con.execute("delete from ingest.deal_stage_settings where source = ?", [source])
    rows = settings.deal_stages if settings else ()
    if rows:
        con.executemany("insert into ingest.deal_stage_settings values (?, ?, ?, ?, ?, ?)",
                        [[source, pipeline, stage, outcome, pipeline == ANY_PIPELINE, f"{source}/{SETTINGS_FILE}"]
                         for pipeline, stage, outcome in rows])


def _preserve_insertion_order(con: duckdb.DuckDBPyConnection) -> bool:
    """Staged rows must keep file order; returns True if the setting had to be switched on."""
    if con.execute("select current_setting('preserve_insertion_order')").fetchall()[0][0]:
        return False
    con.execute("set preserve_insertion_order = true")
    return True


@dataclass
class _Attempt:
    con: duckdb.DuckDBPyConnection
    contract: Contract
    load_id: str
    result: FileResult
    loaded_at: dt.datetime
    encoding: str | None = None
    delimiter: str | None = None
    header_line: int | None = None
    # The worksheet an XLSX export was read from (ingest/workbooks.py).
    sheet: str | None = None
    # The time zone the source's zoneless timestamps are read in (its _source.yml).
    timezone: str = "UTC"

    def finish(self, status: str, message: str = "") -> FileResult:
        self.result.status, self.result.message = status, message
        if self.result.file_order is None:
            self.result.file_order = _next_file_order(self.con)
        r = self.result
        self.con.execute(
            "insert into ingest.load_ledger (load_id, file, source, object, content_hash, file_order, rows_read,"
            " rows_loaded, rows_quarantined, status, message, loaded_at, encoding, delimiter, header_line,"
            " cells_quarantined, rows_suppressed, sheet) values ($load_id, $file, $source, $object, $hash, $order,"
            " $read, $loaded, $quarantined, $status, $message, $loaded_at, $encoding, $delimiter, $header_line,"
            " $cells, $suppressed, $sheet)",
            {
                "load_id": self.load_id, "file": r.file, "source": r.source, "object": r.object,
                "hash": r.content_hash, "order": r.file_order, "read": r.rows_read, "loaded": r.rows_loaded,
                "quarantined": r.rows_quarantined, "status": status, "message": message,
                "loaded_at": self.loaded_at, "encoding": self.encoding,
                "delimiter": DELIMITER_NAMES.get(self.delimiter), "header_line": self.header_line,
                "cells": r.cells_quarantined, "suppressed": r.rows_suppressed, "sheet": self.sheet,
            },
        )
        return r


def _next_file_order(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("select coalesce(max(file_order), 0) + 1 from ingest.load_ledger").fetchall()[0][0]


def _relative(path: Path, root: Path) -> str:
    try:
        return path.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        return str(path)


def _load_file(
    con, contract: Contract, path: Path, root: Path, load_id: str, settings: SourceSettings | None,
    refusal: str | None,
) -> FileResult:
    relative = _relative(path, root)
    shown = shown_name(relative)
    attempt = _Attempt(
        con, contract, load_id,
        FileResult(relative, contract.object, None, 0, 0, 0, REFUSED, "", source=contract.source),
        loaded_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
    )
    reason = unsafe_reason(path, root)
    if reason:
        return attempt.finish(REFUSED, f"{shown}: {reason}")
    if refusal:
        return attempt.finish(REFUSED, f"{shown}: not loaded, the source's settings are invalid: {refusal}")
    attempt.timezone = settings.timezone
    match_notes = _match_context(contract, path, root, settings)
    with tempfile.TemporaryDirectory(prefix="smarketing-ingest-") as tmp:
        # DuckDB reads a path of ours: the original name may hold glob characters.
        readable = Path(tmp) / "export.csv"
        if workbooks.is_workbook(path.name):
            try:
                sheet = workbooks.read_sheet(path)
            except workbooks.WorkbookError as exc:
                return attempt.finish(REFUSED, f"{shown}: {exc}")
            attempt.sheet = sheet.name
            return _load_workbook(attempt, sheet, readable, f"{shown} (sheet {shown_name(sheet.name)})", match_notes)
        try:
            scan = scan_file(path)
        except (OSError, UnsupportedEncoding) as exc:
            return attempt.finish(REFUSED, f"{shown}: {exc}")
        try:
            if scan.encoding == WINDOWS_1252:
                transcode_to_utf8(path, readable)
            else:
                link_or_copy(path, readable)
        except OSError as exc:
            return attempt.finish(REFUSED, f"{shown}: not readable: {safe_error(exc)}")
        return _load_text(attempt, readable, scan, shown, match_notes)


def _match_context(contract: Contract, path: Path, root: Path, settings: SourceSettings | None):
    return lambda header: _match_notes(contract, path, root, settings, header)


def _load_workbook(attempt: _Attempt, sheet: workbooks.Sheet, readable: Path, shown: str, match_notes) -> FileResult:
    """An XLSX export: its header found in the sheet's first rows, the sheet written as CSV in the
    export's decimal mark, then loaded as a CSV whose line numbers are the sheet's rows."""
    try:
        header = find_header(attempt.contract, workbooks.head_text(sheet))
    except HeaderNotFound as exc:
        return attempt.finish(REFUSED, f"{shown}: {exc}")
    fmt = _value_format(attempt, header)
    rows = _SheetRows(workbooks.write_csv(sheet, readable, fmt.decimal_mark))
    scan = scan_file(readable)
    return _load_text(attempt, readable, scan, shown, match_notes, header=header, fmt=fmt.for_workbook(),
                      sheet=sheet, sheet_rows=rows)


def _value_format(attempt: _Attempt, header: HeaderRow) -> ValueFormat:
    locale = header_locale([normalise(label) for label in header.mapping.labels])
    return format_for(attempt.contract, locale, attempt.timezone)


def _load_text(
    attempt: _Attempt, readable: Path, scan: FileScan, shown: str, match_notes, *, header: HeaderRow | None = None,
    fmt: ValueFormat | None = None, sheet: workbooks.Sheet | None = None,
    sheet_rows: _SheetRows | None = None,
) -> FileResult:
    """Load the CSV text at ``readable`` (UTF-8, ours to read), scanned as ``scan``."""
    con, contract = attempt.con, attempt.contract
    attempt.result.content_hash, attempt.encoding = scan.content_hash, scan.encoding

    earlier = con.execute(
        "select file, load_id from ingest.load_ledger where content_hash = ? and source = ? and object = ?"
        " and status = 'loaded' order by file_order limit 1",
        [scan.content_hash, contract.source, contract.object],
    ).fetchall()
    if earlier:
        first_file, first_load = earlier[0]
        return attempt.finish(SKIPPED_DUPLICATE, f"same content already loaded from {first_file} (load {first_load})")
    if scan.is_blank:
        return attempt.finish(EMPTY, "the file has no content")
    if header is None:
        try:
            header = find_header(contract, scan.head)
        except HeaderNotFound as exc:
            return attempt.finish(REFUSED, f"{shown}: {exc}")
        fmt = _value_format(attempt, header)
    attempt.delimiter, attempt.header_line = header.delimiter, header.first_line
    notes = match_notes(header)
    if sheet is not None:
        attempt.header_line = sheet_rows.row_of_line(header.first_line)
        notes.append(sheet.note())
    if fmt.timestamp_local and fmt.timezone != "UTC" and any(
        contract.column(t).type == "timestamp" for t in header.mapping.targets if t not in header.mapping.custom
    ):
        notes.append(f"timestamps without a zone read as {fmt.timezone} time")
    try:
        return _load_rows(attempt, readable, scan, header, fmt, notes, sheet_rows=sheet_rows)
    except (duckdb.Error, LineNumberError, OSError) as exc:
        attempt.result.file_order = None
        attempt.result.rows_read = attempt.result.rows_loaded = attempt.result.rows_quarantined = 0
        what = "XLSX sheet" if sheet is not None else f"{scan.encoding} CSV"
        return attempt.finish(REFUSED, f"{shown}: not readable as {what}: {safe_error(exc)}")
    finally:
        _drop_temp_tables(con)


def _match_notes(contract: Contract, path: Path, root: Path, settings: SourceSettings, header: HeaderRow) -> list[str]:
    """How the file was matched to the contract, when it was not by the vendor's export name."""
    try:
        below_source = path.absolute().relative_to((root / contract.source).absolute()).as_posix()
    except ValueError:
        below_source = path.name
    by_name, how = match_by_name(contract.source, below_source, settings)
    if by_name is not None and by_name.object == contract.object:
        return [] if how == "vendor export name" else [how]
    labelled = len(header.mapping.labels) - len(header.mapping.unlabelled)
    return [header_recognition_note(contract.object, header.mapping.known_count, labelled)]


# The parts of a reader's error that carry no data: where, and what kind of fault. Anything else in
# an error (DuckDB's "Original Line: ...", a value in a conversion error) may be a raw record with
# names and emails, and never reaches the ledger, the CLI or the logs.
_SAFE_ERROR_PARTS = (
    re.compile(r"CSV Error on Line: \d+"),
    re.compile(r"Expected Number of Columns: \d+ Found: \d+"),
    re.compile(r"Value with unterminated quote found\."),
    re.compile(r"Maximum line size of \d+ bytes exceeded\. Actual Size: ?\d+ bytes\."),
    re.compile(r"Invalid unicode \(byte sequence mismatch\) detected\."),
    re.compile(r"found \d+ record starts in the text but read \d+ records; line numbers cannot be trusted"),
)
_ERROR_KIND = re.compile(r"[A-Za-z ]{1,40} Error")


def safe_error(exc: BaseException) -> str:
    """What went wrong, without any text the file holds: the error's kind, line and known fault."""
    text = str(exc)
    kind = _ERROR_KIND.match(text)
    parts = [m.group(0) for pattern in _SAFE_ERROR_PARTS for m in [pattern.search(text)] if m]
    if kind and not isinstance(exc, LineNumberError):
        parts.insert(0, kind.group(0))
    return " | ".join(parts) or type(exc).__name__


def _drop_temp_tables(con: duckdb.DuckDBPyConnection) -> None:
    for table in (_ROWS, _STAGE, _OFFSETS, _NEWLINES, _REJECTS, _REJECT_SCANS, _UNREADABLE):
        con.execute(f"drop table if exists {table}")


class LineNumberError(ValueError):
    pass


@dataclass(frozen=True)
class _Check:
    """A condition on a row's raw text that sends the row to quarantine, the cell it blames and why (SQL)."""

    sql: str
    column: str
    raw: str
    reason_sql: str
    # A cell-level column's check: failing it empties the value, the record still loads.
    cell: bool = False


@dataclass(frozen=True)
class _Conversion:
    """How one file column becomes its raw-table value, as layered SQL over the reader's ``c<i>``.

    ``value`` (over ``c<i>``) is the text the parser sees, ``typed`` (over ``v<i>``) the converted
    value, ``missing`` (over ``c<i>``) flags an absent primary key and ``invalid`` (over ``v<i>``
    and ``t<i>``) a value that does not parse. Each expression is computed once per row.
    """

    value: str
    typed: str
    missing: str | None
    invalid: str | None
    cell: bool = False

    @property
    def kept_as_text(self) -> bool:
        """A text value (a text column or a custom field): kept as written, it never fails to parse."""
        return self.invalid is None


NUL_BYTE = "NUL byte in the value (a damaged or binary export)"


def _typed_columns(
    contract: Contract, header: HeaderRow, fmt: ValueFormat, nul: bool = False
) -> tuple[list[_Conversion], list[_Check]]:
    """Each file column's conversion, and the checks a valid row passes (over the raw text, for the quarantine).

    With ``nul`` (the file holds a NUL byte somewhere) every value is also checked for one.
    """
    mapping = header.mapping
    conversions, checks = [], []
    for i, target in enumerate(mapping.targets):
        raw = f"c{i}"
        if nul:
            checks.append(_Check(f"contains({raw}, chr(0))", target, raw, sql_string(NUL_BYTE)))
        if target in mapping.custom:
            conversions.append(_Conversion(text_sql(raw, fmt), f"v{i}", None, None))
            continue
        column = contract.column(target)
        value = value_sql(raw, column.type, fmt)
        missing = invalid = None
        if column.required and target in contract.primary_key:
            missing = is_missing_sql(raw, fmt)
            checks.append(_Check(missing, target, raw, sql_string(MISSING_PRIMARY_KEY)))
        if column.type not in TEXT_TYPES:
            invalid = f"(v{i} is not null and t{i} is null)"
            typed = parse_sql(column.type, value, fmt)
            checks.append(_Check(f"({value} is not null and {typed} is null)", target, raw,
                                 invalid_reason_sql(column.type, fmt, value), cell=column.cell))
        conversions.append(_Conversion(value, parse_sql(column.type, f"v{i}", fmt), missing, invalid, column.cell))
    return conversions, checks


def _reader_sql(header: HeaderRow, rejects: bool = False) -> str:
    """DuckDB's CSV reader over the records below the header, every column as text named c0, c1, ...

    With ``rejects`` the records DuckDB cannot parse are left out and described in ``_REJECTS``.
    """
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header.mapping.targets))) + "}"
    stored = (
        f", store_rejects = true, rejects_table = {sql_string(_REJECTS.rsplit('.', 1)[1])},"
        f" rejects_scan = {sql_string(_REJECT_SCANS.rsplit('.', 1)[1])}"
    ) if rejects else ""
    return (
        f"read_csv($path, header = false, auto_detect = false, skip = {header.last_line},"
        f" delim = {sql_string(header.delimiter)}, quote = '\"', escape = '\"', columns = {columns}{stored})"
    )


def _summary_label_sql(count: int) -> str:
    """The first non-empty cell of a report summary row ("Total: Account", "Total"), else NULL."""
    first = "coalesce(" + ", ".join(f"nullif(trim(c{i}), '')" for i in range(count)) + ")"
    return f"case when lower({first}) = 'total' or starts_with(lower({first}), 'total:') then {first} end"


def _load_rows(
    attempt: _Attempt, readable: Path, scan: FileScan, header: HeaderRow, fmt: ValueFormat, notes: list[str],
    sheet_rows: _SheetRows | None = None,
) -> FileResult:
    con, contract, result = attempt.con, attempt.contract, attempt.result
    mapping = header.mapping
    reader = _reader_sql(header)
    path = {"path": str(readable)}
    conversions, checks = _typed_columns(contract, header, fmt, nul=scan.has_nul)
    count = len(conversions)
    # DuckDB reads a NUL byte into the value: a file that holds one checks every value for it.
    nul = " or ".join(f"contains(c{i}, chr(0))" for i in range(count)) if scan.has_nul else "false"
    summary = _summary_label_sql(count) if contract.summary_rows else None
    # One pass over the file converts every value and flags invalid rows, in three projections so
    # that no expression is written (and computed) twice: the text each parser sees, the typed
    # values, the row's flags. Created outside the load transaction, so row ids are the records'
    # 0-based positions in the file.
    missing = [(i, c.missing) for i, c in enumerate(conversions) if c.missing]
    texts = ", ".join(
        [*(f"{c.value} as v{i}" for i, c in enumerate(conversions)), *(f"{sql} as m{i}" for i, sql in missing),
         f"{summary or 'null::varchar'} as _summary", f"{nul} as _nul"]
    )
    typed = ", ".join(
        [*(f"{c.typed} as t{i}" for i, c in enumerate(conversions)), *(f"v{i}" for i in range(count)),
         *(f"m{i}" for i, _ in missing), "_summary", "_nul"]
    )
    any_bad = " or ".join(
        ["_nul", *(f"m{i}" for i, _ in missing), *(c.invalid for c in conversions if c.invalid and not c.cell)]
    )
    # A record of a forgotten person is left out (and counted), valid or not.
    by_target = {mapping.targets[i]: f"t{i}" for i in range(count)}
    suppressed = personal_data.suppressed_sql(contract, by_target.get) \
        if personal_data.anything_suppressed(con) else None
    any_cell_bad = " or ".join(c.invalid for c in conversions if c.invalid and c.cell) or "false"
    flags = f"_summary is null and ({any_bad}) as _bad, _summary is null and ({any_cell_bad}) as _cell_bad"

    def read_rows(reader_sql: str) -> None:
        con.execute(
            f"create temp table _ingest_rows as select {', '.join(f't{i}' for i in range(count))}, _summary, {flags},"
            f" _summary is null and {suppressed or 'false'} as _suppressed"
            f" from (select {typed} from (select {texts} from {reader_sql}))",
            path,
        )

    # The first read sets aside what DuckDB cannot parse; only then is the file read again, without
    # those records, so a clean file is read once.
    _drop_rejects(con)
    read_rows(_reader_sql(header, rejects=True))
    rejected = 0
    if _count(con, _REJECTS):
        con.execute(f"drop table {_ROWS}")
        readable = _set_aside_unreadable(con, readable, header)
        path = {"path": str(readable)}
        read_rows(reader)
        rejected = _count(con, _UNREADABLE)
    unlabelled = mapping.unlabelled
    counts = con.execute(
        "select count(*), count(*) filter (where _summary is null), count(*) filter (where _bad and not _suppressed),"
        " count(_summary), count(*) filter (where _cell_bad and not _bad and not _suppressed),"
        " count(*) filter (where _suppressed)"
        + "".join(f", count(t{i})" for i in unlabelled) + f" from {_ROWS}"
    ).fetchall()[0]
    records, rows, bad, summaries, emptied, suppressed_rows = counts[:6]
    if records == 0 and not rejected:
        return attempt.finish(EMPTY, "header only, no data rows")
    # Text values are kept as written, so when every row is a valid record the typed rows' text
    # columns hold the newlines inside records, except any a typed value parsed around.
    texts_kept = None if bad or summaries else [f"t{i}" for i, c in enumerate(conversions) if c.kept_as_text]
    if sheet_rows is not None:
        lines = sheet_rows.numbers(con, header, records)
    elif records:
        lines = _record_lines(con, readable, scan, header, records, reader, path, texts_kept)
    else:
        lines = _LineNumbers(header.last_line + 1)
    if summaries:
        notes.append(_summary_note(con, lines, summaries))
    if rows == 0 and not rejected:
        return attempt.finish(EMPTY, "; ".join(["no data rows", *notes]))
    empty = [pos for pos, values in zip(unlabelled, counts[6:]) if values == 0]
    if empty:
        where = ", ".join(str(pos + 1) for pos in empty)
        notes.append(f"{len(empty)} column(s) without a header label or a value ignored (position {where})")
    if bad or emptied:
        _stage_text(con, reader, path)

    kept = [i for i in range(count) if i not in empty]
    stated = mapping.from_header
    table = f"{quote_ident(contract.schema)}.{quote_ident(contract.table)}"
    target_columns = ", ".join(
        quote_ident(n) for n in (*(mapping.targets[i] for i in kept), *(name for name, _, _ in stated),
                                 *LINEAGE_COLUMNS)
    )
    values = ", ".join([*(f"s.t{i}" for i in kept), *(f"$stated_{k}" for k in range(len(stated)))])
    notes += [f"{name} {value} taken from the header {label!r}" for name, value, label in stated]
    con.begin()
    try:
        result.file_order = _next_file_order(con)
        lineage = {
            "file": result.file, "order": result.file_order, "load_id": attempt.load_id,
            "loaded_at": attempt.loaded_at,
        }
        for name in sorted(mapping.custom - {mapping.targets[i] for i in empty}):
            con.execute(f"alter table {table} add column if not exists {quote_ident(name)} varchar")
        source, line = lines.over(_ROWS)
        inserted = con.execute(
            f"insert into {table} ({target_columns}) "
            f"select {values}, $file, {line}, $order, $load_id, $loaded_at from {source}"
            " where not s._bad and s._summary is null and not s._suppressed",
            {**lineage, **{f"stated_{k}": value for k, (_, value, _) in enumerate(stated)}},
        ).fetchall()[0][0]
        result.rows_read, result.rows_loaded, result.rows_suppressed = rows + rejected, inserted, suppressed_rows
        result.rows_quarantined = rows - inserted - suppressed_rows + rejected
        _record_file_columns(attempt, mapping, kept)
        if bad or rejected or emptied:
            notes.append(_quarantine(attempt, lines, checks if bad or emptied else [], lineage, summary, by_target))
        attempt.finish(LOADED, "; ".join(notes))
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return result


# Passes over a file whose quotes never close: such a quote swallows the lines below it, and where
# the swallowed text ends, DuckDB's view of the records below is no longer to be trusted. So each
# pass sets aside the records up to the first such quote, that one by its first line only, and reads
# the file again: the lines it swallowed become records of their own. The last pass sets aside every
# record DuckDB rejects, whole.
UNREADABLE_PASSES = 10

_UNREADABLE_REASONS = {
    "TOO MANY COLUMNS": "unreadable record: more values than the header has columns",
    "MISSING COLUMNS": "unreadable record: fewer values than the header has columns",
    "UNQUOTED VALUE": "unreadable record: a quote that is never closed (or text after a closing quote)",
    "LINE SIZE OVER MAXIMUM": "unreadable record: longer than 2,000,000 bytes",
    "INVALID ENCODING": "unreadable record: bytes that are not valid UTF-8 in a UTF-8 file",
}


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    name = table.rsplit(".", 1)[1]
    exists = con.execute("select count(*) from duckdb_tables() where temporary and table_name = ?", [name])
    if not exists.fetchall()[0][0]:
        return 0
    return con.execute(f"select count(*) from {table}").fetchall()[0][0]


def _drop_rejects(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"drop table if exists {_REJECTS}")
    con.execute(f"drop table if exists {_REJECT_SCANS}")


def _set_aside_unreadable(con: duckdb.DuckDBPyConnection, readable: Path, header: HeaderRow) -> Path:
    """Move the records DuckDB could not parse (listed in ``_REJECTS``) to ``_UNREADABLE`` and return a
    copy of the file with their lines emptied, which the strict reader then reads.

    A record's physical line comes from the byte offset where it starts (DuckDB's own line count
    leaves out newlines inside quoted values); emptied lines keep every later line's number.
    ``_UNREADABLE`` holds the line, the column DuckDB blamed (empty when it blames none), the raw text
    (for a quote never closed, only its first line) and the reason, in words of ours: DuckDB's
    messages may quote the record.
    """
    targets = list(header.mapping.targets)
    con.execute(
        "create temp table _ingest_unreadable"
        " (line bigint, column_name varchar, raw_value varchar, reason varchar)"
    )
    reasons = "case error_type " + " ".join(
        f"when {sql_string(kind)} then {sql_string(text)}" for kind, text in _UNREADABLE_REASONS.items()
    ) + " else 'unreadable record' end"
    column = (
        "case when regexp_full_match(column_name, 'c[0-9]+')"
        " and cast(substr(column_name, 2) as bigint) < len($targets)"
        " then $targets[cast(substr(column_name, 2) as bigint) + 1] else '' end"
    )
    for n in range(UNREADABLE_PASSES):
        if n:
            _drop_rejects(con)
            # Every column is read (a bare count(*) would not check each value's encoding).
            every = ", ".join(f"count(c{i})" for i in range(len(targets)))
            con.execute(f"select {every} from {_reader_sql(header, rejects=True)}", {"path": str(readable)}).fetchall()
            if not _count(con, _REJECTS):
                break
        whole = n == UNREADABLE_PASSES - 1
        # DuckDB's text of the record may start with the blank lines before it.
        record = "trim(csv_line, chr(13) || chr(10))"
        con.execute(
            f"""create or replace temp table _ingest_pass as
            with rejects as (
                select * from {_REJECTS}
                qualify row_number() over (partition by line_byte_position order by byte_position) = 1
            ),
            trusted as (
                select * from rejects
                where $whole or line_byte_position <= coalesce(
                    (select min(line_byte_position) from rejects where error_type = 'UNQUOTED VALUE'),
                    line_byte_position)
            )
            select line_byte_position as position, {reasons} as reason, {column} as column_name,
                case when error_type = 'UNQUOTED VALUE' and not $whole
                    then rtrim(split_part({record}, chr(10), 1), chr(13)) else {record} end as raw_value,
                case when error_type = 'UNQUOTED VALUE' and not $whole then 1
                    else 1 + strlen({record}) - strlen(replace({record}, chr(10), '')) end as span
            from trusted""",
            {"targets": targets, "whole": whole},
        )
        spans = con.execute("select position, span from temp.main._ingest_pass order by position").fetchall()
        cleaned = readable.with_name(f"export.{n + 1}.csv")
        first_lines = blank_records(readable, cleaned, spans)
        con.execute(
            "insert into _ingest_unreadable select l.line, p.column_name, p.raw_value, p.reason"
            " from temp.main._ingest_pass p join (select unnest($positions::bigint[]) as position,"
            " unnest($lines::bigint[]) as line) l using (position)",
            {"positions": [position for position, _ in spans], "lines": first_lines},
        )
        con.execute("drop table temp.main._ingest_pass")
        readable = cleaned
    _drop_rejects(con)
    return readable


def _record_file_columns(attempt: _Attempt, mapping, kept: list[int]) -> None:
    """One ``ingest.file_columns`` row per raw column the file wrote (a stated column: its label, no position)."""
    names = [mapping.targets[i] for i in kept] + [name for name, _, _ in mapping.from_header]
    labels = [mapping.labels[i] for i in kept] + [label for _, _, label in mapping.from_header]
    positions = [i + 1 for i in kept] + [None] * len(mapping.from_header)
    r = attempt.result
    attempt.con.execute(
        "insert into ingest.file_columns select $load_id, $source, $object, $file, $order,"
        " unnest($names::varchar[]), unnest($labels::varchar[]), unnest($positions::integer[])",
        {"load_id": attempt.load_id, "source": r.source, "object": r.object, "file": r.file,
         "order": r.file_order, "names": names, "labels": labels, "positions": positions},
    )


def _summary_note(con: duckdb.DuckDBPyConnection, lines: _LineNumbers, count: int, shown: int = 3) -> str:
    source, line = lines.over(_ROWS)
    found = con.execute(
        f"select {line} as _line, s._summary from {source} where s._summary is not null order by _line limit {shown}"
    ).fetchall()
    listed = ", ".join(f"line {n} {label!r}" for n, label in found) + (", ..." if count > shown else "")
    return f"{count} summary row(s) skipped, not records ({listed})"


def _stage_text(con: duckdb.DuckDBPyConnection, reader: str, path: dict) -> None:
    """The records as raw text, read again only when some rows are quarantined.

    Like the typed rows, staged outside the load transaction so row ids are file positions.
    """
    con.execute(f"create temp table _ingest_stage as select * from {reader}", path)


def _quarantine(
    attempt: _Attempt, lines: _LineNumbers, checks: list[_Check], lineage: dict, summary: str | None,
    by_target: dict[str, str],
) -> str:
    """Record every unreadable record and every bad cell of the rows left out of the raw table (a
    forgotten person's excepted), each bad cell with its record's person key when the record has an
    email, so ``forget`` finds it; returns a short summary (counts per column and reason, never a
    value)."""
    con = attempt.con
    params = {**lineage, "source": attempt.contract.source, "object": attempt.contract.object, "sheet": attempt.sheet}
    if _count(con, _UNREADABLE):
        con.execute(
            f"insert into ingest.quarantine ({_QUARANTINE_COLUMNS}) select $load_id, $source, $object, $file,"
            f" $order, line, column_name, raw_value, reason, $loaded_at, 'record', $sheet from {_UNREADABLE} order by line",
            params,
        )
    if checks:
        _quarantine_cells(attempt, lines, checks, params, summary, by_target)
    counts = con.execute(
        "select coalesce(nullif(column_name, ''), 'record'), reason, scope = 'cell', count(*) from ingest.quarantine"
        " where file_order = ? group by all order by 4 desc, 1, 2, 3",
        [attempt.result.file_order],
    ).fetchall()
    attempt.result.cells_quarantined = sum(n for _, _, is_cell, n in counts if is_cell)
    return "; ".join(
        f"{n} x {column}{' (value emptied, record loaded)' if is_cell else ''}: {reason}"
        for column, reason, is_cell, n in counts
    )


_QUARANTINE_COLUMNS = (
    "load_id, source, object, file, file_order, line, column_name, raw_value, reason, quarantined_at, scope, sheet"
)


def _quarantine_cells(
    attempt: _Attempt, lines: _LineNumbers, checks: list[_Check], params: dict, summary: str | None,
    by_target: dict[str, str],
) -> None:
    con = attempt.con
    email = by_target.get(attempt.contract.person_email_column or "")
    person_key = "null::varchar"
    if email and personal_data.pads_present(con):
        person_key = f"(select {personal_data.email_key_sql('r.' + email)} from {_ROWS} r where r.rowid = s._rn)"
    # The person records the record refers to (a task's WhoId), so forget finds it by them too.
    references = [(by_target[column], referenced) for column, referenced in attempt.contract.person_references
                  if column in by_target]
    person_records = "null::varchar[]"
    if references:
        items = ", ".join(f"{sql_string(referenced + ':')} || cast(r.{typed} as varchar)"
                          for typed, referenced in references)
        person_records = (f"(select list_filter([{items}], x -> x is not null) from {_ROWS} r"
                          " where r.rowid = s._rn)")
    cells = ", ".join(
        f"case when {c.sql} then {{'column_name': {sql_string(c.column)}, 'raw_value': {c.raw},"
        f" 'reason': {c.reason_sql}}} end"
        for c in checks
    )
    source, line = lines.over(_STAGE)
    bad = " or ".join(c.sql for c in checks)
    if summary:
        bad = f"({bad}) and ({summary}) is null"
    bad = f"({bad}) and s._rn not in (select rowid from {_ROWS} where _suppressed)"
    # A record failing a record-level check is not loaded: every bad cell it has is the record's.
    # A record failing only cell-level checks is loaded with those values empty: they are cells.
    record_bad = " or ".join(c.sql for c in checks if not c.cell) or "false"
    con.execute(
        f"insert into ingest.quarantine ({_QUARANTINE_COLUMNS}, person_key, person_records) select $load_id,"
        " $source, $object, $file, $order, _line, cell.column_name, cell.raw_value, cell.reason, $loaded_at, _scope,"
        " $sheet, _person_key, _person_records from ("
        f"select {line} as _line, case when {record_bad} then 'record' else 'cell' end as _scope,"
        f" unnest([{cells}]) as cell, {person_key} as _person_key, {person_records} as _person_records"
        f" from {source} where {bad}"
        ") where cell is not null order by _line",
        params,
    )


# Records are grouped in buckets of this many positions to join each one to its line offset.
LINE_BUCKET = 2048


@dataclass(frozen=True)
class _LineNumbers:
    """Where each record starts in the file: first data line + its position + the offset of its run.

    ``offsets`` is a table of runs of records (``start`` <= position < ``stop``) sharing a line
    offset, cut at bucket boundaries so every record finds its run with an equality join on a
    small table: the wide rows stream through, in parallel, without being sorted.
    """

    first_data_line: int
    offsets: str | None = None

    def over(self, records: str) -> tuple[str, str]:
        """FROM clause over a table of records in file order (alias s), and the SQL of each one's line."""
        positions = f"(select rowid as _rn, * from {records}) s"
        if not self.offsets:
            return positions, f"{self.first_data_line} + s._rn"
        return (
            f"{positions} join {self.offsets} o on o.bucket = s._rn // {LINE_BUCKET}"
            " and s._rn >= o.start and s._rn < o.stop",
            f"{self.first_data_line} + s._rn + o._offset",
        )


@dataclass(frozen=True)
class _SheetRows:
    """Where the records of a workbook's CSV sit in its sheet: (CSV line, sheet row) of each non-blank
    row, so line numbers are the sheet's row numbers even where a cell holds a line break."""

    starts: list[tuple[int, int]]

    def row_of_line(self, line: int) -> int:
        return max((row for start, row in self.starts if start <= line), default=line)

    def numbers(self, con: duckdb.DuckDBPyConnection, header: HeaderRow, records: int) -> _LineNumbers:
        rows = [row for start, row in self.starts if start > header.last_line]
        if len(rows) != records:
            raise LineNumberError(
                f"found {len(rows)} record starts in the text but read {records} records; line numbers cannot be trusted"
            )
        if not rows:
            return _LineNumbers(self.row_of_line(header.last_line) + 1)
        _create_line_offsets(
            con, f"select min(p) as start, max(p) + 1 as stop, r - p - {rows[0]} as _offset from "
            "(select unnest($rows) as r, generate_subscripts($rows, 1) - 1 as p) group by _offset", {"rows": rows})
        return _LineNumbers(rows[0], offsets=_OFFSETS)


def _create_line_offsets(con, runs_sql: str, params: dict | None = None) -> int:
    """Store runs (start, stop, _offset) cut at bucket boundaries; returns how many records they cover."""
    con.execute(
        f"""create temp table _ingest_line_offsets as
        with runs as ({runs_sql})
        select bucket, greatest(start, bucket * {LINE_BUCKET}) as start,
            least(stop, (bucket + 1) * {LINE_BUCKET}) as stop, _offset
        from runs, unnest(range(start // {LINE_BUCKET}, (stop - 1) // {LINE_BUCKET} + 1)) as b(bucket)
        where stop > start""",
        params,
    )
    return con.execute(f"select coalesce(sum(stop - start), 0) from {_OFFSETS}").fetchall()[0][0]


def _record_lines(
    con, readable: Path, scan: FileScan, header: HeaderRow, rows: int, reader: str, path: dict,
    texts_kept: list[str] | None,
) -> _LineNumbers:
    """Line numbers from record positions, shifted by the newlines inside earlier quoted values.

    When the file has as many lines below the header as records, each record is one line.
    Otherwise the newlines inside each record are counted: in ``texts_kept``, the typed rows' text
    columns, when given, else in the file read again. A count that misses newlines (a typed
    value's, or blank lines the CSV reader skips) cannot add up to the file's lines: the records'
    starts are then found in the text itself.
    """
    first_data_line = header.last_line + 1
    lines_after_header = scan.physical_lines - header.last_line - scan.trailing_blank_lines
    if lines_after_header == rows:
        return _LineNumbers(first_data_line)
    columns = texts_kept if texts_kept is not None else [f"c{i}" for i in range(len(header.mapping.targets))]
    newlines = " + ".join(
        f"case when contains({c}, chr(10)) then strlen({c}) - strlen(replace({c}, chr(10), '')) else 0 end"
        for c in columns
    ) or "0"
    source, params = (_ROWS, None) if texts_kept is not None else (reader, path)
    # Outside the load transaction like the typed rows: row ids are the records' positions.
    con.execute(f"create temp table _ingest_newlines as select {newlines} as _newlines from {source}", params)
    embedded = con.execute(f"select coalesce(sum(_newlines), 0) from {_NEWLINES}").fetchall()[0][0]
    if lines_after_header == rows + embedded:
        # Records spanning lines (newlines inside quoted values) shift every later record down.
        _create_line_offsets(con, f"""
            with breaks as (
                select _rn, sum(_newlines) over (order by _rn) as _offset
                from (select rowid as _rn, _newlines from {_NEWLINES}) where _newlines > 0
            ),
            starts as (select 0::bigint as start, 0::bigint as _offset union all select _rn + 1, _offset from breaks)
            select start, coalesce(lead(start) over (order by start), {rows}) as stop, _offset from starts""")
        return _LineNumbers(first_data_line, offsets=_OFFSETS)

    # Blank lines between records, which the CSV reader skips: find where records start in the
    # text, a line outside quotes that is not blank (quotes are balanced in RFC 4180 CSV). A
    # record's offset never decreases along the file, so equal offsets form one run.
    covered = _create_line_offsets(con, f"""
        with text as (select string_split(content, chr(10)) as lines from read_text($path)),
        numbered as (select unnest(lines) as line, generate_subscripts(lines, 1) as n from text),
        data as (
            select n, line,
                coalesce(sum(strlen(line) - strlen(replace(line, '"', '')))
                    over (order by n rows between unbounded preceding and 1 preceding), 0) as quotes_before
            from numbered where n > {header.last_line}
        ),
        starts as (
            select n, row_number() over (order by n) - 1 as _rn
            from data where quotes_before % 2 = 0 and trim(line, chr(13)) <> ''
        )
        select min(_rn) as start, max(_rn) + 1 as stop, n - {first_data_line} - _rn as _offset
        from starts group by _offset""", {"path": str(readable)})
    if covered != rows:
        raise LineNumberError(
            f"found {covered} record starts in the text but read {rows} records; line numbers cannot be trusted"
        )
    return _LineNumbers(first_data_line, offsets=_OFFSETS)


def ledger_lines(con: duckdb.DuckDBPyConnection, load_id: str) -> list[str]:
    """The ledger of one load, one line per file, as describe_result writes it."""
    try:
        rows = con.execute(
            "select file, object, content_hash, rows_read, rows_loaded, rows_quarantined, status, message,"
            " source, file_order, coalesce(cells_quarantined, 0) from ingest.load_ledger where load_id = ?"
            " order by file_order",
            [load_id],
        ).fetchall()
    except duckdb.CatalogException:
        return []
    return [describe_result(FileResult(*row)) for row in rows]
