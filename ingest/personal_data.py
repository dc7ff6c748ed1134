"""Personal data at ingest: the suppression list, and the keyed hash the loader and ``forget`` match it with.

- ``ingest.suppressed_persons``: one row per forgotten person, holding the keyed hash of
  ``'email:' || normalised email`` (the person's ``person_key``, HMAC-SHA256 under the warehouse's
  secret), never the email itself.
- ``ingest.suppressed_records``: the records a forget removed, by source, object and record id (vendor
  ids, no contact details), with the ids merged into them (HubSpot's merged contact ids): the records
  themselves are not loaded again, under any email, and rows that refer to one of them (a Marketo
  activity's ``leadId``, a Salesforce task's ``WhoId``, a HubSpot form submission's contact id) are
  removed with them and not loaded again.

A record is suppressed when its contract's ``person_email_column`` hashes to a suppressed person or one
of its ``person_references`` names a suppressed record (ingest/contracts.py declares both). The loader
leaves suppressed records out of the raw table and the quarantine and counts them
(``rows_suppressed`` in ``ingest.load_ledger``); ``forget`` removes the ones already loaded.

The keyed hash is computed in SQL from the secret's HMAC pads in ``ingest.person_key_pads``, which the
pipeline writes before ingest and dbt run (orchestration/person_keys.py); the secret never reaches SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import duckdb

from ingest.contracts import CONTRACTS, Contract, quote_ident, sql_string

PADS_RELATION = "ingest.person_key_pads"
SUPPRESSED_PERSONS = "ingest.suppressed_persons"
SUPPRESSED_RECORDS = "ingest.suppressed_records"

SUPPRESSED_PERSONS_DDL = f"""
create table if not exists {SUPPRESSED_PERSONS} (
    person_key varchar not null,
    suppressed_at timestamp not null
)"""

SUPPRESSED_RECORDS_DDL = f"""
create table if not exists {SUPPRESSED_RECORDS} (
    source varchar not null,
    object varchar not null,
    record_id varchar not null,
    person_key varchar not null,
    suppressed_at timestamp not null
)"""


def keyed_hash_sql(message_sql: str) -> str:
    """HMAC-SHA256 (lowercase hex) of the text ``message_sql`` under the pads in ``ingest.person_key_pads``:
    the formula of dbt's ``duckdb__keyed_hash``; tests check both against Python's hmac."""
    return (f"sha256((select opad from {PADS_RELATION}) || "
            f"unhex(sha256((select ipad from {PADS_RELATION}) || encode({message_sql}))))")


def email_key_sql(email_sql: str) -> str:
    """The person key of a raw email (normalised as the identity rules do: lower(trim(email)))."""
    return keyed_hash_sql(f"'email:' || nullif(lower(trim({email_sql})), '')")


def suppressed_sql(contract: Contract, column_sql: Callable[[str], str | None]) -> str | None:
    """A condition, never null, true for a row of ``contract`` that is suppressed; None when nothing of
    the contract can be. ``column_sql`` gives the SQL of a raw column (None when the rows lack it)."""
    parts = []
    email = column_sql(contract.person_email_column) if contract.person_email_column else None
    if email:
        parts.append(f"{email_key_sql(email)} in (select person_key from {SUPPRESSED_PERSONS})")
    record_id = column_sql(contract.primary_key[0]) if contract.person_email_column and len(
        contract.primary_key) == 1 else None
    if record_id:
        # A forgotten record comes back under another email, or was merged into theirs.
        parts.append(f"cast({record_id} as varchar) in (select record_id from {SUPPRESSED_RECORDS}"
                     f" where source = {sql_string(contract.source)} and object = {sql_string(contract.object)})")
    for column, referenced in contract.person_references:
        value = column_sql(column)
        if value:
            parts.append(f"cast({value} as varchar) in (select record_id from {SUPPRESSED_RECORDS}"
                         f" where source = {sql_string(contract.source)} and object = {sql_string(referenced)})")
    return f"coalesce({' or '.join(parts)}, false)" if parts else None


def ensure_suppression_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SUPPRESSED_PERSONS_DDL)
    con.execute(SUPPRESSED_RECORDS_DDL)


def anything_suppressed(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the suppression list holds anyone (then the loader checks every record against it)."""
    return con.execute(f"select exists (select 1 from {SUPPRESSED_PERSONS})").fetchall()[0][0]


def pads_present(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the pipeline has written the secret's pads (a loader used on its own may not have)."""
    return con.execute("select exists (select 1 from duckdb_tables() where database_name = current_database() "
                       "and schema_name = 'ingest' and table_name = 'person_key_pads')").fetchall()[0][0]


def _raw_columns(con: duckdb.DuckDBPyConnection, contract: Contract) -> set[str]:
    return {row[0] for row in con.execute(
        "select column_name from duckdb_columns() where database_name = current_database() and schema_name = ? "
        "and table_name = ?", [contract.schema, contract.table]).fetchall()}


def forget(con: duckdb.DuckDBPyConnection, person_key: str, email: str | None = None) -> dict[str, int]:
    """Put ``person_key`` on the suppression list and remove the person's rows already loaded: every
    raw row with their email or referring to one of their records, and the quarantine rows of their
    records: a bad cell of a record with their email or referring to one of their records, a bad email
    that is theirs, and, when ``email`` (normalised) is given, any quarantined text holding it (an
    unreadable record is kept as raw text). The email is only compared, never stored. Rows removed per
    table (``raw_<source>.<object>``, ``ingest.quarantine``). Needs the pads."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    ensure_suppression_tables(con)
    removed: dict[str, int] = {}
    con.begin()
    try:
        con.execute(f"insert into {SUPPRESSED_PERSONS} select $key, $now where not exists "
                    f"(select 1 from {SUPPRESSED_PERSONS} where person_key = $key)", {"key": person_key, "now": now})
        # The person's records first (they name the rows that refer to them), then every suppressed row.
        for contract in CONTRACTS:
            if not contract.person_email_column or len(contract.primary_key) != 1:
                continue
            table = f"{quote_ident(contract.schema)}.{quote_ident(contract.table)}"
            record_id = quote_ident(contract.primary_key[0])
            con.execute(
                f"insert into {SUPPRESSED_RECORDS} select distinct $source, $object, cast({record_id} as varchar), "
                f"$key, $now from {table} where {email_key_sql(quote_ident(contract.person_email_column))} = $key "
                f"and cast({record_id} as varchar) not in (select record_id from {SUPPRESSED_RECORDS} "
                "where source = $source and object = $object)",
                {"source": contract.source, "object": contract.object, "key": person_key, "now": now})
            if contract.merged_ids_column:
                con.execute(
                    f"insert into {SUPPRESSED_RECORDS} select distinct $source, $object, trim(merged.id), $key, $now"
                    f" from {table}, unnest(string_split({quote_ident(contract.merged_ids_column)}, ';')) as merged(id)"
                    f" where {email_key_sql(quote_ident(contract.person_email_column))} = $key"
                    " and trim(merged.id) <> '' and trim(merged.id) not in (select record_id from"
                    f" {SUPPRESSED_RECORDS} where source = $source and object = $object)",
                    {"source": contract.source, "object": contract.object, "key": person_key, "now": now})
        for contract in CONTRACTS:
            columns = _raw_columns(con, contract)
            condition = suppressed_sql(contract, lambda name: quote_ident(name) if name in columns else None)
            if condition:
                table = f"{quote_ident(contract.schema)}.{quote_ident(contract.table)}"
                removed[f"{contract.schema}.{contract.table}"] = con.execute(
                    f"delete from {table} where {condition}").fetchall()[0][0]
        removed["ingest.quarantine"] = con.execute(
            "delete from ingest.quarantine q where coalesce(q.person_key in (select person_key from "
            f"{SUPPRESSED_PERSONS}), false) or coalesce({email_key_sql('q.raw_value')} in (select person_key from "
            f"{SUPPRESSED_PERSONS}), false) or exists (select 1 from {SUPPRESSED_RECORDS} r where r.source = q.source"
            " and list_contains(q.person_records, r.object || ':' || r.record_id))"
            " or coalesce(contains(lower(q.raw_value), $email), false)",
            {"email": email.lower() if email else None}).fetchall()[0][0]
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return removed
