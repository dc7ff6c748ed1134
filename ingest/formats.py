"""How each vendor export writes typed values, and the SQL that parses them.

A format is decided once per file, from its source, object and the language of its header
labels; it is never guessed row by row. Every parser is a DuckDB SQL expression over a trimmed,
non-empty text value that yields the typed value or NULL when the text does not fit the format;
the loader quarantines a row when a non-empty value parses to NULL.

Timestamps are stored as UTC ``timestamp``. A value with a zone (``Z``, ``+0100``) is converted
from it. A value without one (HubSpot UI exports write the portal's wall-clock time,
``2026-03-04 10:15``) is read in the source's time zone, UTC unless ``<source>/_source.yml`` says
otherwise, and converted to UTC in SQL. A date alone in a timestamp column (HubSpot date
properties such as Close Date) is midnight UTC, whatever the time zone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ingest.contracts import TEXT_TYPES, Contract, sql_string
from ingest.workbooks import WORKBOOK_DATE, WORKBOOK_TIMESTAMP


@dataclass(frozen=True)
class ValueFormat:
    name: str
    timestamp_utc: tuple[str, ...]
    timestamp_offset: tuple[str, ...]
    timestamp_example: str
    # Wall-clock formats without a zone, read in ``timezone``.
    timestamp_local: tuple[str, ...] = ()
    timezone: str = "UTC"
    date: tuple[str, ...] = ("%Y-%m-%d",)
    date_example: str = "2026-03-04"
    true_values: tuple[str, ...] = ("true", "1")
    false_values: tuple[str, ...] = ("false", "0")
    decimal_mark: str = "."
    group_mark: str | None = None
    # An id: characters from id_chars, the first from id_first, a length from id_lengths (any if empty).
    id_chars: str = "A-Za-z0-9_.:-"
    id_first: str = "A-Za-z0-9"
    id_lengths: tuple[int, ...] = ()
    id_example: str = "letters, digits, '_', '.', ':' or '-'"
    null_values: tuple[str, ...] = ()

    def for_workbook(self) -> ValueFormat:
        """This format, also reading the forms an XLSX export's date and date-time cells are written in
        (ingest/workbooks.py): a date-time as wall-clock time, a date alone in a timestamp column as
        midnight UTC, as for a CSV."""
        def plus(formats: tuple[str, ...], extra: str) -> tuple[str, ...]:
            return tuple(dict.fromkeys((*formats, extra)))

        return replace(
            self, name=f"{self.name} (xlsx)", date=plus(self.date, WORKBOOK_DATE),
            timestamp_local=plus(self.timestamp_local, WORKBOOK_TIMESTAMP),
            timestamp_utc=plus(self.timestamp_utc, WORKBOOK_DATE),
        )


ISO_UTC = ("%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ")
ISO_OFFSET = ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z")

SALESFORCE = ValueFormat(
    name="salesforce",
    timestamp_utc=ISO_UTC,
    timestamp_offset=ISO_OFFSET,
    timestamp_example="2026-03-04T10:15:00.000Z",
    id_chars="A-Za-z0-9",
    id_lengths=(15, 18),
    id_example="a 15- or 18-character Salesforce id",
)

HUBSPOT = ValueFormat(
    name="hubspot",
    timestamp_local=("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"),
    timestamp_utc=(*ISO_UTC, "%Y-%m-%d"),
    timestamp_offset=ISO_OFFSET,
    timestamp_example="2026-03-04 10:15",
    true_values=("true", "yes"),
    false_values=("false", "no"),
)

# HubSpot accounts whose export language is Spanish write day-first dates and a decimal comma.
HUBSPOT_SPANISH = replace(
    HUBSPOT,
    name="hubspot (es)",
    timestamp_local=("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S"),
    timestamp_utc=(*ISO_UTC, "%d/%m/%Y"),
    timestamp_example="04/03/2026 10:15",
    date=("%d/%m/%Y",),
    date_example="04/03/2026",
    true_values=("true", "sí", "si", "verdadero"),
    false_values=("false", "no", "falso"),
    decimal_mark=",",
    group_mark=".",
)

# Bulk extracts write an empty field as the text "null"; the asset API writes program createdAt
# as 2015-05-21T22:45:13Z+0000.
MARKETO = ValueFormat(
    name="marketo",
    timestamp_utc=ISO_UTC,
    timestamp_offset=(*ISO_OFFSET, "%Y-%m-%dT%H:%M:%SZ%z"),
    timestamp_example="2026-03-04T10:15:00Z",
    null_values=("null",),
)

GOOGLE_ADS = ValueFormat(
    name="google ads",
    timestamp_utc=ISO_UTC,
    timestamp_offset=ISO_OFFSET,
    timestamp_example="2026-03-04T10:15:00Z",
    group_mark=",",
    null_values=("--",),
)

LINKEDIN_ADS = replace(
    GOOGLE_ADS,
    name="linkedin ads",
    date=("%m/%d/%Y",),
    date_example="3/4/2026",
    null_values=(),
)

META_ADS = replace(GOOGLE_ADS, name="meta ads", null_values=())

SPEND = replace(GOOGLE_ADS, name="spend", group_mark=None, null_values=())

# A hand-kept plan: ISO dates, a month alone allowed (2026-03 is March 2026).
TARGETS = replace(SPEND, name="targets", date=("%Y-%m-%d", "%Y-%m"), date_example="2026-03-01 or 2026-03")

# The content calendar, kept by hand: ISO dates.
CONTENT = replace(SPEND, name="content", date=("%Y-%m-%d",), date_example="2026-03-04")

_BY_OBJECT = {
    ("spend", "google_ads"): GOOGLE_ADS,
    ("spend", "linkedin_ads"): LINKEDIN_ADS,
    ("spend", "meta_ads"): META_ADS,
}
_BY_SOURCE = {"salesforce": SALESFORCE, "hubspot": HUBSPOT, "marketo": MARKETO, "spend": SPEND, "targets": TARGETS,
              "content": CONTENT}
_BY_LOCALE = {("hubspot", "es"): HUBSPOT_SPANISH}

# Header labels only a Spanish-language export writes (normalised: case-folded, single spaces).
_LOCALE_MARKERS = {
    "es": frozenset({
        "id de registro", "fecha de creación", "fecha de última modificación", "fecha de conversión",
        "nombre del formulario", "etapa del negocio", "nombre del negocio", "nombre de la empresa",
    }),
}


def header_locale(normalised_labels: list[str]) -> str:
    """The export language a header is written in: 'en' unless it carries another language's labels."""
    labels = set(normalised_labels)
    for locale, markers in _LOCALE_MARKERS.items():
        if labels & markers:
            return locale
    return "en"


def format_for(contract: Contract, locale: str = "en", timezone: str = "UTC") -> ValueFormat:
    fmt = (
        _BY_LOCALE.get((contract.source, locale))
        or _BY_OBJECT.get((contract.source, contract.object))
        or _BY_SOURCE[contract.source]
    )
    return fmt if timezone == fmt.timezone else replace(fmt, timezone=timezone)


def _sql_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(sql_string(v) for v in values) + "]"


def _sql_tuple(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(sql_string(v) for v in values) + ")"


def _regex_escape(mark: str) -> str:
    return "\\" + mark if mark in ".^$*+?()[]{}|\\" else mark


def _number_pattern(fmt: ValueFormat, fraction: bool) -> str:
    digits = "[0-9]+"
    if fmt.group_mark:
        digits = f"([0-9]+|[0-9]{{1,3}}({_regex_escape(fmt.group_mark)}[0-9]{{3}})+)"
    if not fraction:
        return f"[+-]?{digits}"
    mark = _regex_escape(fmt.decimal_mark)
    return f"[+-]?({digits}({mark}[0-9]*)?|{mark}[0-9]+)"


def _plain_number(value_sql: str, fmt: ValueFormat) -> str:
    """The number rewritten with '.' as decimal mark and no group separators."""
    out = value_sql
    if fmt.group_mark:
        out = f"replace({out}, {sql_string(fmt.group_mark)}, '')"
    if fmt.decimal_mark != ".":
        out = f"replace({out}, {sql_string(fmt.decimal_mark)}, '.')"
    return out


def parse_sql(column_type: str, value_sql: str, fmt: ValueFormat) -> str:
    """SQL turning ``value_sql`` (trimmed, non-empty text or NULL) into the contract type; NULL if invalid."""
    v = value_sql
    if column_type in TEXT_TYPES:
        return v
    if column_type == "id":
        return f"case when {_id_check(v, fmt)} then {v} end"
    if column_type == "number_id":
        return f"case when regexp_full_match({v}, '[0-9]+') then try_cast({v} as bigint) end"
    if column_type == "integer":
        pattern = sql_string(_number_pattern(fmt, fraction=False))
        return f"case when regexp_full_match({v}, {pattern}) then try_cast({_plain_number(v, fmt)} as bigint) end"
    if column_type == "decimal":
        pattern = sql_string(_number_pattern(fmt, fraction=True))
        return (
            f"case when regexp_full_match({v}, {pattern}) "
            f"then try_cast({_plain_number(v, fmt)} as decimal(18, 6)) end"
        )
    if column_type == "boolean":
        return (
            f"case when lower({v}) in {_sql_tuple(fmt.true_values)} then true "
            f"when lower({v}) in {_sql_tuple(fmt.false_values)} then false end"
        )
    if column_type == "date":
        return _strptime_sql(v, [(f, "cast({} as date)") for f in fmt.date])
    if column_type == "timestamp":
        local = "{}"
        if fmt.timezone != "UTC":
            local = f"timezone('UTC', timezone({sql_string(fmt.timezone)}, {{}}))"
        return _strptime_sql(v, [
            *((f, local) for f in fmt.timestamp_local),
            *((f, "{}") for f in fmt.timestamp_utc),
            *((f, "timezone('UTC', {})") for f in fmt.timestamp_offset),
        ])
    raise ValueError(f"unknown column type {column_type!r}")


def _strptime_sql(v: str, candidates: list[tuple[str, str]]) -> str:
    """The first of ``candidates`` (strptime format, SQL template of the parsed value) that parses ``v``.

    A format that does not fit costs strptime far more than one that does, so a format is tried
    only on values of its shape: a LIKE pattern of the format's literal characters, at least as
    permissive as the format. The result is the first format, in order, that parses the value.
    """
    tried = [template.format(f"try_strptime({v}, {sql_string(f)})") for f, template in candidates]
    if len(tried) == 1:
        return tried[0]
    guarded = [f"case when {_like(v, _shape(f))} then {sql} end" for (f, _), sql in zip(candidates, tried)]
    return f"coalesce({', '.join(guarded)})"


def _id_check(v: str, fmt: ValueFormat) -> str:
    """True for a valid id: the first character from ``id_first``, the rest from ``id_chars``."""
    check = f"regexp_full_match({v}, {sql_string(f'[{fmt.id_first}][{fmt.id_chars}]*')})"
    if fmt.id_lengths:
        check = f"strlen({v}) in ({', '.join(map(str, fmt.id_lengths))}) and {check}"
    return check


def _like(v: str, pattern: str) -> str:
    return f"{v} like {sql_string(pattern)}" + (" escape '\\'" if "\\" in pattern else "")


def _shape(strptime_format: str) -> str:
    """A LIKE pattern every text the strptime format accepts matches: its literal characters, anything
    between them."""
    out, i = [], 0
    while i < len(strptime_format):
        char = strptime_format[i]
        if char == "%" and i + 1 < len(strptime_format):
            out.append("\\%" if strptime_format[i + 1] == "%" else "%")
            i += 2
            continue
        out.append("\\" + char if char in "%_\\" else char)
        i += 1
    return "".join(out)


def trimmed_sql(raw_sql: str, fmt: ValueFormat) -> str:
    """The text without surrounding spaces; NULL when empty or one of the format's null marks.

    Trimming only values that start or end with a space avoids copying every string.
    """
    padded = f"starts_with({raw_sql}, ' ') or ends_with({raw_sql}, ' ')"
    trimmed = f"case when {padded} then nullif(trim({raw_sql}), '') else nullif({raw_sql}, '') end"
    return _without_null_marks(trimmed, fmt)


def _without_null_marks(value_sql: str, fmt: ValueFormat) -> str:
    """``value_sql``, NULL when it is one of the format's null marks; the expression is written once."""
    for mark in fmt.null_values:
        value_sql = f"nullif({value_sql}, {sql_string(mark)})"
    return value_sql


def text_sql(raw_sql: str, fmt: ValueFormat) -> str:
    """Text as written (not trimmed); NULL when empty or exactly one of the format's null marks."""
    return _without_null_marks(f"nullif({raw_sql}, '')", fmt)


def value_sql(raw_sql: str, column_type: str, fmt: ValueFormat) -> str:
    """The text a parser sees: typed values are trimmed; empty text (and the format's null marks) is NULL."""
    if column_type == "text":
        return text_sql(raw_sql, fmt)
    return trimmed_sql(raw_sql, fmt)


def is_missing_sql(raw_sql: str, fmt: ValueFormat) -> str:
    """SQL true when a value is absent: NULL, blank, or one of the format's null marks."""
    return f"({trimmed_sql(raw_sql, fmt)} is null)"


def invalid_reason(column_type: str, fmt: ValueFormat) -> str:
    """Why a value was quarantined, naming the format the export is expected to use."""
    if column_type == "id":
        return f"invalid id: expected {fmt.id_example}"
    if column_type == "number_id":
        return f"invalid id: expected a {fmt.name} numeric id (digits only)"
    if column_type == "integer":
        sep = f", '{fmt.group_mark}' between thousands allowed" if fmt.group_mark else ""
        return f"invalid integer: expected whole number digits{sep}"
    if column_type == "decimal":
        sep = f", '{fmt.group_mark}' between thousands allowed" if fmt.group_mark else ""
        return f"invalid decimal: expected digits with '{fmt.decimal_mark}' as decimal mark{sep}"
    if column_type == "boolean":
        return f"invalid boolean: expected {'/'.join(fmt.true_values + fmt.false_values)}"
    if column_type == "date":
        return f"invalid date: expected {fmt.name} date like {fmt.date_example}"
    if column_type == "timestamp":
        zone = f" ({fmt.timezone} time)" if fmt.timestamp_local and fmt.timezone != "UTC" else ""
        return f"invalid timestamp: expected {fmt.name} timestamp like {fmt.timestamp_example}{zone}"
    raise ValueError(f"no validation for column type {column_type!r}")


MISSING_PRIMARY_KEY = "missing primary key"

# A long id Excel turned into a number and wrote back in scientific notation (1.23457E+17): the
# digits past the sixth are gone, so the record cannot be matched to anything.
EXCEL_SCIENTIFIC = r"[+-]?[0-9]+([.,][0-9]+)?[Ee][+-]?[0-9]+"
EXCEL_MANGLED_ID = (
    "invalid id: a number in scientific notation, as Excel writes a long id it has re-saved"
    " (its digits are lost); export the file again and do not re-save it in Excel"
)


def invalid_reason_sql(column_type: str, fmt: ValueFormat, value_sql: str) -> str:
    """SQL of why ``value_sql`` (a value that did not parse) was quarantined; an id Excel rewrote says so."""
    reason = sql_string(invalid_reason(column_type, fmt))
    if column_type not in ("id", "number_id"):
        return reason
    return (
        f"case when regexp_full_match({value_sql}, {sql_string(EXCEL_SCIENTIFIC)})"
        f" then {sql_string(EXCEL_MANGLED_ID)} else {reason} end"
    )
