"""Value parsers (SQL) against independent Python oracles, and header matching, as properties."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

import duckdb
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ingest.contracts import CONTRACTS, contracts_for
from ingest.formats import (
    GOOGLE_ADS,
    HUBSPOT,
    HUBSPOT_SPANISH,
    LINKEDIN_ADS,
    MARKETO,
    SALESFORCE,
    ValueFormat,
    format_for,
    header_locale,
    parse_sql,
    value_sql,
)
from ingest.headers import find_header, map_columns, normalise

CON = duckdb.connect()
UTC = dt.timezone.utc


def parse(value: str | None, column_type: str, fmt: ValueFormat):
    expr = parse_sql(column_type, value_sql("c0", column_type, fmt), fmt)
    return CON.execute(f"select {expr} from (select cast($v as varchar) as c0)", {"v": value}).fetchall()[0][0]


instants = st.datetimes(
    min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2099, 12, 31),
    timezones=st.sampled_from([UTC, dt.timezone(dt.timedelta(hours=-5)), dt.timezone(dt.timedelta(hours=5, minutes=30)),
                               dt.timezone(dt.timedelta(hours=-2, minutes=-30)), dt.timezone(dt.timedelta(hours=14))]),
).map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000))


def utc_naive(instant: dt.datetime) -> dt.datetime:
    return instant.astimezone(UTC).replace(tzinfo=None)


def offset(instant: dt.datetime, colon: bool) -> str:
    text = instant.strftime("%z")
    return f"{text[:3]}:{text[3:]}" if colon else text


@settings(deadline=None)
@given(instants, st.sampled_from(["millis_z", "seconds_z", "millis_offset", "seconds_offset_colon"]))
def test_salesforce_and_marketo_iso_timestamps_are_stored_in_utc(instant, style):
    base = instant.strftime("%Y-%m-%dT%H:%M:%S")
    millis = f".{instant.microsecond // 1000:03d}"
    text = {
        "millis_z": utc_naive(instant).strftime("%Y-%m-%dT%H:%M:%S") + millis + "Z",
        "seconds_z": utc_naive(instant).strftime("%Y-%m-%dT%H:%M:%S") + "Z",
        "millis_offset": base + millis + offset(instant, colon=False),
        "seconds_offset_colon": base + offset(instant, colon=True),
    }[style]
    expected = utc_naive(instant)
    if style.startswith("seconds"):
        expected = expected.replace(microsecond=0)
    assert parse(text, "timestamp", SALESFORCE) == expected
    assert parse(text, "timestamp", MARKETO) == expected


@settings(deadline=None)
@given(st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2099, 12, 31)), st.booleans())
def test_hubspot_timestamps_are_utc_wall_clock(moment, with_seconds):
    moment = moment.replace(microsecond=0) if with_seconds else moment.replace(second=0, microsecond=0)
    text = moment.strftime("%Y-%m-%d %H:%M:%S" if with_seconds else "%Y-%m-%d %H:%M")
    assert parse(text, "timestamp", HUBSPOT) == moment
    assert parse(moment.strftime("%d/%m/%Y %H:%M:%S"), "timestamp", HUBSPOT_SPANISH) == moment


@settings(deadline=None)
@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31)), st.booleans())
def test_dates_per_source(day, padded):
    assert parse(day.isoformat(), "date", SALESFORCE) == day
    assert parse(day.isoformat(), "date", GOOGLE_ADS) == day
    us = f"{day.month:02d}/{day.day:02d}/{day.year}" if padded else f"{day.month}/{day.day}/{day.year}"
    assert parse(us, "date", LINKEDIN_ADS) == day


def test_impossible_and_foreign_dates_are_rejected():
    assert parse("2026-02-30", "date", SALESFORCE) is None
    assert parse("13/04/2026", "date", LINKEDIN_ADS) is None
    assert parse("2026-03-04", "date", LINKEDIN_ADS) is None
    assert parse("03/04/2026", "date", SALESFORCE) is None
    assert parse("2026-03-04 10:15", "timestamp", SALESFORCE) is None
    assert parse("2026-03-04T10:15:00", "timestamp", SALESFORCE) is None
    assert parse("yesterday", "timestamp", HUBSPOT) is None


NUMBER_TEXT = st.text(alphabet="0123456789.,+- e", max_size=24)


def oracle_number(text: str, fmt: ValueFormat, fraction: bool):
    """What a number in this format means, written independently of the SQL with Python's re and Decimal."""
    text = text.strip(" ")
    if not text:
        return None
    group = re.escape(fmt.group_mark) if fmt.group_mark else None
    digits = f"(?:[0-9]+|[0-9]{{1,3}}(?:{group}[0-9]{{3}})+)" if group else "[0-9]+"
    mark = re.escape(fmt.decimal_mark)
    pattern = f"[+-]?(?:{digits}(?:{mark}[0-9]*)?|{mark}[0-9]+)" if fraction else f"[+-]?{digits}"
    if not re.fullmatch(pattern, text):
        return None
    plain = text.replace(fmt.group_mark, "") if fmt.group_mark else text
    plain = plain.replace(fmt.decimal_mark, ".")
    try:
        value = Decimal(plain)
    except InvalidOperation:
        return None
    if not fraction:
        return int(value) if -(2**63) <= value < 2**63 else None
    value = value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
    return value if abs(value) < Decimal(10) ** 12 else None


@settings(max_examples=300, deadline=None)
@given(NUMBER_TEXT, st.sampled_from([SALESFORCE, HUBSPOT, GOOGLE_ADS, HUBSPOT_SPANISH]))
def test_decimals_match_the_oracle(text, fmt):
    assert parse(text, "decimal", fmt) == oracle_number(text, fmt, fraction=True)


@settings(max_examples=300, deadline=None)
@given(NUMBER_TEXT, st.sampled_from([SALESFORCE, HUBSPOT, GOOGLE_ADS, HUBSPOT_SPANISH]))
def test_integers_match_the_oracle(text, fmt):
    assert parse(text, "integer", fmt) == oracle_number(text, fmt, fraction=False)


@settings(deadline=None)
@given(st.decimals(min_value=Decimal("-999999999999"), max_value=Decimal("999999999999"), places=2))
def test_grouped_amounts_round_trip(amount):
    assert parse(f"{amount:,.2f}", "decimal", GOOGLE_ADS) == amount
    spanish = f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    assert parse(spanish, "decimal", HUBSPOT_SPANISH) == amount
    assert parse(f"{amount:.2f}", "decimal", SALESFORCE) == amount


@settings(deadline=None)
@given(st.sampled_from(["true", "false", "1", "0", "yes", "no", "sí", "maybe", "t", "", " "]),
       st.sampled_from([str.lower, str.upper, str.title]),
       st.sampled_from([SALESFORCE, HUBSPOT, HUBSPOT_SPANISH, MARKETO]))
def test_booleans_per_source(word, case, fmt):
    text = case(word)
    key = text.strip(" ").lower()
    expected = True if key in fmt.true_values else False if key in fmt.false_values else None
    assert parse(text, "boolean", fmt) == expected


@settings(deadline=None)
@given(st.text(alphabet="abcXYZ0189-_ .", max_size=20))
def test_salesforce_ids_are_15_or_18_letters_and_digits(text):
    trimmed = text.strip(" ")
    valid = re.fullmatch(r"[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?", trimmed)
    assert parse(text, "id", SALESFORCE) == (trimmed if valid else None)


def test_empty_text_is_null_and_other_text_is_kept_verbatim():
    assert parse("", "text", SALESFORCE) is None
    assert parse("  spaced  ", "text", SALESFORCE) == "  spaced  "
    assert parse("--", "integer", GOOGLE_ADS) is None


def all_labels():
    return [(c, label) for c in CONTRACTS for col in c.columns for label in col.header_names()]


def documented_target(contract, label: str) -> str:
    """A label names the column it is the canonical name of, else the first column it is an alias of."""
    wanted = " ".join(label.split()).lower()
    for col in contract.columns:
        if col.name.lower() == wanted:
            return col.name
    return next(col.name for col in contract.columns if wanted in {" ".join(a.split()).lower() for a in col.aliases})


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(all_labels()), st.sampled_from([str.lower, str.upper, str.swapcase, lambda s: s]),
       st.sampled_from(["", " ", "  ", "\t"]))
def test_any_case_and_whitespace_variant_of_a_label_maps_to_its_column(entry, case, pad):
    contract, label = entry
    variant = pad + case(label).replace(" ", " " + pad) + pad
    mapping = map_columns(contract, [variant])
    assert mapping.targets == (documented_target(contract, label),)
    assert mapping.custom == frozenset()


def test_header_row_is_found_below_title_lines_with_its_delimiter():
    google = next(c for c in contracts_for("spend") if c.object == "google_ads")
    head = (
        'Campaign report\n"March 1, 2026 - March 31, 2026"\n\n'
        "Day;Campaign;Campaign ID;Currency code;Cost\n1;2;3;4;5\n"
    )
    header = find_header(google, head)
    assert (header.first_line, header.last_line, header.delimiter) == (4, 4, ";")
    assert header.mapping.targets == ("day", "campaign", "campaign_id", "currency", "cost")


def test_header_language_picks_the_value_format():
    deals = next(c for c in contracts_for("hubspot") if c.object == "deals")
    assert header_locale([normalise("ID de registro"), normalise("Importe")]) == "es"
    assert header_locale([normalise("Record ID")]) == "en"
    assert format_for(deals, "es") is HUBSPOT_SPANISH
    assert format_for(deals, "en") is HUBSPOT


ZONES = ["Europe/Madrid", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "America/Sao_Paulo", "UTC"]


def unambiguous(moment: dt.datetime, zone: ZoneInfo) -> bool:
    """A wall-clock time that happens exactly once in the zone: PEP 495 folds differ in gaps and repeats."""
    return moment.replace(tzinfo=zone, fold=0).utcoffset() == moment.replace(tzinfo=zone, fold=1).utcoffset()


@settings(deadline=None)
@given(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2035, 12, 31)).map(
    lambda d: d.replace(microsecond=0)), st.sampled_from(ZONES))
def test_wall_clock_timestamps_are_read_in_the_source_time_zone(moment, zone_name):
    zone = ZoneInfo(zone_name)
    assume(unambiguous(moment, zone))
    fmt = format_for(next(c for c in CONTRACTS if c.object == "contacts"), "en", zone_name)
    expected = utc_naive(moment.replace(tzinfo=zone))
    assert parse(moment.strftime("%Y-%m-%d %H:%M:%S"), "timestamp", fmt) == expected
    # A zone written in the value wins over the source's; a date alone is midnight UTC.
    assert parse(moment.strftime("%Y-%m-%dT%H:%M:%SZ"), "timestamp", fmt) == moment
    assert parse(moment.strftime("%Y-%m-%d"), "timestamp", fmt) == dt.datetime.combine(moment.date(), dt.time())


def test_marketo_null_marks_and_program_timestamps():
    assert parse("2015-05-21T22:45:13Z+0000", "timestamp", MARKETO) == dt.datetime(2015, 5, 21, 22, 45, 13)
    assert parse("2013-09-26T06:56:35+0000", "timestamp", MARKETO) == dt.datetime(2013, 9, 26, 6, 56, 35)
    assert parse("null", "integer", MARKETO) is None
    assert parse("null", "text", MARKETO) is None
    assert parse("Null", "text", MARKETO) == "Null"
    assert parse("null", "text", SALESFORCE) == "null"
    assert parse("--", "text", GOOGLE_ADS) is None


def test_meta_spend_header_states_the_currency():
    meta = next(c for c in CONTRACTS if c.object == "meta_ads")
    mapping = map_columns(meta, ["Reporting starts", "Campaign name", "Campaign ID", "Amount  spent (usd)"])
    assert mapping.targets == ("day", "campaign_name", "campaign_id", "amount_spent")
    assert mapping.from_header == (("currency", "usd", "Amount spent (usd)"),)
    assert mapping.missing_required == ()
    with_column = map_columns(meta, ["Reporting starts", "Campaign name", "Campaign ID", "Currency",
                                     "Amount spent (EUR)"])
    assert with_column.from_header == ()


def unrouted(value: str | None, column_type: str, fmt: ValueFormat):
    """Every format tried in order, as one strptime list per kind: the parse before shape routing."""
    v = value_sql("c0", column_type, fmt)
    if column_type == "date":
        expr = f"cast(try_strptime({v}, {list(fmt.date)!r}) as date)"
    else:
        parts = [f"try_strptime({v}, {list(fmt.timestamp_local)!r})"] if fmt.timestamp_local else []
        parts.append(f"try_strptime({v}, {list(fmt.timestamp_utc)!r})")
        parts.append(f"timezone('UTC', try_strptime({v}, {list(fmt.timestamp_offset)!r}))")
        expr = f"coalesce({', '.join(parts)})"
    return CON.execute(f"select {expr} from (select cast($v as varchar) as c0)", {"v": value}).fetchall()[0][0]


@settings(max_examples=400, deadline=None)
@given(st.one_of(
    st.text(alphabet="0123456789-:T.Z+/ ", max_size=30),
    instants.map(lambda d: d.strftime(random_format(d))),
), st.sampled_from([SALESFORCE, HUBSPOT, HUBSPOT_SPANISH, MARKETO, LINKEDIN_ADS]))
def test_routing_values_by_shape_never_changes_a_parse(text, fmt):
    assert parse(text, "timestamp", fmt) == unrouted(text, "timestamp", fmt)
    assert parse(text, "date", fmt) == unrouted(text, "date", fmt)


def random_format(moment: dt.datetime) -> str:
    formats = ["%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M",
               "%d/%m/%Y %H:%M:%S", "%m/%d/%Y", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%SZ%z", "%Y-%m-%dT%H:%M:%S.%f%z"]
    return formats[moment.microsecond % len(formats)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcXYZ0189-_.:/ é\n", max_size=12), st.sampled_from([HUBSPOT, MARKETO, GOOGLE_ADS]))
def test_ids_are_letters_and_digits_then_separators(text, fmt):
    trimmed = text.strip(" ")
    valid = re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.:-]*", trimmed)
    expected = trimmed if valid and trimmed not in fmt.null_values else None
    assert parse(text, "id", fmt) == expected


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(alphabet="0123456789+-.,e lL", max_size=22),
                 st.integers(min_value=0, max_value=2**64).map(str)))
def test_marketo_numeric_ids_are_digits_that_fit_a_bigint(text):
    trimmed = text.strip(" ")
    digits = re.fullmatch(r"[0-9]+", trimmed)
    expected = int(trimmed) if digits and int(trimmed) < 2**63 else None
    assert parse(text, "number_id", MARKETO) == expected
    assert parse("null", "number_id", MARKETO) is None
